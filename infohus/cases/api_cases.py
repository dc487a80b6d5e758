"""Cases in the desk's JSON API: the list, a case as its page shows it to the caller's role, edits
with the case's version, the team, the timeline, tasks, reviews and consents.

Each operation mirrors a view of views_cases.py: WORK_ON_CASE capability, then case_access (which
answers 404 outside the need-to-know, audits the read or the refusal, and gives the compartments
the caller sees), the page's form for the checks and the services in services/cases.py, which
hold the rules (a place on the team to write, the lead or a case manager for the rest). National
identifiers are never sent.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from infohus.accounts.models import Membership
from infohus.accounts.permissions import require_capability
from infohus.accounts.roles import Capability, Compartment, Role
from infohus.api.auth import scope
from infohus.api.errors import ApiError
from infohus.api.schemas import Input, Paging, Version, page_of, page_schema
from infohus.api.scopes import Scope
from infohus.audit.services import record_event
from infohus.cases import forms_cases as f
from infohus.cases.api_concerns import (
    CONFLICT,
    REFUSED,
    OrganisationBrief,
    ProfessionalRef,
    RecordId,
    acting_user,
    checked,
    one_of,
    organisation,
    professional,
)
from infohus.cases.api_triage import DisclosureOut, disclosure_out
from infohus.cases.models import (
    Case,
    CaseAttachment,
    ConsentRecord,
    NetworkMember,
    Note,
    Person,
    Review,
    Task,
    TeamMember,
)
from infohus.cases.selectors import cases as reads
from infohus.cases.selectors.need_to_know import CaseAccess, case_access, cases_visible_to
from infohus.cases.services import cases as services

router = Router(tags=["cases"])
READ = scope(Scope.CASES_READ)
WRITE = scope(Scope.CASES_WRITE)
CaseStatus = one_of(Case.Status)
CaseOutcome = one_of(Case.Outcome)
CompartmentValue = one_of(Compartment)
RoleValue = one_of(Role)
Gender = one_of(Person.Gender)


# --- what is sent ---------------------------------------------------------------------------------

class CaseListItemOut(Schema):
    """A case as the list of cases shows it."""

    id: int
    reference: str
    person: str = Field(description="The person's name")
    owner: OrganisationBrief
    lead: ProfessionalRef
    status: CaseStatus
    next_review_on: date | None
    review_overdue: bool


class CaseFactsOut(Schema):
    """The case itself: who owns and leads it, its reviews and, once closed, its outcome."""

    id: int
    reference: str
    version: int = Field(description="Send it back with an edit, a closing or a reopening")
    status: CaseStatus
    opened_at: datetime
    owner: OrganisationBrief
    lead: ProfessionalRef
    review_every_months: int
    next_review_on: date | None
    review_overdue: bool
    outcome: CaseOutcome | Literal[""] = Field(description="Empty while the case is open")
    closed_at: datetime | None
    closure_reason: str


class NetworkMemberOut(Schema):
    id: int
    name: str
    relation: str
    contact: str


class CasePersonOut(Schema):
    """The person of the case as the case page shows them (never a national identifier)."""

    version: int = Field(description="Send it back with an edit of the person")
    first_name: str
    last_name: str
    birth_date: date | None
    gender: Gender
    municipality: OrganisationBrief | None
    languages: str
    phone: str
    email: str
    address: str
    network: list[NetworkMemberOut]


class CaseTeamMemberOut(Schema):
    """Someone on the case's team, in one role, seeing some compartments."""

    id: int
    member: ProfessionalRef
    role: RoleValue
    organisation: OrganisationBrief
    compartments: list[CompartmentValue]
    is_lead: bool


class CaseTaskOut(Schema):
    id: int
    title: str
    due_on: date
    assignee: ProfessionalRef
    done_at: datetime | None


class CaseReviewOut(Schema):
    id: int
    held_on: date
    summary: str
    recorded_by: ProfessionalRef


class CaseConsentOut(Schema):
    id: int
    given_by: str
    scope: str
    given_on: date
    withdrawn_on: date | None


class CaseAttachmentOut(Schema):
    """A file of the case in a compartment the caller sees: what it is, not its content."""

    id: int
    name: str
    compartment: CompartmentValue
    content_type: str
    size: int
    uploaded_at: datetime


