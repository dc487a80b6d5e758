"""What each role's start page shows. A section whose work exists is filled from that app's
need-to-know selectors (one query each, at most ten items); a section whose feature has not
arrived yet says what will appear there."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Membership
from infohus.accounts.roles import Capability, Role, membership_can

LIMIT = 10


@dataclass(frozen=True)
class Item:
    label: str
    url: str


@dataclass(frozen=True)
class Section:
    title: Promise
    empty: Promise
    source: str = ""  # the name of the function in _SOURCES that fills it, if its work exists
    items: list[Item] = field(default_factory=list)
    # Shown only to a membership that holds this capability (where the role alone does not decide).
    capability: Capability | None = None
    link: str = ""  # the name of a URL the section links to, under its list
    link_label: Promise | None = None
    # The most queries its source makes (one, unless it says otherwise).
    max_queries: int = 1


@dataclass(frozen=True)
class StartPage:
    title: Promise
    sections: tuple[Section, ...]


# --- what fills the sections -------------------------------------------------------------------

def _my_concerns(user: Any) -> list[Item]:
    from infohus.cases.selectors.need_to_know import concerns_reported_by

    return [Item(f"{c.reference} · {c.get_status_display()}", reverse("cases:my_concern", args=[c.pk]))
            for c in concerns_reported_by(user).order_by("-received_at")[:LIMIT]]


def _local_waiting(user: Any) -> list[Item]:
    from infohus.cases.models import Concern
    from infohus.cases.selectors.need_to_know import concerns_for_local_assessment

    concerns = concerns_for_local_assessment(user).filter(status=Concern.Status.LOCAL_ASSESSMENT)
    return [Item(f"{c.reference}{' · ' + str(_('urgent')) if c.urgent else ''}",
                 reverse("cases:local_concern", args=[c.pk]))
            for c in concerns.order_by("-urgent", "received_at")[:LIMIT]]


def _local_forwarded(user: Any) -> list[Item]:
    from infohus.cases.models import Concern
    from infohus.cases.selectors.need_to_know import concerns_for_local_assessment

    S = Concern.Status
    concerns = concerns_for_local_assessment(user).filter(status__in=[S.AWAITING_TRIAGE, S.IN_TRIAGE, S.DECIDED])
    return [Item(f"{c.reference} · {c.get_status_display()}", reverse("cases:local_concern", args=[c.pk]))
            for c in concerns.order_by("-received_at")[:LIMIT]]


def _triage_queue(user: Any) -> list[Item]:
    from infohus.cases.models import Concern
    from infohus.cases.selectors.need_to_know import concerns_for_triage

    S = Concern.Status
    concerns = concerns_for_triage(user).filter(status__in=[S.AWAITING_TRIAGE, S.IN_TRIAGE])
    return [Item(f"{c.reference}{' · ' + str(_('urgent')) if c.urgent else ''} · {c.received_at:%Y-%m-%d}",
                 reverse("cases:triage_concern", args=[c.pk]))
            for c in concerns.order_by("-urgent", "received_at")[:LIMIT]]


def _next_meetings(user: Any) -> list[Item]:
    from infohus.cases.models import TriageMeeting
    from infohus.cases.selectors.need_to_know import concerns_for_triage

    houses = concerns_for_triage(user).values("info_house_id")
    meetings = TriageMeeting.objects.filter(info_house_id__in=houses, scheduled_for__gte=timezone.now())
    return [Item(f"{timezone.localtime(m.scheduled_for):%Y-%m-%d %H:%M} {m.place}",
                 reverse("cases:triage_meeting", args=[m.pk]))
            for m in meetings.order_by("scheduled_for")[:LIMIT]]


def _my_cases(user: Any) -> list[Item]:
    from infohus.cases.models import Case
    from infohus.cases.selectors.need_to_know import cases_visible_to

    cases = cases_visible_to(user).filter(status=Case.Status.OPEN).order_by("-opened_at")
    return [Item(c.reference, reverse("cases:case_detail", args=[c.pk])) for c in cases[:LIMIT]]


def _reviews_due(user: Any) -> list[Item]:
    from infohus.cases.models import Case
    from infohus.cases.selectors.need_to_know import cases_visible_to

    due = cases_visible_to(user).filter(status=Case.Status.OPEN, next_review_on__lte=timezone.localdate())
    return [Item(f"{c.reference} · {c.next_review_on:%Y-%m-%d}", reverse("cases:case_detail", args=[c.pk]))
            for c in due.order_by("next_review_on")[:LIMIT]]


def _my_tasks(user: Any) -> list[Item]:
    from infohus.cases.models import Task
    from infohus.cases.selectors.need_to_know import cases_visible_to

    tasks = Task.objects.filter(assignee=user, done_at=None, case__in=cases_visible_to(user)).select_related("case")
    return [Item(f"{t.due_on:%Y-%m-%d} · {t.title} ({t.case.reference})",
                 reverse("cases:case_detail", args=[t.case_id]))
            for t in tasks.order_by("due_on")[:LIMIT]]


def _moderation_queue(user: Any) -> list[Item]:
    from infohus.directory.selectors_moderation import moderation_queue

    return [Item(str(s), reverse("directory:submission_detail", args=[s.pk]))
            for s in moderation_queue(status="pending")[:LIMIT]]


def _break_glass_alerts(user: Any) -> list[Item]:
    from infohus.cases.models import BreakGlassAccess

    reviews = reverse("cases:break_glass_reviews")
    return [Item(f"{timezone.localtime(a.opened_at):%Y-%m-%d %H:%M} · {a.user.get_full_name() or a.user} · {a.case}",
                 reviews)
            for a in BreakGlassAccess.objects.filter(reviewed_at=None).select_related("user", "case")[:20]]


def _instrument_drafts(user: Any) -> list[Item]:
    from infohus.assessments.selectors.instruments import drafts_waiting

    return [Item(str(_("%(name)s · version %(number)d") % {"name": v.instrument.name, "number": v.number}),
                 reverse("assessments:version_detail", args=[v.pk]))
            for v in drafts_waiting(LIMIT)]


def _provided(user: Any) -> list[Item]:
    """Active interventions the user provides, overdue follow-ups first (one query)."""
    from infohus.interventions.selectors.interventions import follow_ups

    items = []
    for row in follow_ups(user, LIMIT):
        i = row.intervention
        where = f" · {i.case.reference}" if i.case is not None else ""
        if row.next_appointment_on is None:
            when = str(_("no appointment set"))
        elif row.overdue:
            when = str(_("follow-up overdue since %(day)s") % {"day": f"{row.next_appointment_on:%Y-%m-%d}"})
        else:
            when = str(_("next appointment %(day)s") % {"day": f"{row.next_appointment_on:%Y-%m-%d}"})
        items.append(Item(f"{i.get_kind_display()}{where} · {when}",
                          reverse("interventions:intervention_detail", args=[i.pk])))
    return items


def _lending_requests(user: Any) -> list[Item]:
    """Open requests to lend a mentor from the user's municipality (one query)."""
    from infohus.interventions.models import LendingRequest
    from infohus.interventions.selectors.access import requests_to_lend

    S = LendingRequest.Status
    requests = (requests_to_lend(user).filter(status__in=[S.SENT, S.OFFERED])
                .select_related("requesting_organisation").order_by("sent_at", "pk"))
    return [Item(f"{r.reference} · {r.requesting_organisation} · {r.get_status_display()}",
                 reverse("interventions:lending_detail", args=[r.pk]))
            for r in requests[:LIMIT]]


