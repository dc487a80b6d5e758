"""The one way a desk page shows a form: the service's refusal put back at the fields it names,
and a page with a way back, a heading, the form and one button. Sent back with 400 on a POST
that was refused, so nothing typed is lost and a client can tell."""

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def put_back(form: BaseForm, error: ValidationError) -> None:
    """A service's refusal at the fields it names (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, ValidationError(errors))
    else:
        form.add_error(None, error)


def form_page(request: HttpRequest, form: BaseForm, *, title: str, submit: str, back_url: str, back_label: str,
              intro: str = "", template: str = "includes/form_page.html", **context: Any) -> HttpResponse:
    """Render a form page; a POST that reaches here was refused, so it answers 400."""
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, "title": title, "submit": submit, "back_url": back_url,
                                      "back_label": back_label, "intro": intro, **context}, status=status)