class CaseAccessOut(Schema):
    """How the caller came to see the case, and what they may do there."""

    compartments: list[CompartmentValue] = Field(description="The compartments the caller sees")
    on_team: bool
    may_manage: bool = Field(description="The lead, or a case manager of the owning organisation")
    by_break_glass: bool
    break_glass_until: datetime | None


class CaseOut(CaseFactsOut):
    """A case as its page shows it to the caller's role; the timeline is at /cases/{id}/notes."""

    access: CaseAccessOut
    person: CasePersonOut
    team: list[CaseTeamMemberOut]
    tasks: list[CaseTaskOut]
    reviews: list[CaseReviewOut]
    consents: list[CaseConsentOut]
    disclosures: list[DisclosureOut] = Field(description="About the person, in the compartments the caller sees")
    attachments: list[CaseAttachmentOut]


class CaseNoteOut(Schema):
    """An entry of the case's timeline."""

    id: int
    compartment: CompartmentValue
    text: str
    author: ProfessionalRef
    written_at: datetime


class TeamCandidateOut(Schema):
    """Someone who may be put on the team, in one of their roles (a membership)."""

    membership: int = Field(description="Send it as `membership` to add them")
    person: ProfessionalRef
    role: RoleValue
    organisation: OrganisationBrief


CaseListPage = page_schema(CaseListItemOut, "CaseListPage")
CaseTeamPage = page_schema(CaseTeamMemberOut, "CaseTeamPage")
CaseNotePage = page_schema(CaseNoteOut, "CaseNotePage")
TeamCandidatePage = page_schema(TeamCandidateOut, "TeamCandidatePage")


def _overdue(case: Case) -> bool:
    return (case.status == Case.Status.OPEN and case.next_review_on is not None
            and case.next_review_on < timezone.localdate())


def _list_item(case: Case) -> CaseListItemOut:
    return CaseListItemOut(id=case.pk, reference=case.reference, person=str(case.person),
                           owner=organisation(case.owner), lead=professional(case.lead), status=case.status,
                           next_review_on=case.next_review_on, review_overdue=_overdue(case))


def _facts(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk, "reference": case.reference, "version": case.version, "status": case.status,
        "opened_at": case.opened_at, "owner": organisation(case.owner), "lead": professional(case.lead),
        "review_every_months": case.review_every_months, "next_review_on": case.next_review_on,
        "review_overdue": _overdue(case), "outcome": case.outcome, "closed_at": case.closed_at,
        "closure_reason": case.closure_reason,
    }


def _facts_out(case: Case) -> CaseFactsOut:
    return CaseFactsOut(**_facts(case))


def member_out(member: TeamMember, case: Case) -> CaseTeamMemberOut:
    return CaseTeamMemberOut(id=member.pk, member=professional(member.user), role=member.role,
                             organisation=organisation(member.organisation),
                             compartments=sorted(member.compartment_set()), is_lead=member.user_id == case.lead_id)


def _task_out(task: Task) -> CaseTaskOut:
    return CaseTaskOut(id=task.pk, title=task.title, due_on=task.due_on, assignee=professional(task.assignee),
                       done_at=task.done_at)


def _review_out(review: Review) -> CaseReviewOut:
    return CaseReviewOut(id=review.pk, held_on=review.held_on, summary=review.summary,
                         recorded_by=professional(review.recorded_by))


def _consent_out(consent: ConsentRecord) -> CaseConsentOut:
    return CaseConsentOut(id=consent.pk, given_by=consent.given_by, scope=consent.scope, given_on=consent.given_on,
                          withdrawn_on=consent.withdrawn_on)


def _attachment_out(attachment: CaseAttachment) -> CaseAttachmentOut:
    return CaseAttachmentOut(id=attachment.pk, name=attachment.original_name, compartment=attachment.compartment,
                             content_type=attachment.content_type, size=attachment.size,
                             uploaded_at=attachment.uploaded_at)


def _note_out(note: Note) -> CaseNoteOut:
    return CaseNoteOut(id=note.pk, compartment=note.compartment, text=note.text, author=professional(note.author),
                       written_at=note.written_at)


def _candidate_out(membership: Membership) -> TeamCandidateOut:
    return TeamCandidateOut(membership=membership.pk, person=professional(membership.user), role=membership.role,
                            organisation=organisation(membership.organisation))


