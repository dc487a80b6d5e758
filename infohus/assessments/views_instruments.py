"""Placeholder until written."""
from django.http import HttpRequest, HttpResponse


def py(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def instrument_list(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def instrument_new(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def version_detail(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def version_new_draft(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def version_publish(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def version_discard(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def section_add(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def section_edit(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def section_remove(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def section_move(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def field_add(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def field_edit(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def field_remove(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def field_move(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError

