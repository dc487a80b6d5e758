"""Forms of the case pages. They check input; the services in services/cases.py make the changes
and hold the rules (who may, which compartments, which versions)."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import CAPABILITIES, Capability, Compartment
from infohus.cases.models import Case, Person
from infohus.cases.services.cases import ATTACHMENT_MAX_BYTES, NetworkChange, PersonChanges

TEXT_MAX = 10_000


def _compartment_choices(compartments: Iterable[str]) -> list[tuple[str, Any]]:
    visible = set(compartments)
    return [(value, label) for value, label in Compartment.choices if value in visible]


def _not_in_future(value: Any) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))


class VersionedForm(forms.Form):
    """Carries the version of the record the editor saw, for the optimistic check."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NoteForm(forms.Form):
    compartment = forms.ChoiceField(label=_("Compartment"))
    text = forms.CharField(label=_("Note"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, compartments: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["compartment"].choices = _compartment_choices(compartments)  # type: ignore[attr-defined]


class AttachmentForm(forms.Form):
    compartment = forms.ChoiceField(label=_("Compartment"))
    file = forms.FileField(
        label=_("File"), max_length=200,
        help_text=_("PDF, Word (.docx), OpenDocument (.odt), text, PNG or JPEG, at most %(mb)s MB.")
        % {"mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt,.txt,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, compartments: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["compartment"].choices = _compartment_choices(compartments)  # type: ignore[attr-defined]


class _MembershipChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        name = obj.user.get_full_name() or obj.user.get_username()
        return f"{name} — {obj.get_role_display()}, {obj.organisation}"


class CompartmentsField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=_("Compartments this member sees"), choices=Compartment.choices,
                         widget=forms.CheckboxSelectMultiple,
                         help_text=_("Never more than the member's role allows."), **kwargs)


class TeamMemberAddForm(forms.Form):
    membership = _MembershipChoice(label=_("Person and role"), queryset=Membership.objects.none(),
                                   empty_label=_("Choose a person"))
    compartments = CompartmentsField(initial=[Compartment.GENERAL.value])

    def __init__(self, *args: Any, exclude_users: Iterable[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = [role.value for role, caps in CAPABILITIES.items() if Capability.WORK_ON_CASE in caps]
        self.fields["membership"].queryset = (  # type: ignore[attr-defined]
            Membership.objects.filter(is_active=True, role__in=roles, user__is_active=True,
                                      organisation__is_active=True)
            .exclude(user_id__in=list(exclude_users))
            .select_related("user", "organisation").order_by("user__first_name", "user__last_name", "role")
        )


class TeamMemberEditForm(forms.Form):
    compartments = CompartmentsField()


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=User.objects.none(),
                                      empty_label=_("Choose someone on the team"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            case_teams__case=case, case_teams__is_active=True).order_by("first_name", "last_name")


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), validators=[_not_in_future],
                              widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("Summary"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}))


class ConsentForm(forms.Form):
    given_by = forms.CharField(label=_("Given by"), max_length=200,
                               help_text=_("The person, or the parent or guardian who gave consent for them."))
    scope = forms.CharField(label=_("What the consent covers"), max_length=TEXT_MAX,
                            widget=forms.Textarea(attrs={"rows": 3}))
    given_on = forms.DateField(label=_("Given on"), validators=[_not_in_future],
                               widget=forms.DateInput(attrs={"type": "date"}))


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), validators=[_not_in_future],
                                   widget=forms.DateInput(attrs={"type": "date"}))


class CloseForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("Choose an outcome")), *Case.Outcome.choices])
    reason = forms.CharField(label=_("Reason for closing"), max_length=TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 4}))


class ReopenForm(VersionedForm):
    pass


class CaseEditForm(VersionedForm):
    review_every_months = forms.IntegerField(label=_("Review every (months)"), min_value=1, max_value=24)
    next_review_on = forms.DateField(label=_("Next review"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    lead = forms.ModelChoiceField(label=_("Lead"), queryset=User.objects.none())

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manage_roles = [role.value for role, caps in CAPABILITIES.items() if Capability.MANAGE_CASE in caps]
        self.fields["lead"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            case_teams__case=case, case_teams__is_active=True, case_teams__role__in=manage_roles,
        ).order_by("first_name", "last_name")

    @staticmethod
    def initial_for(case: Case) -> dict[str, Any]:
        return {"version": case.version, "review_every_months": case.review_every_months,
                "next_review_on": case.next_review_on, "lead": case.lead_id}


class PersonForm(VersionedForm):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, validators=[_not_in_future],
                                 widget=forms.DateInput(attrs={"type": "date"}))
    identifier_country = forms.CharField(label=_("Country of the identifier"), max_length=2, min_length=2,
                                         help_text=_("Two letters, for example DK."))
    identifier = forms.CharField(label=_("National identifier"), max_length=32, required=False,
                                 help_text=_("Leave empty to keep the identifier on record."),
                                 widget=forms.TextInput(attrs={"autocomplete": "off"}))
    gender = forms.ChoiceField(label=_("Gender"), choices=Person.Gender.choices)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), required=False, empty_label=_("Not known"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, is_active=True))
    languages = forms.CharField(label=_("Languages"), max_length=200, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    address = forms.CharField(label=_("Address"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def clean_identifier_country(self) -> str:
        value: str = self.cleaned_data["identifier_country"].strip().upper()
        if not value.isalpha():
            raise forms.ValidationError(_("Two letters, for example DK."))
        return value

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {
            "version": person.version, "first_name": person.first_name, "last_name": person.last_name,
            "birth_date": person.birth_date, "identifier_country": person.identifier_country,
            "gender": person.gender, "municipality": person.municipality_id, "languages": person.languages,
            "phone": person.phone, "email": person.email, "address": person.address,
        }

    def changes(self) -> PersonChanges:
        d = self.cleaned_data
        return PersonChanges(
            first_name=d["first_name"], last_name=d["last_name"], birth_date=d["birth_date"], gender=d["gender"],
            municipality=d["municipality"], languages=d["languages"], phone=d["phone"], email=d["email"],
            address=d["address"], identifier_country=d["identifier_country"], identifier=d["identifier"],
        )


class NetworkMemberForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    relation = forms.CharField(label=_("Relation"), max_length=100, required=False,
                               help_text=_("For example mother, brother, friend, football coach."))
    contact = forms.CharField(label=_("Contact details"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name") and not data.get("relation") and not data.get("DELETE"):
            self.add_error("relation", _("Give the relation to the person."))
        return data


NetworkFormSet = forms.formset_factory(NetworkMemberForm, extra=2, can_delete=True, max_num=50, validate_max=True)


def network_initial(person: Person) -> list[dict[str, Any]]:
    return [{"id": m.pk, "name": m.name, "relation": m.relation, "contact": m.contact}
            for m in person.network.all()]


def network_changes(formset: Any) -> list[NetworkChange]:
    changes = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data:
            continue
        changes.append(NetworkChange(pk=data.get("id"), name=data.get("name", ""), relation=data.get("relation", ""),
                                     contact=data.get("contact", ""), delete=bool(data.get("DELETE"))))
    return changes


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why must you open this case now?"), min_length=10, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your reason is logged and sent to the data protection officers. Describe the emergency "
                    "without details about the person."),
    )