def _person_out(person: Person, network: list[NetworkMember]) -> CasePersonOut:
    return CasePersonOut(
        version=person.version, first_name=person.first_name, last_name=person.last_name,
        birth_date=person.birth_date, gender=person.gender, municipality=organisation(person.municipality),
        languages=person.languages, phone=person.phone, email=person.email, address=person.address,
        network=[NetworkMemberOut(id=m.pk, name=m.name, relation=m.relation, contact=m.contact) for m in network])


def _case_out(access: CaseAccess) -> CaseOut:
    case, page, person = access.case, reads.case_page(access), access.case.person
    glass = access.break_glass if access.by_break_glass else None
    return CaseOut(
        **_facts(case),
        access=CaseAccessOut(compartments=sorted(access.compartments), on_team=access.team_member is not None,
                             may_manage=services.can_manage(access), by_break_glass=access.by_break_glass,
                             break_glass_until=glass.expires_at if glass else None),
        person=_person_out(person, page.network),
        team=[member_out(m, case) for m in page.team],
        tasks=[_task_out(t) for t in page.tasks],
        reviews=[_review_out(r) for r in page.reviews],
        consents=[_consent_out(c) for c in page.consents],
        disclosures=[disclosure_out(d) for d in page.disclosures],
        attachments=[_attachment_out(a) for a in page.attachments],
    )


# --- what is received -----------------------------------------------------------------------------

class CaseListFilters(Schema):
    status: Literal["open", "closed", "all"] = Field("open", description="As on the page: the open cases by default")
    overdue: bool = Field(False, description="Only open cases whose review is overdue, the most overdue first")


class CaseEditIn(Version):
    """The case's edit form: everything is sent, as on the page."""

    review_every_months: int = Field(ge=1, le=24)
    next_review_on: date | None = None
    lead: str = Field(min_length=1, max_length=150,
                      description="Username of someone on the team whose role manages cases")


class CaseCloseIn(Version):
    outcome: CaseOutcome
    reason: str = Field(min_length=1, max_length=10_000)


class NetworkMemberIn(Input):
    id: RecordId | None = Field(None, description="Left out for someone new")
    name: str = Field(min_length=1, max_length=200)
    relation: str = Field("", max_length=100, description="Needed with a name, for example mother, coach")
    contact: str = Field("", max_length=300)
    delete: bool = Field(False, description="Take this one off the person's network")


class CasePersonIn(Version):
    """The page's form for the person and their network. `identifier` is written, never read:
    empty keeps the one on record. Network entries not sent stay as they are."""

    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field("", max_length=100)
    birth_date: date | None = None
    identifier_country: str = Field("DK", min_length=2, max_length=2, description="Two letters")
    identifier: str = Field("", max_length=32)
    gender: Gender = Person.Gender.UNKNOWN.value
    municipality: RecordId | None = Field(None, description="Id of a municipality")
    languages: str = Field("", max_length=200)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=1_000)
    network: list[NetworkMemberIn] = Field([], max_length=50)


class CaseTeamAddIn(Input):
    membership: RecordId = Field(description="From /cases/{case_id}/team/candidates")
    compartments: list[CompartmentValue] = Field(min_length=1, max_length=4,
                                            description="Never more than the member's role may see")


class CaseTeamChangeIn(Input):
    compartments: list[CompartmentValue] = Field(min_length=1, max_length=4)


class CaseNoteIn(Input):
    compartment: CompartmentValue = Field(description="One the caller sees")
    text: str = Field(min_length=1, max_length=10_000)


class CaseTaskIn(Input):
    title: str = Field(min_length=1, max_length=200)
    due_on: date
    assignee: str = Field(min_length=1, max_length=150, description="Username of someone on the team")


class CaseReviewIn(Input):
    held_on: date = Field(description="Not in the future")
    summary: str = Field(min_length=1, max_length=10_000)


class CaseConsentIn(Input):
    given_by: str = Field(min_length=1, max_length=200,
                          description="The person, or the parent or guardian who gave consent")
    scope: str = Field(min_length=1, max_length=10_000, description="What the consent covers")
    given_on: date = Field(description="Not in the future")


class CaseConsentWithdrawIn(Input):
    withdrawn_on: date = Field(description="Between the consent's date and today")