def _upcoming_runs(user: Any) -> list[Item]:
    """Planned course runs the user trains on, the soonest first, with places taken (one query)."""
    from django.db.models import Count, Q

    from infohus.training.models import CourseRun, Enrolment
    from infohus.training.selectors.access import runs_for

    runs = (runs_for(user).filter(status=CourseRun.Status.PLANNED, ends_on__gte=timezone.localdate())
            .select_related("course")
            .annotate(taken=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED)))
            .order_by("starts_on", "pk"))
    return [Item(str(_("%(course)s · %(day)s · %(taken)d of %(capacity)d places")
                     % {"course": r.course.title, "day": f"{r.starts_on:%Y-%m-%d}", "taken": r.taken,
                        "capacity": r.capacity}),
                 reverse("training:run_detail", args=[r.pk]))
            for r in runs[:LIMIT]]


REQUIREMENTS_SHOWN = 5


def _overdue_requirements(user: Any) -> list[Item]:
    """The requirements the trainer keeps that someone is overdue for, with how many (one query,
    and one per requirement: at most REQUIREMENTS_SHOWN)."""
    from infohus.training.selectors.compliance import overdue_summary

    return [Item(str(_("%(requirement)s · %(count)d overdue") % {"requirement": r.name, "count": count}),
                 reverse("training:compliance", args=[r.pk]))
            for r, count in overdue_summary(user, today=timezone.localdate(), limit=REQUIREMENTS_SHOWN)]


