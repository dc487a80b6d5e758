"""Pages of dialogue meetings (with their topics and follow-ups), the open follow-ups, and
outreach events.

Who: the community coordinators (COMMUNITY) of the organisation that keeps the record; anyone
else gets 403 (no capability) or 404 (another organisation's record, the refusal audited). Rows
are fetched through selectors/dialogue.py, which goes through selectors/access.py. The rules are
in services/dialogue.py; refused input comes back with a 400 and everything typed kept, a save
made after someone else's with a 409 and the current values.
"""

from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infohus.community import forms_dialogue as f
from infohus.community.forms_partners import VersionedForm
from infohus.community.models import DialogueMeeting, Partner
from infohus.community.selectors import dialogue as reads
from infohus.community.selectors.access import visible
from infohus.community.services import dialogue as services
from infohus.community.views_partners import (
    acting_organisation,
    community_required,
    user_of,
    versioned_save,
)
from infohus.core.form_pages import form_page, put_back


def _to_meeting(pk: int, anchor: str = "") -> HttpResponse:
    response = redirect("community:meeting_detail", pk=pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _partner_choices(request: HttpRequest, organisation_id: int,
                     meeting: DialogueMeeting | None = None) -> QuerySet[Partner]:
    """The organisation's active partners, and those already on the meeting."""
    keep = Q(is_active=True)
    if meeting is not None:
        keep |= Q(meetings=meeting)
    return (visible(request.user, Partner).filter(keep, organisation_id=organisation_id)
            .distinct().order_by("name", "pk"))


# --- meetings ----------------------------------------------------------------------------------------------

@community_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(reads.meetings(request.user), reads.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "community/meetings/list.html", {
        "page": page, "UPCOMING": reads.UPCOMING, "PAST": reads.PAST, "today": timezone.localdate(),
    })


@community_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    organisation = acting_organisation(request)
    posting = request.method == "POST"
    initial: dict[str, Any] = {"held_on": timezone.localdate() + timedelta(days=14)}
    chosen = request.GET.get("partner", "")
    if chosen.isdigit():
        initial["partners"] = [int(chosen)]
    form = f.MeetingForm(request.POST if posting else None, partners=_partner_choices(request, organisation.pk),
                         initial=initial)
    if posting and form.is_valid():
        try:
            meeting = services.create_meeting(actor=user_of(request), organisation=organisation,
                                              data=form.data_for_service())
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The dialogue meeting was recorded."))
            return _to_meeting(meeting.pk)
    return form_page(request, form, title=_("Record a dialogue meeting"), submit=_("Record the meeting"),
                     back_url=reverse("community:meeting_list"), back_label=_("Back to the dialogue meetings"))


@community_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.meeting_for(request.user, pk, purpose="community dialogue: meeting page")
    page = reads.meeting_page(meeting)
    return render(request, "community/meetings/detail.html", {
        "meeting": meeting, "page": page, "today": timezone.localdate(),
    })


def _meeting_rows(meeting: Model) -> list[tuple[str, object]]:
    m = cast(DialogueMeeting, meeting)
    return [(_("Date"), m.held_on.isoformat()), (_("Place"), m.place or "—"), (_("Status"), m.get_status_display()),
            (_("Partners"), ", ".join(p.name for p in m.partners.order_by("name")) or "—"),
            (_("Who took part from the community"), m.community_participants or "—"),
            (_("Authorities that took part"), ", ".join(o.name for o in m.authorities.order_by("name")) or "—"),
            (_("Other authorities"), m.other_authorities or "—"), (_("What was agreed"), m.agreed or "—")]


@community_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.meeting_for(request.user, pk, purpose="community dialogue: edit a meeting")
    posting = request.method == "POST"
    partners = _partner_choices(request, meeting.organisation_id, meeting)
    form = f.MeetingForm(request.POST if posting else None, partners=partners, meeting=meeting)
    title = _("Change the dialogue meeting of %(day)s") % {"day": meeting.held_on.isoformat()}

    def page(shown: VersionedForm, **extra: Any) -> HttpResponse:
        return form_page(request, shown, title=title, submit=_("Save"),
                         back_url=reverse("community:meeting_detail", args=[meeting.pk]),
                         back_label=_("Back to the meeting"), **extra)

    if posting and form.is_valid():
        result = versioned_save(
            request, form, current_version=meeting.version,
            save=lambda version: services.update_meeting(actor=user_of(request), meeting=meeting,
                                                         expected_version=version, data=form.data_for_service()),
            make_form=lambda data: f.MeetingForm(data, partners=partners, meeting=meeting),
            current_rows=_meeting_rows, page=page)
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, _("The dialogue meeting was saved."))
        return _to_meeting(meeting.pk)
    return page(form)