# --- helpers --------------------------------------------------------------------------------------

def _access(request: HttpRequest, case_id: int, purpose: str) -> CaseAccess:
    """The capability every case page asks for, then fetch and authorise in one call."""
    require_capability(request, Capability.WORK_ON_CASE)
    return case_access(request.user, case_id, purpose=f"api: {purpose}")


@contextmanager
def _on_field(name: str) -> Iterator[None]:
    """A service's refusal shown on the field the page shows it on."""
    try:
        yield
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from None


def _managed(request: HttpRequest, case_id: int, purpose: str) -> CaseAccess:
    access = _access(request, case_id, purpose)
    if not services.can_manage(access):
        raise PermissionDenied
    return access


# --- the list and one case ------------------------------------------------------------------------

@router.get("/cases", response=CaseListPage, auth=READ, summary="The cases I work on")
def case_list(request: HttpRequest, filters: Query[CaseListFilters], paging: Query[Paging]) -> dict[str, Any]:
    """Cases whose team the caller is on, and any they opened by breaking the glass."""
    require_capability(request, Capability.WORK_ON_CASE)
    cases = cases_visible_to(request.user).select_related("person", "owner", "lead")
    if filters.status != "all":
        cases = cases.filter(status=filters.status)
    if filters.overdue:
        cases = cases.filter(status=Case.Status.OPEN, next_review_on__lt=timezone.localdate())
    cases = cases.order_by("next_review_on", "pk") if filters.overdue else cases.order_by("-opened_at", "-pk")
    page = page_of(cases, paging)
    record_event(action="case.listed", actor=request.user, object_type="case", purpose="api: case list",
                 details={"cases": [c.pk for c in page["results"]], "status": filters.status,
                          "overdue": filters.overdue})
    return {**page, "results": [_list_item(c) for c in page["results"]]}


@router.get("/cases/{int:case_id}", response=CaseOut, auth=READ, summary="A case")
def case_detail(request: HttpRequest, case_id: int) -> CaseOut:
    """What the case page shows the caller: notes, attachments and disclosures only in the
    compartments their place on the team (or break-the-glass access) lets them see."""
    return _case_out(_access(request, case_id, "case page"))


@router.put("/cases/{int:case_id}", response={200: CaseFactsOut, **CONFLICT}, auth=WRITE,
            summary="Edit a case")
def case_edit(request: HttpRequest, case_id: int, body: CaseEditIn) -> CaseFactsOut:
    """The review interval, the next review and the lead. A stale `version` answers 409."""
    access = _managed(request, case_id, "case management: edit the case")
    form = f.CaseEditForm(body.model_dump(), case=access.case)
    form.fields["lead"].to_field_name = "username"  # type: ignore[attr-defined]
    data = checked(form)
    case = services.edit_case(access=access, actor=acting_user(request), expected_version=data["version"],
                              review_every_months=data["review_every_months"],
                              next_review_on=data["next_review_on"], lead=data["lead"])
    return _facts_out(case)


@router.post("/cases/{int:case_id}/close", response={200: CaseFactsOut, **CONFLICT}, auth=WRITE,
             summary="Close a case")
def case_close(request: HttpRequest, case_id: int, body: CaseCloseIn) -> CaseFactsOut:
    """Close with an outcome and the reason. A stale `version` answers 409."""
    access = _managed(request, case_id, "case management: close the case")
    data = checked(f.CloseForm(body.model_dump()))
    case = services.close_case(access=access, actor=acting_user(request), expected_version=data["version"],
                               outcome=data["outcome"], reason=data["reason"])
    return _facts_out(case)


@router.post("/cases/{int:case_id}/reopen", response={200: CaseFactsOut, **CONFLICT}, auth=WRITE,
             summary="Reopen a case")
def case_reopen(request: HttpRequest, case_id: int, body: Version) -> CaseFactsOut:
    """Open a closed case again. A stale `version` answers 409."""
    access = _managed(request, case_id, "case management: reopen the case")
    data = checked(f.ReopenForm(body.model_dump()))
    case = services.reopen_case(access=access, actor=acting_user(request), expected_version=data["version"])
    return _facts_out(case)


