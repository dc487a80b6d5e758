"""Not written yet: a stub so that the URLconf loads (replaced by its owner)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def meeting_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def meeting_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def meeting_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def meeting_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def topic_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def follow_up_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def follow_up_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def follow_up_done(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def outreach_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def outreach_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def outreach_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def outreach_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
