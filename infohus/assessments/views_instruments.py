"""Authoring instruments in the browser: the list, a new instrument, a version with its sections
and fields, and publishing.

Every page needs Capability.AUTHOR_INSTRUMENTS (a system administrator, or a national centre's
trainers and mentor coaches). Instruments hold no personal data, so there is no need-to-know;
the versions are read through selectors/instruments.py, and every change goes through
services/instruments.py, which refuses to touch a published version.
"""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infohus.accounts.models import User
from infohus.accounts.permissions import capability_required
from infohus.accounts.roles import Capability
from infohus.assessments import forms_instruments as f
from infohus.assessments.engine import SCALE_MAX, SCALE_MIN
from infohus.assessments.models import InstrumentVersion
from infohus.assessments.selectors import instruments as reads
from infohus.assessments.services import instruments as services

author_required = capability_required(Capability.AUTHOR_INSTRUMENTS)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _to_version(version: InstrumentVersion | int, anchor: str = "") -> HttpResponse:
    pk = version if isinstance(version, int) else version.pk
    return redirect(reverse("assessments:version_detail", args=[pk]) + (f"#{anchor}" if anchor else ""))


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _published_refusal(request: HttpRequest, version: InstrumentVersion) -> HttpResponse | None:
    """For the pages that change a draft: a published version is sent back to its page with the
    reason (the services refuse a forged POST as well)."""
    try:
        services.require_draft(version)
    except ValidationError as error:
        _refused(request, error)
        return _to_version(version)
    return None


def _form_page(request: HttpRequest, version: InstrumentVersion | None, form: Any, *, title: str, submit: str,
               intro: str = "", status: int = 200) -> HttpResponse:
    return render(request, "assessments/instruments/form.html", {
        "version": version, "form": form, "title": title, "submit": submit, "intro": intro,
    }, status=status)


# --- instruments ---------------------------------------------------------------------------------