def _community_partners(user: Any) -> list[Item]:
    from infohus.community.models import Partner
    from infohus.community.selectors.access import visible

    partners = visible(user, Partner).filter(is_active=True).order_by("name", "pk")
    return [Item(f"{p.name} · {p.get_kind_display()}", reverse("community:partner_detail", args=[p.pk]))
            for p in partners[:LIMIT]]


def _dialogue_meetings(user: Any) -> list[Item]:
    from infohus.community.models import DialogueMeeting
    from infohus.community.selectors.access import visible

    meetings = (visible(user, DialogueMeeting)
                .filter(status=DialogueMeeting.Status.PLANNED, held_on__gte=timezone.localdate())
                .order_by("held_on", "pk"))
    return [Item(f"{m.held_on:%Y-%m-%d}{' · ' + m.place if m.place else ''}",
                 reverse("community:meeting_detail", args=[m.pk]))
            for m in meetings[:LIMIT]]


def _follow_ups(user: Any) -> list[Item]:
    """Open follow-ups of dialogue meetings, the earliest due (so the overdue) first."""
    from infohus.community.models import FollowUp
    from infohus.community.selectors.access import visible

    today = timezone.localdate()
    follow_ups = visible(user, FollowUp).filter(done_on__isnull=True).order_by("due_on", "pk")
    return [Item(str((_("%(what)s · overdue since %(day)s") if f.due_on < today else _("%(what)s · due %(day)s"))
                     % {"what": f.what, "day": f"{f.due_on:%Y-%m-%d}"}),
                 reverse("community:meeting_detail", args=[f.meeting_id]))
            for f in follow_ups[:LIMIT]]


def _peer_reports(user: Any) -> list[Item]:
    """Ambassadors’ reports not yet handled, new ones first."""
    from django.db.models import Case, IntegerField, Value, When

    from infohus.community.models import PeerReport
    from infohus.community.selectors.access import visible

    S = PeerReport.Status
    reports = (visible(user, PeerReport).filter(status__in=[S.NEW, S.READ])
               .annotate(new_first=Case(When(status=S.NEW, then=Value(0)), default=Value(1),
                                        output_field=IntegerField()))
               .order_by("new_first", "-reported_at", "-pk"))
    return [Item(" · ".join([r.get_kind_display(), f"{timezone.localtime(r.reported_at):%Y-%m-%d}",
                             *([str(_("someone may be at risk"))] if r.someone_at_risk else []),
                             r.get_status_display()]),
                 reverse("community:report_detail", args=[r.pk]))
            for r in reports[:LIMIT]]


def _my_peer_reports(user: Any) -> list[Item]:
    """An ambassador's own reports and what happens next."""
    from infohus.community.models import PeerReport

    reports = PeerReport.objects.filter(ambassador__user=user).order_by("-reported_at", "-pk")
    return [Item(f"{r.get_kind_display()} · {timezone.localtime(r.reported_at):%Y-%m-%d} · {r.get_status_display()}",
                 reverse("community:my_ambassador") + f"#report-{r.pk}")
            for r in reports[:LIMIT]]


def _research_projects(user: Any) -> list[Item]:
    from infohus.insights.selectors.research import project_list

    return [Item(f"{p.title} · {p.get_status_display()}", reverse("insights:research_detail", args=[p.pk]))
            for p in project_list()[:LIMIT]]


def _research_waiting(user: Any) -> list[Item]:
    from infohus.insights.models import ResearchProject
    from infohus.insights.selectors.research import project_list

    return [Item(p.title, reverse("insights:research_detail", args=[p.pk]))
            for p in project_list().filter(status=ResearchProject.Status.PROPOSED)[:LIMIT]]


def _holds_in_force(user: Any) -> list[Item]:
    """Holds by date and reference, without the person's name: the list page has it."""
    from infohus.privacy.selectors.retention import holds

    return [Item(f"{timezone.localtime(h.placed_at):%Y-%m-%d} · {h.reference or _('no reference')}",
                 reverse("privacy:legal_holds") + f"#hold-{h.pk}")
            for h in holds(include_lifted=False)[:LIMIT]]


def _retention_runs(user: Any) -> list[Item]:
    from infohus.privacy.selectors.retention import runs

    return [Item(f"{timezone.localtime(r.started_at):%Y-%m-%d %H:%M} · "
                 f"{_('dry run') if r.dry_run else _('erasure')} · {r.get_status_display()}",
                 reverse("privacy:retention_run", args=[r.pk]))
            for r in runs()[:5]]


