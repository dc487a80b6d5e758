"""Not written yet: a stub so that the URLconf loads (replaced by its owner)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def run_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def run_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def run_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def run_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def enrol(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def withdraw(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def attendance(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def complete(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def certificate(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
