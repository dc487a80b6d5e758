"""Pages of community partners and their contact people.

Who: the community coordinators (COMMUNITY) of the organisation that keeps a partner; anyone else
gets 403 (no capability) or 404 (another organisation's partner, the refusal audited). Every row
is fetched through selectors/partners.py, which goes through selectors/access.py. The rules are
in services/partners.py; refused input comes back with a 400 and everything typed kept, a save
made after someone else's with a 409 and the current values.
"""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from infohus.accounts.models import Organisation, User
from infohus.accounts.permissions import active_membership, capability_required
from infohus.accounts.roles import Capability
from infohus.community import forms_partners as f
from infohus.community.selectors import partners as reads
from infohus.community.services import partners as services
from infohus.core.concurrency import StaleEdit
from infohus.core.form_pages import form_page, put_back

community_required = capability_required(Capability.COMMUNITY)


def user_of(request: HttpRequest) -> User:
    return cast(User, request.user)


def acting_organisation(request: HttpRequest) -> Organisation:
    """The organisation the coordinator acts for (the decorator checked the role does community work)."""
    membership = active_membership(request)
    assert membership is not None
    return membership.organisation


def stale_message() -> str:
    return _("Someone else saved this record after you opened it. Nothing was overwritten. Their version is "
             "shown below, and your input is kept in the form; check it and save again.")


def versioned_save(request: HttpRequest, form: f.VersionedForm, *, current_version: int,
                   save: Callable[[int], Model], make_form: Callable[[Any], f.VersionedForm],
                   current_rows: Callable[[Model], list[tuple[str, object]]],
                   page: Callable[..., HttpResponse]) -> HttpResponse | Model:
    """Save a valid versioned form. Returns the saved row, or the page to answer: 400 with the
    refusal at its fields, or 409 with the current values when someone else saved first (the form
    then carries the editor's input and the current version)."""
    try:
        return save(form.expected_version(current_version))
    except StaleEdit as stale:
        data = request.POST.copy()
        data["version"] = str(getattr(stale.current, "version", current_version))
        fresh = make_form(data)
        fresh.is_valid()
        response = page(fresh, stale=stale_message(), current_rows=current_rows(stale.current))
        response.status_code = 409
        return response
    except ValidationError as error:
        put_back(form, error)
        return page(form)


# --- partners -------------------------------------------------------------------------------------------

@community_required
def partner_list(request: HttpRequest) -> HttpResponse:
    searching = any(key != "page" for key in request.GET)
    form = f.PartnerSearchForm(request.GET if searching else None)
    if searching and not form.is_valid():
        return render(request, "community/partners/list.html", {"form": form, "page": None}, status=400)
    q = form.cleaned_data.get("q", "") if searching else ""
    kind = form.cleaned_data.get("kind", "") if searching else ""
    page = Paginator(reads.partners(request.user, q=q, kind=kind), reads.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "community/partners/list.html", {"form": form, "page": page, "searching": searching})


def _partner_rows(partner: Model) -> list[tuple[str, object]]:
    p = cast(Any, partner)
    return [(_("Name"), p.name), (_("Kind"), p.get_kind_display()), (_("Area or address"), p.area or "—"),
            (_("What the partnership is about"), p.description or "—"),
            (_("Active partnership"), _("Yes") if p.is_active else _("No"))]


@community_required
def partner_new(request: HttpRequest) -> HttpResponse:
    posting = request.method == "POST"
    form = f.PartnerForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            partner = services.create_partner(actor=user_of(request), organisation=acting_organisation(request),
                                              data=form.data_for_service())
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("%(name)s was added to your partners.") % {"name": partner.name})
            return redirect("community:partner_detail", pk=partner.pk)
    return form_page(request, form, title=_("Add a community partner"), submit=_("Add the partner"),
                     back_url=reverse("community:partner_list"), back_label=_("Back to the partners"))


@community_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = reads.partner_for(request.user, pk, purpose="community partners: partner page")
    page = reads.partner_page(request.user, partner)
    return render(request, "community/partners/detail.html", {
        "partner": partner, "contacts": page.contacts, "meetings": page.meetings, "meeting_count": page.meeting_count,
    })