def _network(entries: list[NetworkMemberIn]) -> list[services.NetworkChange]:
    """Each entry checked by the page's network form; a refusal names the entry and its field."""
    changes, fields = [], {}
    for index, entry in enumerate(entries):
        form = f.NetworkMemberForm(entry.model_dump(exclude={"delete"}) | {"DELETE": entry.delete})
        if not entry.delete and not form.is_valid():
            fields |= {f"network.{index}.{name}": [str(m) for m in messages] for name, messages in form.errors.items()}
            continue
        changes.append(services.NetworkChange(pk=entry.id, name=entry.name.strip(), relation=entry.relation.strip(),
                                              contact=entry.contact.strip(), delete=entry.delete))
    if fields:
        raise ApiError(422, "invalid", REFUSED, fields=fields)
    return changes


@router.put("/cases/{int:case_id}/person", response={200: CasePersonOut, **CONFLICT}, auth=WRITE,
            summary="Edit the person of a case and their network")
def case_person_edit(request: HttpRequest, case_id: int, body: CasePersonIn) -> CasePersonOut:
    """In one step, if nobody saved the person after `version` (else 409 and nothing changes)."""
    access = _managed(request, case_id, "case management: edit the person")
    form = f.PersonForm(body.model_dump(exclude={"network"}))
    version = checked(form)["version"]
    person = services.edit_person(access=access, actor=acting_user(request), expected_version=version,
                                  changes=form.changes(), network=_network(body.network))
    return _person_out(person, reads.network_of(person.pk))


# --- the team -------------------------------------------------------------------------------------

@router.get("/cases/{int:case_id}/team", response=CaseTeamPage, auth=READ, summary="The case's team")
def case_team(request: HttpRequest, case_id: int, paging: Query[Paging]) -> dict[str, Any]:
    access = _access(request, case_id, "case team")
    return page_of(reads.team(access).order_by("added_at", "pk"), paging, lambda m: member_out(m, access.case))


@router.get("/cases/{int:case_id}/team/candidates", response=TeamCandidatePage, auth=READ,
            summary="Who may be put on the case's team")
def case_team_candidates(request: HttpRequest, case_id: int, paging: Query[Paging]) -> dict[str, Any]:
    """The choices of the page's form: active people in roles that work on cases, not on the team."""
    access = _managed(request, case_id, "case management: add a team member")
    form = f.TeamMemberAddForm(exclude_users=reads.team_user_ids(access))
    return page_of(form.fields["membership"].queryset.order_by(  # type: ignore[attr-defined]
        "user__first_name", "user__last_name", "role", "pk"), paging, _candidate_out)


@router.post("/cases/{int:case_id}/team", response={201: CaseTeamMemberOut}, auth=WRITE,
             summary="Put someone on the case's team")
def case_team_add(request: HttpRequest, case_id: int, body: CaseTeamAddIn) -> Status[CaseTeamMemberOut]:
    """Someone in one of their roles, seeing the given compartments (never more than the role may)."""
    access = _managed(request, case_id, "case management: add a team member")
    data = checked(f.TeamMemberAddForm(body.model_dump(), exclude_users=reads.team_user_ids(access)))
    with _on_field("compartments"):
        member = services.add_team_member(access=access, actor=acting_user(request), membership=data["membership"],
                                          compartments=set(data["compartments"]))
    return Status(201, member_out(member, access.case))


@router.patch("/cases/{int:case_id}/team/{int:member_id}", response=CaseTeamMemberOut, auth=WRITE,
              summary="Change what a team member sees")
def case_team_change(request: HttpRequest, case_id: int, member_id: int, body: CaseTeamChangeIn) -> CaseTeamMemberOut:
    access = _managed(request, case_id, "case management: change a team member")
    member = reads.team_member(access, member_id)
    data = checked(f.TeamMemberEditForm(body.model_dump()))
    with _on_field("compartments"):
        services.change_team_member(access=access, actor=acting_user(request), member=member,
                                    compartments=set(data["compartments"]))
    return member_out(member, access.case)


@router.delete("/cases/{int:case_id}/team/{int:member_id}", response={204: None}, auth=WRITE,
               summary="Take someone off the case's team")
