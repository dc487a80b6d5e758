"""Not written yet: a stub so that the URLconf loads (replaced by its owner)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def questionnaire_choose(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def run_evaluation(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def answers_record(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def cost_report(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
