"""Placeholder: the assessments panels on the case and concern pages (written by the recording pages)."""

from typing import Any

from django.http import HttpRequest


def case_panel(request: HttpRequest, access: Any) -> str:
    return ""


def concern_panel(request: HttpRequest, concern: Any) -> str:
    return ""