def case_team_remove(request: HttpRequest, case_id: int, member_id: int) -> Status[None]:
    """Their entry stays, inactive, for the record. The lead cannot leave (422)."""
    access = _managed(request, case_id, "case management: remove a team member")
    member = reads.team_member(access, member_id)
    services.remove_team_member(access=access, actor=acting_user(request), member=member)
    return Status(204, None)


# --- the timeline ---------------------------------------------------------------------------------

@router.get("/cases/{int:case_id}/notes", response=CaseNotePage, auth=READ, summary="The case's timeline")
def case_notes(request: HttpRequest, case_id: int, paging: Query[Paging]) -> dict[str, Any]:
    """Notes in the compartments the caller sees, newest first."""
    access = _access(request, case_id, "case timeline")
    return page_of(reads.timeline(access), paging, _note_out)


@router.post("/cases/{int:case_id}/notes", response={201: CaseNoteOut}, auth=WRITE, summary="Add a note")
def case_note_add(request: HttpRequest, case_id: int, body: CaseNoteIn) -> Status[CaseNoteOut]:
    """A note in a compartment the caller sees; only members of the team write."""
    access = _access(request, case_id, "case work: add a note")
    data = checked(f.NoteForm(body.model_dump(), compartments=access.compartments))
    note = services.add_note(access=access, actor=acting_user(request), compartment=data["compartment"],
                             text=data["text"])
    return Status(201, _note_out(note))


# --- tasks, reviews, consents ---------------------------------------------------------------------

@router.post("/cases/{int:case_id}/tasks", response={201: CaseTaskOut}, auth=WRITE, summary="Add a task")
def case_task_add(request: HttpRequest, case_id: int, body: CaseTaskIn) -> Status[CaseTaskOut]:
    access = _access(request, case_id, "case work: add a task")
    form = f.TaskForm(body.model_dump(), case=access.case)
    form.fields["assignee"].to_field_name = "username"  # type: ignore[attr-defined]
    data = checked(form)
    task = services.add_task(access=access, actor=acting_user(request), title=data["title"], due_on=data["due_on"],
                             assignee=data["assignee"])
    return Status(201, _task_out(task))


@router.post("/cases/{int:case_id}/tasks/{int:task_id}/done", response=CaseTaskOut, auth=WRITE,
             summary="Mark a task done")
def case_task_done(request: HttpRequest, case_id: int, task_id: int) -> CaseTaskOut:
    """By its assignee or a case manager; marking a done task again changes nothing."""
    access = _access(request, case_id, "case work: complete a task")
    task = services.complete_task(access=access, actor=acting_user(request), task_pk=task_id)
    return _task_out(task)


@router.post("/cases/{int:case_id}/reviews", response={201: CaseReviewOut}, auth=WRITE, summary="Record a review")
def case_review_add(request: HttpRequest, case_id: int, body: CaseReviewIn) -> Status[CaseReviewOut]:
    """The next review moves on by the case's interval from this one."""
    access = _managed(request, case_id, "case management: record a review")
    data = checked(f.ReviewForm(body.model_dump()))
    review = services.record_review(access=access, actor=acting_user(request), held_on=data["held_on"],
                                    summary=data["summary"])
    return Status(201, _review_out(review))


@router.post("/cases/{int:case_id}/consents", response={201: CaseConsentOut}, auth=WRITE,
             summary="Record a consent")
def case_consent_add(request: HttpRequest, case_id: int, body: CaseConsentIn) -> Status[CaseConsentOut]:
    access = _managed(request, case_id, "case management: record a consent")
    data = checked(f.ConsentForm(body.model_dump()))
    consent = services.add_consent(access=access, actor=acting_user(request), **data)
    return Status(201, _consent_out(consent))


@router.post("/cases/{int:case_id}/consents/{int:consent_id}/withdraw", response=CaseConsentOut, auth=WRITE,
             summary="Record that a consent was withdrawn")
def case_consent_withdraw(request: HttpRequest, case_id: int, consent_id: int,
                          body: CaseConsentWithdrawIn) -> CaseConsentOut:
    access = _managed(request, case_id, "case management: withdraw a consent")
    consent = reads.open_consent(access, consent_id)
    data = checked(f.ConsentWithdrawForm(body.model_dump()))
    consent = services.withdraw_consent(access=access, actor=acting_user(request), consent_pk=consent.pk,
                                        withdrawn_on=data["withdrawn_on"])
    return _consent_out(consent)
