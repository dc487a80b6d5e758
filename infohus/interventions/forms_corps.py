"""Forms of the mentor corps pages: the search of the register by needs, an entry of the register,
a supervision session and a coach pairing.

The forms turn what the browser sent into the services' arguments; the rules (and their
messages) are in services/corps.py, which the views call and whose refusals they put back at the
fields.
"""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Organisation, User
from infohus.interventions import languages
from infohus.interventions.models import AgeGroup, CorpsRole, MentorProfile
from infohus.interventions.selectors.corps import Needs
from infohus.interventions.services.corps import (
    EXPERIENCE_KINDS,
    MAX_CAPACITY,
    MAX_SUPERVISION_MINUTES,
    MIN_CAPACITY,
    ProfileData,
    corps_candidates,
    split_codes,
)

MAX_SEARCH_KM = 1000


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _municipalities() -> Any:
    return Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, is_active=True).order_by("name")


def _experience_choices() -> list[tuple[str, str]]:
    return [(kind.value, str(kind.label)) for kind in EXPERIENCE_KINDS]


class _PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


# --- the search -------------------------------------------------------------------------------------------

class RegisterSearchForm(forms.Form):
    """The needs a mentor is sought for (a GET form: every field may stay empty)."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    language = forms.ChoiceField(label=_("Speaks"), required=False)
    age_group = forms.ChoiceField(label=_("Works with the age group"), required=False)
    extremism_kind = forms.ChoiceField(label=_("Has worked with"), required=False)
    gender = forms.ChoiceField(label=_("Gender of the mentor"), required=False)
    corps_role = forms.ChoiceField(label=_("Role in the corps"), required=False)
    prison_work = forms.BooleanField(label=_("Has experience of prison work"), required=False)
    free = forms.BooleanField(label=_("Only those with a free place and a valid accreditation"), required=False)
    near = forms.ModelChoiceField(label=_("Distance from the municipality"), required=False,
                                  queryset=Organisation.objects.none(), empty_label=_("No municipality chosen"),
                                  help_text=_("Nearest first, measured between the town halls."))
    within_km = forms.IntegerField(label=_("Within (km)"), required=False, min_value=1, max_value=MAX_SEARCH_KM,
                                   help_text=_("Only with a municipality chosen. Members whose distance is not "
                                               "known stay in the list, marked as such."))
    inactive = forms.BooleanField(label=_("Include members no longer active"), required=False)

    def __init__(self, *args: Any, coach: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("Any language")), *languages.choices()]
        self.fields["age_group"].choices = [("", _("Any age group")), *AgeGroup.choices]  # type: ignore[attr-defined]
        self.fields["extremism_kind"].choices = [  # type: ignore[attr-defined]
            ("", _("Any kind of extremism")), *_experience_choices()]
        self.fields["gender"].choices = [  # type: ignore[attr-defined]
            ("", _("Any gender")), *MentorProfile.Gender.choices]
        self.fields["corps_role"].choices = [("", _("Any role")), *CorpsRole.choices]  # type: ignore[attr-defined]
        self.fields["near"].queryset = _municipalities()  # type: ignore[attr-defined]
        if not coach:
            del self.fields["inactive"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("within_km") is not None and cleaned.get("near") is None:
            self.add_error("near", gettext("Choose the municipality to measure the distance from."))
        return cleaned

    def needs(self) -> Needs:
        data = self.cleaned_data
        return Needs(name=data.get("q", "").strip(), language=data.get("language", ""),
                     age_group=data.get("age_group", ""), extremism_kind=data.get("extremism_kind", ""),
                     gender=data.get("gender", ""), prison_work=bool(data.get("prison_work")),
                     free_only=bool(data.get("free")), corps_role=data.get("corps_role", ""),
                     near=data.get("near"), within_km=data.get("within_km"),
                     include_inactive=bool(data.get("inactive")))


# --- an entry of the register -----------------------------------------------------------------------------

class ProfileForm(forms.Form):
    user = _PersonChoice(label=_("Member of the platform"), queryset=User.objects.none(),
                         empty_label=_("Choose a person"),
                         help_text=_("Someone with an active membership as mentor, parent coach or mentor coach, "
                                     "not yet in the register."))
    home_municipality = forms.ModelChoiceField(label=_("Home municipality"), queryset=Organisation.objects.none(),
                                               empty_label=_("Choose a municipality"))
    corps_role = forms.ChoiceField(label=_("Role in the corps"), choices=CorpsRole.choices)
    gender = forms.ChoiceField(label=_("Gender"), required=False,
                               choices=[("", _("Not stated")), *MentorProfile.Gender.choices])
    languages = forms.CharField(label=_("Languages"), required=False, max_length=200,
                                help_text=_("Two-letter ISO 639-1 codes separated by commas, for example: da, ar, so."))
    age_groups = forms.MultipleChoiceField(label=_("Works with the age groups"), required=False,
                                           choices=AgeGroup.choices, widget=forms.CheckboxSelectMultiple)
    extremism_kinds = forms.MultipleChoiceField(label=_("Has worked with"), required=False,
                                                widget=forms.CheckboxSelectMultiple)
    prison_work = forms.BooleanField(label=_("Has experience of prison work"), required=False)
    capacity = forms.IntegerField(label=_("Courses at once"), min_value=MIN_CAPACITY, max_value=MAX_CAPACITY,
                                  initial=2,
                                  help_text=_("How many courses of mentoring or coaching the member can take on at "
                                              "the same time (1–10)."))
    accredited_on = forms.DateField(
        label=_("Method training completed (entered by a coach)"), required=False, widget=_date_input(),
        help_text=_("The six-day method training in three blocks of two days, for training done before the platform "
                    "kept training records. A method training run completed on the platform is read from its "
                    "training record, and the later of the two dates counts. Without either the member cannot be "
                    "assigned."))
    accreditation_expires_on = forms.DateField(
        label=_("Accreditation valid until"), required=False, widget=_date_input(),
        help_text=_("Not before the training was completed. Leave it empty if the accreditation does not expire. "
                    "After this date the member cannot be assigned. It belongs to the date entered above; if the "
                    "training record is later, it no longer applies. To set an expiry for the training record, "
                    "leave the date above empty."))
    is_active = forms.BooleanField(label=_("Active in the corps"), required=False, initial=True)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("About the member's work in the corps. No personal data about mentees."))

    def __init__(self, *args: Any, profile: MentorProfile | None = None, **kwargs: Any) -> None:
        if profile is not None:
            kwargs.setdefault("initial", {
                "home_municipality": profile.home_municipality_id, "corps_role": profile.corps_role,
                "gender": profile.gender, "languages": ", ".join(split_codes(profile.languages)),
                "age_groups": split_codes(profile.age_groups), "extremism_kinds": split_codes(profile.extremism_kinds),
                "prison_work": profile.prison_work, "capacity": profile.capacity,
                "accredited_on": profile.accredited_on, "accreditation_expires_on": profile.accreditation_expires_on,
                "is_active": profile.is_active, "notes": profile.notes,
            })
        super().__init__(*args, **kwargs)
        self.fields["home_municipality"].queryset = _municipalities()  # type: ignore[attr-defined]
        self.fields["extremism_kinds"].choices = _experience_choices()  # type: ignore[attr-defined]
        if profile is not None:
            del self.fields["user"]
        else:
            self.fields["user"].queryset = (  # type: ignore[attr-defined]
                corps_candidates().filter(mentor_profile__isnull=True).order_by("first_name", "last_name", "username"))

    def clean_languages(self) -> list[str]:
        codes = split_codes(self.cleaned_data.get("languages", ""))
        unknown = [code for code in codes if not languages.is_language(code)]
        if unknown:
            raise forms.ValidationError(gettext("Not ISO 639-1 language codes: %(codes)s. Use two-letter codes such "
                                                "as da, ar or so.") % {"codes": ", ".join(unknown)})
        return codes

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        accredited, expires = cleaned.get("accredited_on"), cleaned.get("accreditation_expires_on")
        if accredited and expires and expires < accredited:
            self.add_error("accreditation_expires_on",
                           gettext("The accreditation cannot expire before the training was completed."))
        return cleaned

    def data_for_service(self) -> ProfileData:
        d = self.cleaned_data
        return ProfileData(
            home_municipality=d["home_municipality"], corps_role=d["corps_role"], gender=d.get("gender", ""),
            languages=tuple(d.get("languages") or ()), age_groups=tuple(d.get("age_groups") or ()),
            extremism_kinds=tuple(d.get("extremism_kinds") or ()), prison_work=bool(d.get("prison_work")),
            capacity=d["capacity"], accredited_on=d.get("accredited_on"),
            accreditation_expires_on=d.get("accreditation_expires_on"), is_active=bool(d.get("is_active")),
            notes=d.get("notes", ""))


# --- supervision and pairing ------------------------------------------------------------------------------

class SupervisionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=_date_input())
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1,
                                          max_value=MAX_SUPERVISION_MINUTES,
                                          help_text=_("From 1 to 1440 minutes (24 hours)."))
    topics = forms.CharField(
        label=_("Topics"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you worked on with the mentor. Keep mentees' personal data out, unless the supervision is "
                    "tied to a case whose team you are on: then choose the case below."))
    case = forms.TypedChoiceField(label=_("Tied to the case"), required=False, coerce=int, empty_value=None,
                                  help_text=_("Only cases whose team you are on can be chosen."))

    def __init__(self, *args: Any, cases: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [  # type: ignore[attr-defined]
            ("", _("Not tied to a case")), *[(pk, reference) for pk, reference in cases]]

    def clean_held_on(self) -> date:
        held_on: date = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(gettext("A supervision cannot be logged before it is held: the date is in "
                                                "the future."))
        return held_on


class PairingForm(forms.Form):
    coach = _PersonChoice(label=_("Mentor coach"), queryset=User.objects.none(), empty_label=_("Choose a coach"))
    started_on = forms.DateField(label=_("From"), widget=_date_input())

    def __init__(self, *args: Any, coaches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches  # type: ignore[attr-defined]

