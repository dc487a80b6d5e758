"""Not written yet: a stub so that the URLconf loads (replaced by its owner)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def course_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def course_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def course_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def course_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
