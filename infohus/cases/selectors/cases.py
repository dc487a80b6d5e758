"""Reads behind the case pages. Every function takes a CaseAccess (from need_to_know.case_access)
so that nothing here can be reached outside the need-to-know, and filters by its compartments."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from infohus.cases.models import (
    BreakGlassAccess,
    Case,
    CaseAttachment,
    ConsentRecord,
    Disclosure,
    NetworkMember,
    Note,
    Review,
    Task,
    TeamMember,
)
from infohus.cases.selectors.need_to_know import CaseAccess


@dataclass(frozen=True)
class CasePage:
    """Everything a case page shows apart from the paged timeline: one query each."""

    team: list[TeamMember]
    tasks: list[Task]
    reviews: list[Review]
    consents: list[ConsentRecord]
    disclosures: list[Disclosure]
    attachments: list[CaseAttachment]
    network: list[NetworkMember]


def timeline(access: CaseAccess) -> QuerySet[Note]:
    """The case's notes in the compartments the reader sees, newest first."""
    return (Note.objects.filter(case=access.case, compartment__in=access.compartments).select_related("author")
            .order_by("-written_at", "-pk"))


def team(access: CaseAccess) -> QuerySet[TeamMember]:
    """The case's active team, in the order members joined."""
    return TeamMember.objects.filter(case=access.case, is_active=True).select_related("user", "organisation")


def case_page(access: CaseAccess) -> CasePage:
    case = access.case
    visible = access.compartments
    return CasePage(
        team=list(team(access)),
        tasks=list(Task.objects.filter(case=case).select_related("assignee").order_by("done_at", "due_on", "pk")),
        reviews=list(Review.objects.filter(case=case).select_related("recorded_by")),
        consents=list(ConsentRecord.objects.filter(case=case)),
        disclosures=list(Disclosure.objects.filter(person_id=case.person_id, compartment__in=visible)
                         .select_related("from_organisation", "to_organisation")),
        attachments=list(CaseAttachment.objects.filter(case=case, compartment__in=visible).order_by("-uploaded_at")),
        network=network_of(case.person_id),
    )


def network_of(person_id: Any) -> list[NetworkMember]:
    return list(NetworkMember.objects.filter(person_id=person_id))


def team_user_ids(access: CaseAccess) -> list[int]:
    return list(TeamMember.objects.filter(case=access.case, is_active=True).values_list("user_id", flat=True))


def team_member(access: CaseAccess, member_pk: int) -> TeamMember:
    """An active member of this case's team, or 404."""
    member = (TeamMember.objects.filter(case=access.case, pk=member_pk, is_active=True)
              .select_related("user", "organisation").first())
    if member is None:
        raise Http404
    return member


def open_consent(access: CaseAccess, consent_pk: int) -> ConsentRecord:
    """A consent of this case that has not been withdrawn, or 404."""
    consent = ConsentRecord.objects.filter(case=access.case, pk=consent_pk, withdrawn_on=None).first()
    if consent is None:
        raise Http404
    return consent


def is_on_team(user: Any, case_pk: int) -> bool:
    return TeamMember.objects.filter(case_id=case_pk, user=user, is_active=True).exists()


def case_opened_from(concern_pk: int) -> int | None:
    """The case that a concern's triage decision opened, if any (for what travels from triage to
    the case, such as the Info-house analysis); the caller still opens it through case_access."""
    return Case.objects.filter(opening_decision__concern_id=concern_pk).values_list("pk", flat=True).first()


def case_pk_for_reference(reference: str) -> int | None:
    """Only for break-the-glass, whose form then audits and authorises the opening."""
    return Case.objects.filter(reference=reference).values_list("pk", flat=True).first() if reference else None


def break_glass_openings() -> QuerySet[BreakGlassAccess]:
    """For the data protection officer: openings not yet reviewed first, newest first."""
    return BreakGlassAccess.objects.select_related("user", "case", "reviewed_by_dpo").order_by("reviewed_at",
                                                                                              "-opened_at")


def break_glass_opening_exists(access_pk: int) -> bool:
    return BreakGlassAccess.objects.filter(pk=access_pk).exists()
