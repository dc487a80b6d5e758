"""Sections that apps above cases add to the case page and the triage page of a concern.

The cases app must not import the apps built on it (assessments, interventions...), yet their
work belongs on the case page. Each such app registers a panel here from its AppConfig.ready();
the case and concern views render every registered panel with the access the reader already has.
A panel returns HTML, or an empty string when it has nothing for this reader.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

type Panel = Callable[[HttpRequest, Any], str]

_CASE_PANELS: list[Panel] = []
_CONCERN_PANELS: list[Panel] = []


def register_case_panel(panel: Panel) -> None:
    if panel not in _CASE_PANELS:
        _CASE_PANELS.append(panel)


def register_concern_panel(panel: Panel) -> None:
    if panel not in _CONCERN_PANELS:
        _CONCERN_PANELS.append(panel)


def _render(panels: list[Panel], request: HttpRequest, subject: Any) -> list[SafeString]:
    # Panels render templates with autoescaping, so their output is already safe HTML.
    return [mark_safe(html) for panel in panels if (html := panel(request, subject))]  # noqa: S308


def case_panels(request: HttpRequest, access: Any) -> list[SafeString]:
    """The registered panels for a case page; access is the reader's CaseAccess."""
    return _render(_CASE_PANELS, request, access)


def concern_panels(request: HttpRequest, concern: Any) -> list[SafeString]:
    """The registered panels for a concern's triage page."""
    return _render(_CONCERN_PANELS, request, concern)