@community_required
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = reads.partner_for(request.user, pk, purpose="community partners: edit a partner")
    posting = request.method == "POST"
    form = f.PartnerForm(request.POST if posting else None, partner=partner)
    title = _("Change %(name)s") % {"name": partner.name}

    def page(shown: f.VersionedForm, **extra: Any) -> HttpResponse:
        return form_page(request, shown, title=title, submit=_("Save"),
                         back_url=reverse("community:partner_detail", args=[partner.pk]),
                         back_label=_("Back to %(name)s") % {"name": partner.name}, **extra)

    if posting and form.is_valid():
        result = versioned_save(
            request, form, current_version=partner.version,
            save=lambda version: services.update_partner(actor=user_of(request), partner=partner,
                                                         expected_version=version, data=form.data_for_service()),
            make_form=lambda data: f.PartnerForm(data, partner=partner), current_rows=_partner_rows, page=page)
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, _("The partner was saved."))
        return redirect("community:partner_detail", pk=partner.pk)
    return page(form)


# --- contact people -----------------------------------------------------------------------------------------

def _to_contacts(partner_pk: int) -> HttpResponse:
    response = redirect("community:partner_detail", pk=partner_pk)
    response["Location"] += "#contacts"
    return response


@community_required
def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    partner = reads.partner_for(request.user, pk, purpose="community partners: add a contact")
    posting = request.method == "POST"
    form = f.ContactForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            services.add_contact(actor=user_of(request), partner=partner, data=form.data_for_service())
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The contact person was added."))
            return _to_contacts(partner.pk)
    return form_page(request, form, title=_("Add a contact person at %(name)s") % {"name": partner.name},
                     submit=_("Add the contact"), back_url=reverse("community:partner_detail", args=[partner.pk]),
                     back_label=_("Back to %(name)s") % {"name": partner.name},
                     intro=_("Record a contact only with their consent to us holding their name and details. They "
                             "may withdraw it at any time; their details are then erased."))


def _contact_rows(contact: Model) -> list[tuple[str, object]]:
    c = cast(Any, contact)
    return [(_("Name"), c.name or "—"), (_("Role at the partner"), c.role_at_partner or "—"),
            (_("Telephone"), c.phone or "—"), (_("E-mail address"), c.email or "—"),
            (_("Consent given on"), c.consent_given_on.isoformat()),
            (_("How consent was given"), services.consent_how_label(c.consent_how))]


def _withdrawn(request: HttpRequest, partner_pk: int) -> HttpResponse:
    messages.error(request, _("This contact withdrew their consent; their details were erased and nothing was "
                              "changed."))
    return _to_contacts(partner_pk)


@community_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = reads.contact_for(request.user, pk, purpose="community partners: edit a contact")
    partner = contact.partner
    if contact.consent_withdrawn_on is not None:
        return _withdrawn(request, partner.pk)
    posting = request.method == "POST"
    form = f.ContactForm(request.POST if posting else None, contact=contact)

    def page(shown: f.VersionedForm, **extra: Any) -> HttpResponse:
        return form_page(request, shown, title=_("Change the contact %(name)s") % {"name": contact.name},
                         submit=_("Save"), back_url=reverse("community:partner_detail", args=[partner.pk]),
                         back_label=_("Back to %(name)s") % {"name": partner.name},
                         **extra)

    if posting and form.is_valid():
        result = versioned_save(
            request, form, current_version=contact.version,
            save=lambda version: services.update_contact(actor=user_of(request), contact=contact,
                                                         expected_version=version, data=form.data_for_service()),
            make_form=lambda data: f.ContactForm(data, contact=contact), current_rows=_contact_rows, page=page)
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, _("The contact person was saved."))
        return _to_contacts(partner.pk)
    return page(form)


@community_required
def contact_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page; the POST records the withdrawal and erases the details at once."""
    contact = reads.contact_for(request.user, pk, purpose="community partners: withdraw a consent")
    partner = contact.partner
    if contact.consent_withdrawn_on is not None:
        return _withdrawn(request, partner.pk)
    posting = request.method == "POST"
    form = f.WithdrawForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            services.withdraw_consent(actor=user_of(request), contact=contact,
                                      withdrawn_on=form.cleaned_data["withdrawn_on"])
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The withdrawal of consent was recorded. The contact's name, role, "
                                        "telephone and e-mail address were erased."))
            return _to_contacts(partner.pk)
    return render(request, "community/partners/withdraw.html", {
        "form": form, "contact": contact, "partner": partner,
        "consent_how": services.consent_how_label(contact.consent_how),
    }, status=400 if posting else 200)
