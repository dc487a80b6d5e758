"""Reading the ambassador programme: the coordinators' list of ambassadors and one ambassador's
page, the ambassador's own page, and the coordinators' inbox of reports.

Coordinators read through selectors/access.py (`visible`, `get_visible`, audited there for one
record); an ambassador reads only their own record through `own_ambassador`. Lists of ambassadors
or reports record one "community.listed" event naming what was shown. The inbox shows what a
report is about and its status, never its text; the text is shown on the report's own page.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from infohus.audit.services import record_event
from infohus.community.models import (
    Ambassador,
    AmbassadorActivity,
    AmbassadorModule,
    AmbassadorModuleDone,
    DialogueMeeting,
    PeerReport,
    Topic,
)
from infohus.community.selectors.access import get_visible, visible

PER_PAGE = 25
ACTIVITIES_SHOWN = 50
S = PeerReport.Status


def audit_listed(user: Any, object_type: str, pks: list[int], *, purpose: str) -> None:
    """One audit event for a list that shows ambassadors or their reports."""
    if pks:
        record_event(action="community.listed", actor=user, object_type=object_type, purpose=purpose,
                     details={"shown": sorted(pks)})


# --- the coordinators' list ---------------------------------------------------------------------------

def ambassadors(user: Any) -> QuerySet[Ambassador]:
    """The ambassadors of the user's organisations (current first), with their modules done, their
    activities and their reports counted. Not audited: audit what is shown (audit_listed)."""
    return (visible(user, Ambassador).select_related("participant__cohort", "user")
            .annotate(modules_done_count=Count("modules_done", distinct=True),
                      activity_count=Count("activities", distinct=True),
                      open_report_count=Count("reports", filter=Q(reports__status__in=[S.NEW, S.READ]),
                                              distinct=True))
            .order_by(F("ended_on").asc(nulls_first=True), "participant__first_name", "participant__last_name", "pk"))


def ambassador_page(user: Any, page_number: str | None) -> Page[Any]:
    """A page of the ambassadors (see ambassadors), audited as a listing."""
    page = Paginator(ambassadors(user), PER_PAGE).get_page(page_number)
    audit_listed(user, "ambassador", [a.pk for a in page.object_list], purpose="ambassador programme: list")
    return page


def get_ambassador(user: Any, pk: int, *, purpose: str) -> Ambassador:
    """One ambassador of the user's organisations, or 404; the read is audited."""
    return get_visible(user, Ambassador, pk, purpose=purpose,
                       queryset=Ambassador.objects.select_related("participant__cohort__organisation", "user"))


# --- one ambassador ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ModuleLine:
    module: AmbassadorModule
    done: AmbassadorModuleDone | None


@dataclass(frozen=True)
class AmbassadorView:
    ambassador: Ambassador
    modules: list[ModuleLine]
    activities: list[AmbassadorActivity]
    activity_count: int
    people_reached: int
    reports: list[PeerReport]

    @property
    def all_modules_done(self) -> bool:
        return all(line.done is not None for line in self.modules)

    @property
    def modules_done(self) -> int:
        return sum(1 for line in self.modules if line.done is not None)

    @property
    def modules_to_do(self) -> list[AmbassadorModule]:
        return [line.module for line in self.modules if line.done is None]


def ambassador_view(ambassador: Ambassador) -> AmbassadorView:
    """The ambassador's modules (in the programme's order), latest activities with their total, and
    reports (newest first)."""
    done = {d.module: d for d in AmbassadorModuleDone.objects.filter(ambassador=ambassador)}
    totals = AmbassadorActivity.objects.filter(ambassador=ambassador).aggregate(
        n=Count("pk"), reached=Coalesce(Sum("people_reached"), Value(0)))
    activities = list(AmbassadorActivity.objects.filter(ambassador=ambassador).order_by("-held_on", "-pk")
                      [:ACTIVITIES_SHOWN])
    reports = list(PeerReport.objects.filter(ambassador=ambassador).order_by("-reported_at", "-pk"))
    return AmbassadorView(ambassador=ambassador, modules=[ModuleLine(m, done.get(m.value)) for m in AmbassadorModule],
                          activities=activities, activity_count=totals["n"], people_reached=totals["reached"],
                          reports=reports)


def own_view(user: Any, ambassador: Ambassador) -> AmbassadorView:
    """The ambassador's own page; the read of their own record is audited too."""
    record_event(action="community.viewed", actor=user, object_type="ambassador", object_id=ambassador.pk,
                 purpose="ambassador: own page", details={"own": True})
    return ambassador_view(ambassador)


# --- the inbox ------------------------------------------------------------------------------------------------

def inbox(user: Any) -> QuerySet[PeerReport]:
    """Reports of the user's organisations' ambassadors: new first, then read, then those handled;
    newest first within each. Not audited: audit what is shown (audit_listed)."""
    return (visible(user, PeerReport).select_related("ambassador__participant")
            .annotate(rank=Case(When(status=S.NEW, then=Value(0)), When(status=S.READ, then=Value(1)),
                                default=Value(2), output_field=IntegerField()))
            .order_by("rank", "-reported_at", "-pk"))


def inbox_page(user: Any, page_number: str | None) -> Page[Any]:
    """A page of the inbox (see inbox), audited as a listing."""
    page = Paginator(inbox(user), PER_PAGE).get_page(page_number)
    audit_listed(user, "peerreport", [r.pk for r in page.object_list], purpose="ambassadors' reports: inbox")
    return page


def get_report(user: Any, pk: int, *, purpose: str) -> PeerReport:
    """One report of the user's organisations' ambassadors, or 404; the read is audited."""
    return get_visible(user, PeerReport, pk, purpose=purpose,
                       queryset=PeerReport.objects.select_related("ambassador__participant__cohort__organisation",
                                                                  "handled_by"))


def topics_of(report: PeerReport) -> list[Topic]:
    return list(Topic.objects.filter(peer_report=report).select_related("meeting").order_by("meeting__held_on", "pk"))


def upcoming_meetings(organisation_id: int, *, today: date | None = None) -> QuerySet[DialogueMeeting]:
    """Planned dialogue meetings of the organisation from today on, soonest first."""
    today = today or timezone.localdate()
    return DialogueMeeting.objects.filter(organisation_id=organisation_id, status=DialogueMeeting.Status.PLANNED,
                                          held_on__gte=today).order_by("held_on", "pk")
