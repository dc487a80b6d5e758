"""Placeholder until written."""
from django.http import HttpRequest, HttpResponse


def py(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def case_progress(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def pdf(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def case_progress_pdf(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def assessment_pdf(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def assessment_compare(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError

