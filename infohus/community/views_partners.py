"""Not written yet: a stub so that the URLconf loads (replaced by its owner)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def partner_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def partner_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def partner_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def partner_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def contact_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def contact_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def contact_withdraw(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