def _failed_tasks(user: Any) -> list[Item]:
    from infohus.background.selectors import open_failures

    return [Item(f"{timezone.localtime(f.failed_at):%Y-%m-%d %H:%M} · {f.task_name} · {f.exception_class}",
                 reverse("background:failures"))
            for f in open_failures(LIMIT)]


_SOURCES: dict[str, Callable[[Any], list[Item]]] = {
    "my_concerns": _my_concerns, "local_waiting": _local_waiting, "local_forwarded": _local_forwarded,
    "triage_queue": _triage_queue, "next_meetings": _next_meetings, "my_cases": _my_cases,
    "reviews_due": _reviews_due, "my_tasks": _my_tasks, "moderation_queue": _moderation_queue,
    "break_glass": _break_glass_alerts, "instrument_drafts": _instrument_drafts,
    "provided": _provided, "lending_requests": _lending_requests, "upcoming_runs": _upcoming_runs,
    "overdue_requirements": _overdue_requirements,
    "community_partners": _community_partners, "dialogue_meetings": _dialogue_meetings,
    "follow_ups": _follow_ups, "peer_reports": _peer_reports, "my_peer_reports": _my_peer_reports,
    "research_projects": _research_projects, "research_waiting": _research_waiting,
    "holds_in_force": _holds_in_force, "retention_runs": _retention_runs, "failed_tasks": _failed_tasks,
}

# --- the pages ---------------------------------------------------------------------------------

S = Section
R = Role
TASKS = S(_("Your tasks"), _("Tasks assigned to you on cases will appear here, the earliest due first."), "my_tasks")
INSTRUMENTS = S(_("Assessment instruments"), _("Drafts of assessment instruments waiting to be published will "
                                             "appear here."), "instrument_drafts",
                capability=Capability.AUTHOR_INSTRUMENTS, link="assessments:instrument_list",
                link_label=_("All assessment instruments"))
TEAM_CASES = S(_("Cases on which you are a team member"), _("Cases whose team you are on will appear here."),
               "my_cases")