@community_required
def topic_new(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.meeting_for(request.user, pk, purpose="community dialogue: add a topic")
    posting = request.method == "POST"
    form = f.TopicForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            services.add_topic(actor=user_of(request), meeting=meeting, title=form.cleaned_data["title"],
                               notes=form.cleaned_data.get("notes", ""))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The topic was added."))
            return _to_meeting(meeting.pk, "topics")
    return form_page(request, form, title=_("Add a topic to the meeting of %(day)s") % {
                         "day": meeting.held_on.isoformat()},
                     submit=_("Add the topic"), back_url=reverse("community:meeting_detail", args=[meeting.pk]),
                     back_label=_("Back to the meeting"))


@community_required
def follow_up_new(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.meeting_for(request.user, pk, purpose="community dialogue: add a follow-up")
    posting = request.method == "POST"
    due = max(meeting.held_on, timezone.localdate()) + timedelta(days=14)
    form = f.FollowUpForm(request.POST if posting else None, initial={"due_on": due},
                          coordinators=services.coordinators_of(meeting.organisation_id)
                          .order_by("first_name", "last_name", "username"))
    if posting and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_follow_up(actor=user_of(request), meeting=meeting, what=data["what"],
                                   due_on=data.get("due_on"), owner=data.get("owner"),
                                   owner_name=data.get("owner_name", ""))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The follow-up was added."))
            return _to_meeting(meeting.pk, "follow-ups")
    return form_page(request, form, title=_("Add a follow-up to the meeting of %(day)s") % {
                         "day": meeting.held_on.isoformat()},
                     submit=_("Add the follow-up"), back_url=reverse("community:meeting_detail", args=[meeting.pk]),
                     back_label=_("Back to the meeting"))


# --- follow-ups -----------------------------------------------------------------------------------------------

@community_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(reads.open_follow_ups(request.user), reads.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "community/meetings/follow_ups.html", {"page": page})


@community_required
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = reads.follow_up_for(request.user, pk, purpose="community dialogue: mark a follow-up done")
    try:
        services.mark_follow_up_done(actor=user_of(request), follow_up=follow_up)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(what)s” was marked done.") % {"what": follow_up.what})
    if request.POST.get("back") == "meeting":
        return _to_meeting(follow_up.meeting_id, "follow-ups")
    return redirect("community:follow_up_list")


# --- outreach -------------------------------------------------------------------------------------------------

@community_required
def outreach_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(reads.events(request.user), reads.PAGE_SIZE).get_page(request.GET.get("page"))
    totals, events, attendees = reads.totals_by_audience(request.user)
    return render(request, "community/outreach/list.html", {
        "page": page, "totals": totals, "total_events": events, "total_attendees": attendees,
    })


@community_required
def outreach_new(request: HttpRequest) -> HttpResponse:
    posting = request.method == "POST"
    form = f.OutreachForm(request.POST if posting else None, initial=f.today_initial())
    if posting and form.is_valid():
        try:
            event = services.create_event(actor=user_of(request), organisation=acting_organisation(request),
                                          data=form.data_for_service())
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The outreach event was recorded."))
            return redirect("community:outreach_detail", pk=event.pk)
    return form_page(request, form, title=_("Record an outreach event"), submit=_("Record the event"),
                     back_url=reverse("community:outreach_list"), back_label=_("Back to the outreach events"))


def _chart_payload(rows: list[reads.EvaluationRow]) -> dict[str, Any]:
    return {"labels": [row.label for row in rows], "values": [row.count for row in rows],
            "xTitle": str(reads.QUESTION), "yTitle": _("Evaluations returned"),
            "series": _("Evaluations returned")}


@community_required
def outreach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = reads.event_for(request.user, pk, purpose="community outreach: event page")
    rows = reads.evaluation_rows(event)
    returned = sum(row.count for row in rows)
    return render(request, "community/outreach/detail.html", {
        "event": event, "rows": rows, "returned": returned, "question": reads.QUESTION,
        "chart": _chart_payload(rows) if returned else None,
    })


def _event_rows(event: Model) -> list[tuple[str, object]]:
    e = cast(Any, event)
    counts = e.evaluation_counts or {}
    return [(_("Date"), e.held_on.isoformat()), (_("Kind"), e.get_kind_display()),
            (_("Audience"), e.get_audience_display()), (_("Title"), e.title), (_("Place"), e.place or "—"),
            (_("Number of attendees"), "—" if e.attendees is None else e.attendees),
            *((str(reads.ANSWER_LABELS[a]), counts.get(a, 0)) for a in services.ANSWERS),
            (_("What the evaluations said"), e.evaluation_summary or "—")]


@community_required
def outreach_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = reads.event_for(request.user, pk, purpose="community outreach: edit an event")
    posting = request.method == "POST"
    form = f.OutreachForm(request.POST if posting else None, event=event)

    def page(shown: VersionedForm, **extra: Any) -> HttpResponse:
        return form_page(request, shown, title=_("Change %(title)s") % {"title": event.title}, submit=_("Save"),
                         back_url=reverse("community:outreach_detail", args=[event.pk]),
                         back_label=_("Back to the event"), **extra)

    if posting and form.is_valid():
        result = versioned_save(
            request, form, current_version=event.version,
            save=lambda version: services.update_event(actor=user_of(request), event=event,
                                                       expected_version=version, data=form.data_for_service()),
            make_form=lambda data: f.OutreachForm(data, event=event), current_rows=_event_rows, page=page)
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, _("The outreach event was saved."))
        return redirect("community:outreach_detail", pk=event.pk)
    return page(form)
