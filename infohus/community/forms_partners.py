"""Forms of the partner pages: the search of the list, a partner, a contact person and the
withdrawal of a contact's consent. The rules and their messages are in services/partners.py; the
forms turn what the browser sent into the services' arguments."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infohus.community.models import ContactPerson, Partner, PartnerKind
from infohus.community.services.partners import ConsentHow, ContactData, PartnerData


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnerSearchForm(forms.Form):
    """The partner list's search (a GET form: both fields may stay empty)."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *PartnerKind.choices])


class VersionedForm(forms.Form):
    """A form that edits a row with a version: the version seen travels with the form."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def expected_version(self, default: int) -> int:
        version = self.cleaned_data.get("version")
        return default if version is None else int(version)


class PartnerForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=200,
                           error_messages={"required": _("Give the partner's name.")})
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose a kind")), *PartnerKind.choices],
                             error_messages={"required": _("Choose what kind of partner it is.")})
    area = forms.CharField(label=_("Area or address"), max_length=200, required=False)
    description = forms.CharField(label=_("What the partnership is about"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("What you work on together. Write about the partnership, not about "
                                              "individual people."))
    is_active = forms.BooleanField(label=_("Active partnership"), required=False, initial=True)

    def __init__(self, *args: Any, partner: Partner | None = None, **kwargs: Any) -> None:
        if partner is not None:
            kwargs.setdefault("initial", {"name": partner.name, "kind": partner.kind, "area": partner.area,
                                          "description": partner.description, "is_active": partner.is_active,
                                          "version": partner.version})
        super().__init__(*args, **kwargs)

    def data_for_service(self) -> PartnerData:
        d = self.cleaned_data
        return PartnerData(name=d["name"], kind=d["kind"], area=d.get("area", ""),
                           description=d.get("description", ""), is_active=bool(d.get("is_active")))


class ContactForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=200,
                           error_messages={"required": _("Give the contact person's name.")})
    role_at_partner = forms.CharField(label=_("Role at the partner"), max_length=200, required=False,
                                      help_text=_("For example: chair, imam, youth leader."))
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    email = forms.CharField(label=_("E-mail address"), max_length=254, required=False,
                            widget=forms.EmailInput)
    consent_given_on = forms.DateField(
        label=_("Consent given on"), widget=_date_input(),
        error_messages={"required": _("Give the date the contact person consented to us holding their details. "
                                      "Without consent, record no contact.")},
        help_text=_("We hold a contact's details only with their consent. The date it was given, not in the "
                    "future."))
    consent_how = forms.ChoiceField(label=_("How consent was given"),
                                    choices=[("", _("Choose how")), *ConsentHow.choices],
                                    error_messages={"required": _("Say how consent was given.")})

    def __init__(self, *args: Any, contact: ContactPerson | None = None, **kwargs: Any) -> None:
        if contact is not None:
            kwargs.setdefault("initial", {
                "name": contact.name, "role_at_partner": contact.role_at_partner, "phone": contact.phone,
                "email": contact.email, "consent_given_on": contact.consent_given_on,
                "consent_how": contact.consent_how, "version": contact.version})
        super().__init__(*args, **kwargs)
        if contact is not None and contact.consent_how not in ConsentHow.values:
            # A row from before the list of ways: keep what it says as a choice.
            self.fields["consent_how"].choices = [  # type: ignore[attr-defined]
                *self.fields["consent_how"].choices, (contact.consent_how, contact.consent_how)]  # type: ignore[attr-defined]

    def data_for_service(self) -> ContactData:
        d = self.cleaned_data
        return ContactData(name=d["name"], role_at_partner=d.get("role_at_partner", ""), phone=d.get("phone", ""),
                           email=d.get("email", ""), consent_given_on=d.get("consent_given_on"),
                           consent_how=d.get("consent_how", ""))


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Consent withdrawn on"), widget=_date_input(),
                                   help_text=_("The day the contact person withdrew their consent."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"withdrawn_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
