"""What each role's start page shows. Each section lists work that later features fill in;
until then it says what will appear there."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Membership
from infohus.accounts.roles import Role


@dataclass(frozen=True)
class Item:
    label: str
    url: str


@dataclass(frozen=True)
class Section:
    title: Promise
    empty: Promise
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class StartPage:
    title: Promise
    sections: tuple[Section, ...]


S = Section
R = Role

_PAGES: dict[Role, StartPage] = {
    R.REPORTER: StartPage(_("Your concerns"), (
        S(_("Concerns you reported"), _("The concerns you report will appear here with their status.")),
    )),
    R.RESOURCE_PERSON: StartPage(_("Concerns in your institution"), (
        S(_("Waiting for local assessment"), _("Concerns from staff in your institution will appear here first.")),
        S(_("Forwarded to the Info house"), _("Concerns you forward will appear here with their status.")),
    )),
    R.INFOHOUSE_COORDINATOR: StartPage(_("Info house"), (
        S(_("Triage queue"), _("New concerns will appear here, the most urgent and oldest first.")),
        S(_("Next triage meeting"), _("Scheduled triage meetings will appear here.")),
        S(_("Cases you coordinate"), _("Cases opened after triage will appear here.")),
    )),
    R.CASE_WORKER: StartPage(_("Your cases"), (
        S(_("Cases you manage"), _("Cases in which you are the case manager will appear here.")),
        S(_("Reviews due"), _("Case reviews that are due will appear here.")),
    )),
    R.POLICE_LIAISON: StartPage(_("Police liaison"), (
        S(_("Triage queue"), _("Concerns for the Info house triage will appear here.")),
        S(_("Cases on which you are a team member"), _("Cases whose team you are on will appear here.")),
    )),
    R.PSYCHIATRY_LIAISON: StartPage(_("Psychiatry liaison"), (
        S(_("Cases on which you are a team member"), _("Cases whose team you are on will appear here.")),
    )),
    R.MENTOR: StartPage(_("Your mentoring"), (
        S(_("Your mentees"), _("The courses of mentoring you provide will appear here.")),
        S(_("Follow-ups due"), _("Sessions whose next appointment is overdue will appear here.")),
    )),
    R.PARENT_COACH: StartPage(_("Your coaching"), (
        S(_("Families you coach"), _("The courses of parent coaching you provide will appear here.")),
        S(_("Follow-ups due"), _("Sessions whose next appointment is overdue will appear here.")),
    )),
    R.MENTOR_COACH: StartPage(_("Mentor coaching"), (
        S(_("Mentors you coach"), _("The mentors you supervise will appear here.")),
        S(_("Lending requests"), _("Requests to lend or borrow mentors will appear here.")),
    )),
    R.TRAINER: StartPage(_("Training"), (
        S(_("Upcoming course runs"), _("The course runs you plan will appear here.")),
        S(_("Overdue requirements"), _("People who are overdue for a required course will appear here.")),
    )),
    R.COMMUNITY_COORDINATOR: StartPage(_("Community work"), (
        S(_("Community partners"), _("Your community partners will appear here.")),
        S(_("Upcoming dialogue meetings"), _("Planned dialogue meetings and outreach will appear here.")),
    )),
    R.DIRECTORY_EDITOR: StartPage(_("Practice network"), (
        S(_("Moderation queue"), _("Proposals sent through “Get involved” will appear here.")),
    )),
    R.ANALYST: StartPage(_("Statistics"), (
        S(_("Dashboards"), _("Anonymised statistics about the work will appear here.")),
    )),
    R.DATA_PROTECTION_OFFICER: StartPage(_("Data protection"), (
        S(_("Break-the-glass alerts"), _("Emergency access to records will appear here for your review.")),
        S(_("Subject access requests"), _("Requests for a person's data will appear here.")),
    )),
    R.SYSTEM_ADMINISTRATOR: StartPage(_("Administration"), (
        S(_("Recent account changes"), _("New users and membership changes will appear here.")),
    )),
}

NO_MEMBERSHIP = StartPage(_("Welcome"), (
    S(_("Your memberships"), _("You have no membership of an organisation yet. Ask your administrator to add you.")),
))


def _moderation_queue(page: StartPage, user: Any) -> StartPage:
    from django.urls import reverse

    from infohus.directory.selectors_moderation import moderation_queue

    pending = [
        Item(str(submission), reverse("directory:submission_detail", args=[submission.pk]))
        for submission in moderation_queue(status="pending")[:10]
    ]
    return replace(page, sections=(replace(page.sections[0], items=pending), *page.sections[1:]))


def _break_glass_alerts(page: StartPage, user: Any) -> StartPage:
    from django.urls import reverse

    from infohus.cases.models import BreakGlassAccess

    trail = reverse("audit:trail")
    alerts = [
        Item(f"{access.opened_at:%Y-%m-%d %H:%M} · {access.user} · {access.case}",
             f"{trail}?action=case.break_glass&actor={access.user.get_username()}")
        for access in BreakGlassAccess.objects.filter(reviewed_at=None).select_related("user", "case")[:20]
    ]
    return replace(page, sections=(replace(page.sections[0], items=alerts), *page.sections[1:]))


# Sections whose work exists already are filled from the apps' selectors.
_FILL: dict[Role, Callable[[StartPage, Any], StartPage]] = {
    R.DIRECTORY_EDITOR: _moderation_queue,
    R.DATA_PROTECTION_OFFICER: _break_glass_alerts,
}


def start_page_for(membership: Membership | None, user: Any = None) -> StartPage:
    if membership is None:
        return NO_MEMBERSHIP
    role = Role(membership.role)
    page = _PAGES[role]
    return _FILL[role](page, user) if role in _FILL else page
