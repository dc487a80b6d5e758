"""Not written yet: a stub so that the URLconf loads (replaced by its owner)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def requirement_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def requirement_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def compliance(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def requirement_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404



def my_training(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
