"""Forms of "Get involved", of moderation and of the EU networks. They check input; the
services in services.py make the changes."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from infohus.directory.models import Country, EUNetwork, Project, Submission, Tag
from infohus.directory.services import EUNetworkContent, ProposalContent

# Limits on what a proposal may hold; the request as a whole is limited in spam.py.
SUMMARY_MAX = 3000
CONTACT_MAX = 1500
NOTE_MAX = 3000


if TYPE_CHECKING:
    _ModelMultipleChoiceField = forms.ModelMultipleChoiceField[Tag]
else:  # the stubs' generic is not subscriptable at run time
    _ModelMultipleChoiceField = forms.ModelMultipleChoiceField


class TagChoiceField(_ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_facet_display()}: {obj}"


class ProposalForm(forms.Form):
    """What a proposal says. Used by the proposer (Get involved, resubmission) and the editor."""

    kind = forms.ChoiceField(label=_("What do you propose?"), choices=Submission.Kind.choices, widget=forms.RadioSelect)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=300)
    title = forms.CharField(label=_("Project title"), max_length=300, required=False,
                            help_text=_("Required when you propose a project."))
    summary = forms.CharField(
        label=_("What it does"), max_length=SUMMARY_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=format_lazy(_("A few sentences in your own words: whom it works with and how. "
                                "At most {max} characters."), max=SUMMARY_MAX),
    )
    website = forms.URLField(label=_("Website"), max_length=500, required=False, assume_scheme="https")
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all(),
                                     empty_label=_("Choose a country"))
    prevention_level = forms.ChoiceField(
        label=_("Prevention level"), required=False,
        choices=[("", _("Not stated")), *Project.PreventionLevel.choices],
    )
    tags = TagChoiceField(
        label=_("Target groups, themes and kinds of extremism"), required=False,
        queryset=Tag.objects.order_by("facet", "name_en"), widget=forms.CheckboxSelectMultiple,
    )
    contact = forms.CharField(
        label=_("Contact details to publish"), max_length=CONTACT_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A contact person, e-mail address, telephone number or postal address that may be shown "
                    "publicly. Give only details the people named have agreed to publish."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Submission.Kind.PROJECT and not (data.get("title") or "").strip():
            self.add_error("title", _("Give the project's title."))
        return data

    def content(self) -> ProposalContent:
        data = self.cleaned_data
        is_project = data["kind"] == Submission.Kind.PROJECT
        return ProposalContent(
            kind=data["kind"], organisation_name=data["organisation_name"].strip(),
            title=data["title"].strip() if is_project else "", summary=data["summary"].strip(),
            website=data["website"], country=data["country"], contact=data["contact"].strip(),
            prevention_level=data["prevention_level"], tags=tuple(data["tags"]),
        )

    @staticmethod
    def initial_for(submission: Submission) -> dict[str, Any]:
        return {
            "kind": submission.kind, "organisation_name": submission.organisation_name, "title": submission.title,
            "summary": submission.summary, "website": submission.website, "country": submission.country_id,
            "prevention_level": submission.prevention_level, "contact": submission.contact,
            "tags": [tag.pk for tag in submission.target_groups.all()],
        }


class GetInvolvedForm(ProposalForm):
    """The public form: the proposal, who sends it, and their consent."""

    proposer_name = forms.CharField(label=_("Your name"), max_length=200)
    proposer_email = forms.EmailField(
        label=_("Your e-mail address"), max_length=254,
        help_text=_("We send a confirmation and our decision to this address. It is not published."),
    )
    consent = forms.BooleanField(
        label=_("I may propose this, and the contact details I give may be published."),
    )

    field_order = ["proposer_name", "proposer_email", "kind", "organisation_name", "title", "summary", "website",
                   "country", "prevention_level", "tags", "contact", "consent"]


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Note to the proposer"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The proposer receives this reason by e-mail."),
        error_messages={"required": _("Give a reason for the rejection; the proposer will receive it.")},
    )


class RequestChangesForm(forms.Form):
    note = forms.CharField(
        label=_("What should change"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The proposer receives this note with a link to change and resend the proposal."),
        error_messages={"required": _("Say what should change; the proposer will receive your note.")},
    )


class EUNetworkForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    acronym = forms.CharField(label=_("Acronym"), max_length=30, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    website = forms.URLField(label=_("Website"), max_length=500, required=False, assume_scheme="https")
    position = forms.IntegerField(label=_("Position in the list"), min_value=0, max_value=32767, initial=0,
                                  help_text=_("Networks are listed by this number, then by name."))

    @staticmethod
    def initial_for(network: EUNetwork) -> dict[str, Any]:
        return {name: getattr(network, name) for name in ("name", "acronym", "summary", "website", "position")}

    def content(self) -> EUNetworkContent:
        data = self.cleaned_data
        return EUNetworkContent(name=data["name"].strip(), acronym=data["acronym"].strip(),
                                summary=data["summary"].strip(), website=data["website"], position=data["position"])