@author_required
def instrument_list(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/instruments/list.html", {"instruments": reads.instruments_with_versions()})


@author_required
def instrument_new(request: HttpRequest) -> HttpResponse:
    form = f.InstrumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.create_instrument(actor=_user(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error("slug", error)
        else:
            messages.success(request, _("The instrument was created. Add its sections and fields to version 1."))
            return _to_version(version)
    return _form_page(request, None, form, title=_("New instrument"), submit=_("Create the instrument"),
                      intro=_("The instrument starts as an empty draft of version 1. Nobody can use it until "
                              "it is published."))


# --- versions ------------------------------------------------------------------------------------

@author_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = reads.version_for_author(pk)
    versions = reads.versions_of(version.instrument)
    return render(request, "assessments/instruments/version.html", {
        "version": version, "instrument": version.instrument, "sections": reads.sections_of(version),
        "versions": versions, "kept_keys": reads.keys_of(version.based_on),
        "is_draft": not version.is_published, "publish_form": f.PublishForm(),
        "next_number": versions.latest_number + 1, "scale_points": range(SCALE_MIN, SCALE_MAX + 1),
    })


@author_required
@require_POST
def version_new_draft(request: HttpRequest, pk: int) -> HttpResponse:
    version = reads.version_for_author(pk)
    try:
        draft = services.new_draft(actor=_user(request), based_on=version)
    except ValidationError as error:
        _refused(request, error)
        return _to_version(version)
    messages.success(request, _("Version %(n)d was started as a draft, with the fields of version %(m)d.")
                     % {"n": draft.number, "m": version.number})
    return _to_version(draft)


@author_required
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = reads.version_for_author(pk)
    form = f.PublishForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("change_note", []):
            messages.error(request, _("Say what changed: %(error)s") % {"error": error})
        return _to_version(version, "publish")
    try:
        services.publish(actor=_user(request), version=version, change_note=form.cleaned_data["change_note"])
    except ValidationError as error:
        _refused(request, error)
        return _to_version(version)
    messages.success(request, _("Version %(n)d is published. New assessments use it from now on.")
                     % {"n": version.number})
    return _to_version(version)


@author_required
def version_discard(request: HttpRequest, pk: int) -> HttpResponse:
    version = reads.version_for_author(pk)
    refusal = _published_refusal(request, version)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        try:
            services.discard_draft(actor=_user(request), version=version)
        except ValidationError as error:
            _refused(request, error)
            return _to_version(version)
        messages.success(request, _("The draft of version %(n)d was discarded.") % {"n": version.number})
        return redirect("assessments:instrument_list")
    return _confirm(request, version, title=_("Discard the draft of version %(n)d?") % {"n": version.number},
                    text=_("Its sections and fields are removed. Published versions stay as they are."),
                    submit=_("Discard the draft"))


def _confirm(request: HttpRequest, version: InstrumentVersion, *, title: str, text: str, submit: str) -> HttpResponse:
    return render(request, "assessments/instruments/confirm.html", {
        "version": version, "title": title, "text": text, "submit": submit,
    })


# --- sections ------------------------------------------------------------------------------------

@author_required
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    version = reads.version_for_author(pk)
    refusal = _published_refusal(request, version)
    if refusal is not None:
        return refusal
    form = f.SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            section = services.add_section(actor=_user(request), version=version, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The section was added. Add its fields."))
            return _to_version(version, f"section-{section.pk}")
    return _form_page(request, version, form, title=_("Add a section"), submit=_("Add the section"))


@author_required
def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    version = reads.version_for_author(pk)
    section = reads.section_of(version, section_pk)
    refusal = _published_refusal(request, version)
    if refusal is not None:
        return refusal
    form = f.SectionForm(request.POST or None, initial=f.SectionForm.initial_from(section))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_section(actor=_user(request), section=section, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The section was saved."))
            return _to_version(version, f"section-{section.pk}")
    return _form_page(request, version, form, title=_("Edit the section “%(title)s”") % {"title": section.title},
                      submit=_("Save the section"))


def _remove(request: HttpRequest, version: InstrumentVersion, remove: Callable[[], object], *, done: str,
            anchor: str, title: str, text: str, submit: str) -> HttpResponse:
    """A section or a field out of a draft: a confirmation page, then the service on POST."""
    refusal = _published_refusal(request, version)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        try:
            remove()
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, done)
        return _to_version(version, anchor)
    return _confirm(request, version, title=title, text=text, submit=submit)


def _move(request: HttpRequest, version: InstrumentVersion, move: Callable[[str], object], anchor: str) -> HttpResponse:
    """A section or a field one place up or down in a draft."""
    form = f.MoveForm(request.POST)
    if form.is_valid():
        try:
            move(form.cleaned_data["direction"])
        except ValidationError as error:
            _refused(request, error)
    else:
        messages.error(request, _("Move up or down."))
    return _to_version(version, anchor)


@author_required
def section_remove(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    version = reads.version_for_author(pk)
    section = reads.section_of(version, section_pk)
    return _remove(
        request, version, lambda: services.remove_section(actor=_user(request), section=section),
        done=_("The section “%(title)s” was removed.") % {"title": section.title}, anchor="sections",
        title=_("Remove the section “%(title)s”?") % {"title": section.title},
        text=_("The section and its fields are taken out of this draft."), submit=_("Remove the section"))


@author_required
@require_POST
def section_move(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    version = reads.version_for_author(pk)
    section = reads.section_of(version, section_pk)
    return _move(request, version, lambda direction: services.move_section(
        actor=_user(request), section=section, direction=direction), f"section-{section.pk}")


# --- fields --------------------------------------------------------------------------------------

def _field_page(request: HttpRequest, version: InstrumentVersion, form: f.FieldForm, *, title: str,
                submit: str) -> HttpResponse:
    return _form_page(request, version, form, title=title, submit=submit,
                      intro=_("The options and the participants are used only by the kinds they are for."))


@author_required
def field_add(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    version = reads.version_for_author(pk)
    section = reads.section_of(version, section_pk)
    refusal = _published_refusal(request, version)
    if refusal is not None:
        return refusal
    form = f.FieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            field = services.add_field(
                actor=_user(request), section=section, key=data["key"], kind=data["kind"],
                label_da=data["label_da"], label_en=data["label_en"], help_da=data["help_da"],
                help_en=data["help_en"], required=data["required"], options=data["options"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The field was added."))
            return _to_version(version, f"field-{field.pk}")
    return _field_page(request, version, form, submit=_("Add the field"),
                       title=_("Add a field to “%(title)s”") % {"title": section.title})


@author_required
def field_edit(request: HttpRequest, pk: int, field_pk: int) -> HttpResponse:
    version = reads.version_for_author(pk)
    field = reads.field_of(version, field_pk)
    refusal = _published_refusal(request, version)
    if refusal is not None:
        return refusal
    form = f.FieldForm(request.POST or None, initial=f.FieldForm.initial_from(field),
                       sections=reads.sections_of(version))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_field(
                actor=_user(request), field=field, key=data["key"], kind=data["kind"], label_da=data["label_da"],
                label_en=data["label_en"], help_da=data["help_da"], help_en=data["help_en"],
                required=data["required"], options=data["options"],
                section=reads.section_of(version, data["section"]))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The field was saved."))
            return _to_version(version, f"field-{field.pk}")
    return _field_page(request, version, form, submit=_("Save the field"),
                       title=_("Edit the field “%(label)s”") % {"label": field.label})


@author_required
def field_remove(request: HttpRequest, pk: int, field_pk: int) -> HttpResponse:
    version = reads.version_for_author(pk)
    field = reads.field_of(version, field_pk)
    return _remove(
        request, version, lambda: services.remove_field(actor=_user(request), field=field),
        done=_("The field “%(label)s” was removed.") % {"label": field.label}, anchor=f"section-{field.section_id}",
        title=_("Remove the field “%(label)s”?") % {"label": field.label},
        text=_("The field is taken out of this draft. Answers given to earlier versions keep it."),
        submit=_("Remove the field"))


@author_required
@require_POST
def field_move(request: HttpRequest, pk: int, field_pk: int) -> HttpResponse:
    version = reads.version_for_author(pk)
    field = reads.field_of(version, field_pk)
    return _move(request, version, lambda direction: services.move_field(
        actor=_user(request), field=field, direction=direction), f"field-{field.pk}")
