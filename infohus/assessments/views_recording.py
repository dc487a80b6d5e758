"""Placeholder until written."""
from django.http import HttpRequest, HttpResponse


def py(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def case_start(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def concern_start(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def assessment_detail(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def assessment_edit(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def assessment_discard(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def assessment_correct(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def file_add(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def file_download(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError


def file_remove(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise NotImplementedError

