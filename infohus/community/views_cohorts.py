"""Not written yet: a stub so that the URLconf loads (replaced by its owner)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def cohort_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def cohort_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def cohort_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def cohort_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def module_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def attendance(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def participant_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def participant_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def participant_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def goal_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def progress_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