_PAGES: dict[Role, StartPage] = {
    R.REPORTER: StartPage(_("Your concerns"), (
        S(_("Concerns you reported"), _("The concerns you report will appear here with their status."),
          "my_concerns"),
    )),
    R.RESOURCE_PERSON: StartPage(_("Concerns in your institution"), (
        S(_("Waiting for local assessment"), _("Concerns from staff in your institution will appear here first."),
          "local_waiting"),
        S(_("Forwarded to the Info house"), _("Concerns you forward will appear here with their status."),
          "local_forwarded"),
    )),
    R.INFOHOUSE_COORDINATOR: StartPage(_("Info house"), (
        S(_("Triage queue"), _("New concerns will appear here, the most urgent and oldest first."), "triage_queue"),
        S(_("Next triage meeting"), _("Scheduled triage meetings will appear here."), "next_meetings"),
        S(_("Cases you coordinate"), _("Cases opened after triage will appear here."), "my_cases"),
        TASKS,
    )),
    R.CASE_WORKER: StartPage(_("Your cases"), (
        S(_("Cases you work on"), _("The cases whose team you are on will appear here."), "my_cases"),
        S(_("Reviews due"), _("Case reviews that are due will appear here."), "reviews_due"),
        TASKS,
    )),
    R.POLICE_LIAISON: StartPage(_("Police liaison"), (
        S(_("Triage queue"), _("Concerns for the Info house triage will appear here."), "triage_queue"),
        TEAM_CASES,
        TASKS,
    )),
    R.PSYCHIATRY_LIAISON: StartPage(_("Psychiatry liaison"), (TEAM_CASES, TASKS)),
    R.MENTOR: StartPage(_("Your mentoring"), (
        S(_("Your mentees"), _("The courses of mentoring you provide will appear here."), "provided",
          link="interventions:my_interventions", link_label=_("All your interventions")),
        TEAM_CASES,
        TASKS,
    )),
    R.PARENT_COACH: StartPage(_("Your coaching"), (
        S(_("Families you coach"), _("The courses of parent coaching you provide will appear here."), "provided",
          link="interventions:my_interventions", link_label=_("All your interventions")),
        TEAM_CASES,
        TASKS,
    )),
    R.MENTOR_COACH: StartPage(_("Mentor coaching"), (
        S(_("Mentors you coach"), _("The mentors you supervise will appear here.")),
        S(_("Lending requests"), _("Requests to lend or borrow mentors will appear here."), "lending_requests",
          link="interventions:lending_list", link_label=_("All lending requests")),
        INSTRUMENTS,
    )),
    R.TRAINER: StartPage(_("Training"), (
        S(_("Upcoming course runs"), _("The course runs you plan will appear here."), "upcoming_runs",
          link="training:run_list", link_label=_("All course runs")),
        S(_("Overdue requirements"), _("People who are overdue for a required course will appear here."),
          "overdue_requirements", link="training:requirement_list", link_label=_("Requirements and compliance"),
          max_queries=1 + REQUIREMENTS_SHOWN),
        INSTRUMENTS,
    )),
    R.COMMUNITY_COORDINATOR: StartPage(_("Community work"), (
        S(_("Ambassadors’ reports"), _("Needs and worries that ambassadors report will appear here, new ones "
                                       "first."), "peer_reports",
          link="community:inbox", link_label=_("All reports")),
        S(_("Follow-ups"), _("Follow-ups agreed at dialogue meetings will appear here, the overdue first."),
          "follow_ups", link="community:follow_up_list", link_label=_("All follow-ups")),
        S(_("Upcoming dialogue meetings"), _("Planned dialogue meetings will appear here."), "dialogue_meetings",
          link="community:meeting_list", link_label=_("All dialogue meetings")),
        S(_("Community partners"), _("Your community partners will appear here."), "community_partners",
          link="community:partner_list", link_label=_("All partners")),
    )),
    R.AMBASSADOR: StartPage(_("Your ambassador work"), (
        S(_("Your reports"), _("What you report about your peer group will appear here, with what happens "
                               "next."), "my_peer_reports",
          link="community:my_ambassador", link_label=_("Your ambassador page")),
    )),
    R.DIRECTORY_EDITOR: StartPage(_("Practice network"), (
        S(_("Moderation queue"), _("Proposals sent through “Get involved” will appear here."), "moderation_queue"),
    )),
    R.ANALYST: StartPage(_("Statistics"), (
        S(_("Dashboard"), _("Concerns, triage, cases, interventions, mentor lending, training and community work, "
                            "with small numbers hidden."),
          link="insights:dashboard", link_label=_("Open the statistics dashboard")),
        S(_("Research projects"), _("Research projects you propose will appear here with their status."),
          "research_projects", link="insights:research_new", link_label=_("Propose a research project")),
    )),
    R.DATA_PROTECTION_OFFICER: StartPage(_("Data protection"), (
        S(_("Break-the-glass alerts"), _("Emergency access to records will appear here for your review."),
          "break_glass"),
        S(_("Research projects waiting for your decision"),
          _("Research projects that analysts propose will appear here."), "research_waiting",
          link="insights:research_list", link_label=_("All research projects")),
        S(_("Legal holds in force"), _("People whose records are kept past retention will appear here."),
          "holds_in_force", link="privacy:legal_holds", link_label=_("All legal holds")),
        S(_("Retention runs"), _("The daily erasure of expired records and your dry runs will appear here."),
          "retention_runs", link="privacy:retention_rules", link_label=_("Retention rules and a dry run")),
        S(_("Subject access requests"), _("Find a person to export everything the platform holds about them."),
          link="privacy:subject_access", link_label=_("Find a person")),
    )),
    R.SYSTEM_ADMINISTRATOR: StartPage(_("Administration"), (
        S(_("Recent account changes"), _("New users and membership changes will appear here.")),
        S(_("Background tasks that failed"), _("No background task is waiting for attention."), "failed_tasks",
          link="background:failures", link_label=_("Background work and the queue")),
        INSTRUMENTS,
    )),
}

NO_MEMBERSHIP = StartPage(_("Welcome"), (
    S(_("Your memberships"), _("You have no membership of an organisation yet. Ask your administrator to add you.")),
))


def filled_sections(role: Role) -> int:
    """How many queries, at most, the sections of a role's page make (one each unless a section
    says otherwise), for a membership that holds the capability of each section that asks for one."""
    return sum(section.max_queries for section in _PAGES[role].sections if section.source)


def start_page_for(membership: Membership | None, user: Any = None) -> StartPage:
    if membership is None:
        return NO_MEMBERSHIP
    page = _PAGES[Role(membership.role)]
    shown = [section for section in page.sections if section.capability is None
             or membership_can(membership.role, membership.organisation.kind, section.capability)]
    return replace(page, sections=tuple(
        replace(section, items=_SOURCES[section.source](user)) if section.source else section
        for section in shown
    ))
