"""Not written yet: a stub so that the URLconf loads (replaced by its owner)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def ambassador_start(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def ambassador_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def ambassador_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def module_done(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def mark_ready(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def activity_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def my_ambassador(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def my_activity_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def report_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def inbox(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def report_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def report_to_dialogue(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def report_to_concern(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def report_close(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
