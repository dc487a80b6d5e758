"""Forms of the dialogue and outreach pages: a meeting, a topic, a follow-up, an outreach event.
The rules and their messages are in services/dialogue.py; the forms turn what the browser sent
into the services' arguments."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Organisation, User
from infohus.community.forms_partners import VersionedForm
from infohus.community.models import DialogueMeeting, OutreachEvent, Partner
from infohus.community.selectors.dialogue import ANSWER_LABELS, QUESTION
from infohus.community.services.dialogue import ANSWERS, EventData, MeetingData


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class MeetingForm(VersionedForm):
    held_on = forms.DateField(label=_("Date"), widget=_date_input(),
                              error_messages={"required": _("Give the date of the meeting.")})
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=DialogueMeeting.Status.choices,
                               initial=DialogueMeeting.Status.PLANNED)
    partners = forms.ModelMultipleChoiceField(label=_("Partners"), required=False, queryset=Partner.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    community_participants = forms.CharField(
        label=_("Who took part from the community"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In words, for example: the chair and two board members of the cultural society."))
    authorities = forms.ModelMultipleChoiceField(
        label=_("Authorities that took part (on the platform)"), required=False,
        queryset=Organisation.objects.none(), widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."))
    other_authorities = forms.CharField(label=_("Other authorities"), max_length=300, required=False,
                                        help_text=_("Authorities not on the platform, in words."))
    agreed = forms.CharField(label=_("What was agreed"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, partners: QuerySet[Partner], meeting: DialogueMeeting | None = None,
                 **kwargs: Any) -> None:
        if meeting is not None:
            kwargs.setdefault("initial", {
                "held_on": meeting.held_on, "place": meeting.place, "status": meeting.status,
                "partners": list(meeting.partners.values_list("pk", flat=True)),
                "community_participants": meeting.community_participants,
                "authorities": list(meeting.authorities.values_list("pk", flat=True)),
                "other_authorities": meeting.other_authorities, "agreed": meeting.agreed,
                "version": meeting.version})
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = partners  # type: ignore[attr-defined]
        self.fields["authorities"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(is_active=True).order_by("name"))

    def data_for_service(self) -> MeetingData:
        d = self.cleaned_data
        return MeetingData(held_on=d.get("held_on"), place=d.get("place", ""), partners=tuple(d.get("partners") or ()),
                           community_participants=d.get("community_participants", ""),
                           authorities=tuple(d.get("authorities") or ()),
                           other_authorities=d.get("other_authorities", ""), status=d["status"],
                           agreed=d.get("agreed", ""))


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=300, error_messages={"required": _("Give the topic a title.")})
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class FollowUpForm(forms.Form):
    what = forms.CharField(label=_("What is to be done"), max_length=300,
                           error_messages={"required": _("Say what is to be done.")})
    owner = _PersonChoice(label=_("Owner: a coordinator"), required=False, queryset=User.objects.none(),
                          empty_label=_("Nobody on the platform"))
    owner_name = forms.CharField(label=_("Or: owner outside the platform"), max_length=200, required=False,
                                 help_text=_("For example a partner's contact. Give either a coordinator or a name."))
    due_on = forms.DateField(label=_("Due on"), widget=_date_input(),
                             error_messages={"required": _("Give a due date.")},
                             help_text=_("Not before the meeting."))

    def __init__(self, *args: Any, coordinators: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = coordinators  # type: ignore[attr-defined]


class OutreachForm(VersionedForm):
    held_on = forms.DateField(label=_("Date"), widget=_date_input(),
                              error_messages={"required": _("Give the date of the event.")})
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose a kind")), *OutreachEvent.Kind.choices],
                             error_messages={"required": _("Choose a presentation or a workshop.")})
    audience = forms.ChoiceField(label=_("Audience"),
                                 choices=[("", _("Choose the audience")), *OutreachEvent.Audience.choices],
                                 error_messages={"required": _("Choose who the event was for.")})
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Give the event a title.")})
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    # No lower bound here: the service refuses a negative number with its own words.
    attendees = forms.IntegerField(label=_("Number of attendees"), required=False, max_value=100_000,
                                   help_text=_("Once the event has been held."))
    evaluation_summary = forms.CharField(label=_("What the evaluations said"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 4}),
                                         help_text=_("A summary in your words, without names."))

    def __init__(self, *args: Any, event: OutreachEvent | None = None, **kwargs: Any) -> None:
        if event is not None:
            counts = event.evaluation_counts or {}
            kwargs.setdefault("initial", {
                "held_on": event.held_on, "kind": event.kind, "audience": event.audience, "title": event.title,
                "place": event.place, "attendees": event.attendees, "evaluation_summary": event.evaluation_summary,
                "version": event.version, **{f"answer_{a}": counts.get(a, 0) for a in ANSWERS}})
        super().__init__(*args, **kwargs)
        # One count per answer, placed before the summary.
        summary = self.fields.pop("evaluation_summary")
        for answer in ANSWERS:
            self.fields[f"answer_{answer}"] = forms.IntegerField(
                label=_("Evaluations answering %(answer)s") % {"answer": ANSWER_LABELS[answer]},
                required=False, max_value=100_000,
                help_text=_("How many returned forms answered “%(question)s” with this answer.") % {
                    "question": QUESTION} if answer == "1" else "")
        self.fields["evaluation_summary"] = summary

    def data_for_service(self) -> EventData:
        d = self.cleaned_data
        return EventData(held_on=d.get("held_on"), kind=d["kind"], audience=d["audience"], title=d["title"],
                         place=d.get("place", ""), attendees=d.get("attendees"),
                         evaluation_counts={a: d.get(f"answer_{a}") for a in ANSWERS},
                         evaluation_summary=d.get("evaluation_summary", ""))


def today_initial() -> dict[str, Any]:
    return {"held_on": timezone.localdate()}
