"""Interventions on a case and anonymous advice consultations: start, plan of goals, sessions, end.

Every change takes the access the caller opened the case or the intervention with (CaseAccess or
InterventionAccess from the access selectors), checks who may write (a place on the team of an
open case; break-the-glass only reads), and is audited with the person concerned. An anonymous
advice consultation has no case and no person: it is one event, recorded and ended at once, and
counts in the statistics without being linked to anyone.

Messages of refused input name the field they belong to (ValidationError with a dict), so the
pages can show them at the field.
"""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.permissions import organisations_with
from infohus.accounts.roles import Capability, Compartment, role_can
from infohus.assessments.models import Assessment
from infohus.assessments.selectors.access import assessment_for_user
from infohus.audit.services import record_event
from infohus.cases.models import Case, NetworkMember
from infohus.cases.selectors.cases import is_on_team, network_of
from infohus.cases.selectors.need_to_know import CaseAccess
from infohus.cases.services import cases as case_services
from infohus.core.concurrency import StaleEdit
from infohus.directory.models import Project
from infohus.interventions.models import (
    AdviceFor,
    Goal,
    Intervention,
    InterventionKind,
    LendingRequest,
    MentorProfile,
    Outcome,
    Session,
    TreatmentKind,
)
from infohus.interventions.selectors.access import InterventionAccess
from infohus.interventions.services import lending as lending_services
from infohus.interventions.services.corps import COURSES, reasons_not_assignable

BALANCED_RISK_ASSESSMENT = "balanced-risk-assessment"
# The Balanced Risk Assessment's "what needs to happen": the lines a goal may carry on.
BRA_GOAL_FIELDS = ("goals", "next-steps")
MAX_DURATION_MINUTES = 24 * 60
MAX_DAYS_AHEAD = 365
TREATMENT_AGES = (18, 34)
TEXT_MAX = 10_000

K = InterventionKind


def _audit(action: str, intervention: Intervention, actor: User, *, purpose: str, object_type: str = "intervention",
           object_id: object = None, **details: Any) -> None:
    record_event(action=action, actor=actor, object_type=object_type,
                 object_id=intervention.pk if object_id is None else object_id,
                 person_id=intervention.case.person_id if intervention.case is not None else "",
                 purpose=purpose,
                 details={"intervention": intervention.pk, "case": intervention.case_id, "kind": intervention.kind,
                          **details})


def _require_writer(access: InterventionAccess) -> None:
    if not access.may_write:
        if access.case_access is not None and access.case_access.team_member is None:
            raise PermissionDenied(_("Only members of the case team can change an intervention."))
        raise PermissionDenied(_("The case is closed. Reopen it to change its interventions."))


def _locked(access: InterventionAccess) -> Intervention:
    """The intervention re-read under a row lock, with what the rules need."""
    return (Intervention.objects.select_for_update(of=("self",))
            .select_related("case", "case__person").get(pk=access.intervention.pk))


def _require_active(intervention: Intervention, message: str) -> None:
    if intervention.status != Intervention.Status.ACTIVE:
        raise ValidationError(message)


def _age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def accepted_lending(intervention: Intervention) -> LendingRequest | None:
    """The accepted lending the intervention's provider is lent through, if any."""
    return (LendingRequest.objects.select_related("case", "offered_mentor__user")
            .filter(intervention=intervention, status=LendingRequest.Status.ACCEPTED).first())


# --- starting ------------------------------------------------------------------------------------

def _provider_errors(access: CaseAccess, actor: User, kind: str, provider_user: User | None, on: date,
                     errors: dict[str, list[str]]) -> Membership | None:
    """Checks the provider who is a user; returns the membership to put them on the team with,
    when they are a corps member of the owning municipality not yet on it."""
    if provider_user is None:
        return None
    case = access.case
    on_team = is_on_team(provider_user, case.pk)
    profile = MentorProfile.objects.select_related("user").filter(user=provider_user).first()
    if profile is not None and kind in COURSES:
        reasons = reasons_not_assignable(profile, on=max(on, timezone.localdate()))
        if reasons:
            errors.setdefault("provider_user", []).extend(reasons)
            return None
    if on_team:
        return None
    name = provider_user.get_full_name() or provider_user.get_username()
    if profile is None or profile.home_municipality_id != case.owner_id:
        errors.setdefault("provider_user", []).append(
            _("%(name)s is not on the case team. Put them on the team first, or choose someone who is.")
            % {"name": name})
        return None
    membership = (Membership.objects.filter(user=provider_user, organisation_id=case.owner_id, is_active=True)
                  .order_by("pk").first())
    if membership is None or not role_can(membership.role, Capability.WORK_ON_CASE):
        errors.setdefault("provider_user", []).append(
            _("%(name)s has no active membership of %(organisation)s in a role that works on cases.")
            % {"name": name, "organisation": case.owner})
        return None
    if not case_services.can_manage(access):
        errors.setdefault("provider_user", []).append(
            _("%(name)s is not on the case team. Only the case lead or a case manager can bring someone new onto "
              "the team: ask them to start this intervention, or to put %(name)s on the team first.")
            % {"name": name})
        return None
    return membership


@transaction.atomic
def start_intervention(*, access: CaseAccess, actor: User, kind: str, organisation: Organisation,
                       started_on: date, provider_user: User | None = None,
                       provider_organisation: Organisation | None = None, provider_project: Project | None = None,
                       description: str = "", treatment: str = "") -> tuple[Intervention, list[str]]:
    """An intervention on an open case, by someone on its team. Returns it and warnings that do
    not stop it (a treatment referral outside the programme's ages, or of a person whose age is
    not known). A corps member of the owning municipality chosen as provider joins the team in the
    general compartment (the lead or a case manager may do that)."""
    member = access.team_member
    if member is None:
        raise PermissionDenied(_("Only members of the case team can start an intervention."))
    case = access.case
    if case.status != Case.Status.OPEN:
        raise ValidationError(_("The case is closed. Reopen it first."))
    errors: dict[str, list[str]] = {}
    if kind not in K.values:
        errors["kind"] = [_("Choose the kind of intervention.")]
    if organisation.pk not in (member.organisation_id, case.owner_id):
        errors["organisation"] = [_("An intervention is run by the organisation you work for on this case, or by "
                                    "the case's owner.")]
    today = timezone.localdate()
    if started_on > today + timedelta(days=MAX_DAYS_AHEAD):
        errors["started_on"] = [_("The start cannot be more than a year ahead.")]
    elif started_on < timezone.localtime(case.opened_at).date():
        errors["started_on"] = [_("The start cannot be before the case was opened (%(day)s).")
                                % {"day": timezone.localtime(case.opened_at).date().isoformat()}]
    if provider_user is None and provider_organisation is None and provider_project is None:
        errors["provider_user"] = [_("Choose who provides the intervention: a person, an organisation or a project "
                                     "from the directory.")]
    if provider_project is not None and not Project.objects.filter(pk=provider_project.pk, is_published=True).exists():
        errors["provider_project"] = [_("Choose a project that is published in the directory.")]
    if kind == K.PROJECT_REFERRAL and provider_project is None:
        errors["provider_project"] = [_("A referral to a project needs the project from the directory.")]
    if kind == K.TREATMENT_REFERRAL:
        if treatment not in TreatmentKind.values:
            errors["treatment"] = [_("Choose the kind of treatment.")]
    else:
        treatment = ""
    joining = _provider_errors(access, actor, kind, provider_user, started_on, errors)
    if len(description) > TEXT_MAX:
        errors["description"] = [_("Keep this to %(limit)d characters.") % {"limit": TEXT_MAX}]
    if errors:
        raise ValidationError(errors)

    warnings: list[str] = []
    if kind == K.TREATMENT_REFERRAL:
        birth_date = case.person.birth_date
        low, high = TREATMENT_AGES
        if birth_date is None:
            warnings.append(_("The person's age is not known. The treatment programme is for %(low)d–%(high)d-year-"
                              "olds.") % {"low": low, "high": high})
        else:
            age = _age_on(birth_date, started_on)
            if not low <= age <= high:
                warnings.append(_("The person will be %(age)d at the start. The treatment programme is for "
                                  "%(low)d–%(high)d-year-olds; the referral is recorded all the same.")
                                % {"age": age, "low": low, "high": high})
    intervention = Intervention.objects.create(
        kind=kind, case=case, organisation=organisation, provider_user=provider_user,
        provider_organisation=provider_organisation, provider_project=provider_project, started_on=started_on,
        description=description.strip(), treatment=treatment, created_by=actor)
    if joining is not None:
        case_services.add_team_member(access=access, actor=actor, membership=joining,
                                      compartments={Compartment.GENERAL.value})
    _audit("intervention.started", intervention, actor, purpose="case work",
           provider_user=provider_user.pk if provider_user else None,
           provider_organisation=provider_organisation.pk if provider_organisation else None,
           provider_project=provider_project.pk if provider_project else None, warnings=len(warnings))
    return intervention, warnings


def _duration_errors(duration_minutes: int | None, errors: dict[str, list[str]]) -> None:
    if duration_minutes is None or duration_minutes < 1:
        errors["duration_minutes"] = [_("Give the duration in minutes (at least 1).")]
    elif duration_minutes > MAX_DURATION_MINUTES:
        errors["duration_minutes"] = [_("A session cannot last more than 24 hours (1440 minutes).")]


@transaction.atomic
def start_advice_consultation(*, actor: User, organisation: Organisation, advice_for: str, held_on: date,
                              duration_minutes: int, notes: str = "", anonymous: bool = True,
                              case_access: CaseAccess | None = None,
                              provider_user: User | None = None) -> Intervention:
    """One advice consultation to a professional or to next of kin, recorded as an intervention
    with its one session and ended at once (it is a single event). An anonymous one holds no case
    and no person; one that is not anonymous is recorded on a case the actor is on the team of."""
    provider = provider_user or actor
    allowed = set(organisations_with(actor, Capability.WORK_ON_CASE)) | set(
        organisations_with(actor, Capability.MENTOR))
    if organisation.pk not in allowed:
        raise PermissionDenied(_("You can record advice consultations only for an organisation in which you work on "
                                 "cases or mentor."))
    errors: dict[str, list[str]] = {}
    if advice_for not in AdviceFor.values:
        errors["advice_for"] = [_("Choose to whom the advice was given.")]
    if held_on > timezone.localdate():
        errors["held_on"] = [_("The date cannot be in the future.")]
    _duration_errors(duration_minutes, errors)
    if len(notes) > TEXT_MAX:
        errors["notes"] = [_("Keep this to %(limit)d characters.") % {"limit": TEXT_MAX}]
    case = None
    if not anonymous:
        if case_access is None:
            errors["case"] = [_("Give the reference of the case the consultation is about, or keep it anonymous.")]
        elif case_access.team_member is None:
            errors["case"] = [_("Only members of the case team can record on the case.")]
        elif case_access.case.status != Case.Status.OPEN:
            errors["case"] = [_("The case is closed. Reopen it first.")]
        else:
            case = case_access.case
    if errors:
        raise ValidationError(errors)
    intervention = Intervention.objects.create(
        kind=K.ADVICE_CONSULTATION, case=case, organisation=organisation, provider_user=provider,
        status=Intervention.Status.ENDED, started_on=held_on, ended_on=held_on, outcome=Outcome.ADVICE_GIVEN,
        advice_for=advice_for, anonymous=case is None, created_by=actor)
    Session.objects.create(intervention=intervention, held_on=held_on, duration_minutes=duration_minutes,
                           mode=Session.Mode.MEETING, with_person=False, notes=notes.strip(),
                           compartment=Compartment.GENERAL, logged_by=actor)
    _audit("intervention.advice_recorded", intervention, actor,
           purpose="advice consultation" if case is None else "case work",
           advice_for=advice_for, anonymous=case is None, organisation=organisation.pk)
    return intervention


# --- the plan of goals -----------------------------------------------------------------------------

def _bra_for_goal(access: InterventionAccess, actor: User, assessment: Assessment | int) -> Assessment:
    pk = assessment if isinstance(assessment, int) else assessment.pk
    refused = ValidationError({"from_assessment": _(
        "A goal can carry on a line of a signed Balanced Risk Assessment of this case that you may read.")})
    try:
        opened = assessment_for_user(actor, pk, purpose="intervention: goal from an assessment", audit=False)
    except Http404:
        raise refused from None
    found = opened.assessment
    if (found.case_id is None or found.case_id != access.intervention.case_id
            or found.status != Assessment.Status.SIGNED
            or found.version.instrument.slug != BALANCED_RISK_ASSESSMENT):
        raise refused
    return found


def _goal_errors(what: str, by_when: date | None, how_we_know: str, errors: dict[str, list[str]]) -> None:
    if not what.strip():
        errors["what"] = [_("Say what the goal is.")]
    elif len(what) > TEXT_MAX:
        errors["what"] = [_("Keep this to %(limit)d characters.") % {"limit": TEXT_MAX}]
    if by_when is None:
        errors["by_when"] = [_("Give the goal a target date: a goal without a date cannot be followed up.")]
    if not how_we_know.strip():
        errors["how_we_know"] = [_("Say how you will know that the goal is met.")]
    elif len(how_we_know) > TEXT_MAX:
        errors["how_we_know"] = [_("Keep this to %(limit)d characters.") % {"limit": TEXT_MAX}]


@transaction.atomic
def add_goal(*, access: InterventionAccess, actor: User, what: str, by_when: date | None, how_we_know: str,
             from_assessment: Assessment | int | None = None) -> Goal:
    """A goal of the plan: what, by when, how we will know; it may carry on a line of a signed
    Balanced Risk Assessment of the same case."""
    _require_writer(access)
    intervention = _locked(access)
    _require_active(intervention, _("The intervention has ended: its plan takes no new goals."))
    errors: dict[str, list[str]] = {}
    _goal_errors(what, by_when, how_we_know, errors)
    if errors:
        raise ValidationError(errors)
    assert by_when is not None
    assessment = _bra_for_goal(access, actor, from_assessment) if from_assessment is not None else None
    goal = Goal.objects.create(intervention=intervention, what=what.strip(), by_when=by_when,
                               how_we_know=how_we_know.strip(), from_assessment=assessment, created_by=actor)
    _audit("intervention.goal_added", intervention, actor, purpose="case work", object_type="intervention.goal",
           object_id=goal.pk, from_assessment=assessment.pk if assessment else None)
    return goal


@transaction.atomic
def update_goal(*, access: InterventionAccess, actor: User, goal: Goal, status: str, what: str | None = None,
                by_when: date | None = None, how_we_know: str | None = None) -> Goal:
    """A goal's status, and its wording or date if given. Goals may still be marked after the
    intervention has ended (how it went)."""
    _require_writer(access)
    intervention = _locked(access)
    if goal.intervention_id != intervention.pk:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if status not in Goal.Status.values:
        errors["status"] = [_("Choose the goal's status.")]
    _goal_errors(goal.what if what is None else what, goal.by_when if by_when is None else by_when,
                 goal.how_we_know if how_we_know is None else how_we_know, errors)
    if errors:
        raise ValidationError(errors)
    before = goal.status
    goal.status = status
    fields = ["status", "updated_at"]
    if what is not None:
        goal.what = what.strip()
        fields.append("what")
    if by_when is not None:
        goal.by_when = by_when
        fields.append("by_when")
    if how_we_know is not None:
        goal.how_we_know = how_we_know.strip()
        fields.append("how_we_know")
    goal.save(update_fields=fields)
    _audit("intervention.goal_changed", intervention, actor, purpose="case work", object_type="intervention.goal",
           object_id=goal.pk, status_from=before, status_to=status)
    return goal


# --- sessions ------------------------------------------------------------------------------------

@transaction.atomic
def log_session(*, access: InterventionAccess, actor: User, held_on: date, duration_minutes: int,
                mode: str = Session.Mode.MEETING, with_person: bool = True, family: str = "",
                network_ids: list[int] | None = None, professionals: str = "", notes: str = "",
                compartment: str = Compartment.GENERAL.value, goal_ids: list[int] | None = None,
                next_appointment: date | None = None) -> Session:
    """A session of an active intervention. The notes go in a compartment the writer sees. A lent
    mentor's session counts towards the lending (for reimbursement)."""
    _require_writer(access)
    intervention = _locked(access)
    _require_active(intervention, _("The intervention has ended: it takes no more sessions."))
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if held_on > today:
        errors["held_on"] = [_("The date cannot be in the future.")]
    elif held_on < intervention.started_on:
        errors["held_on"] = [_("The session cannot be before the intervention began (%(day)s).")
                             % {"day": intervention.started_on.isoformat()}]
    _duration_errors(duration_minutes, errors)
    if mode not in Session.Mode.values:
        errors["mode"] = [_("Choose how you met.")]
    if compartment not in access.compartments:
        errors["compartment"] = [_("Choose a compartment you see.")]
    if next_appointment is not None and next_appointment < held_on:
        errors["next_appointment"] = [_("The next appointment cannot be before the session.")]
    if len(notes) > TEXT_MAX:
        errors["notes"] = [_("Keep this to %(limit)d characters.") % {"limit": TEXT_MAX}]
    goal_ids = sorted(set(goal_ids or []))
    goals = list(Goal.objects.filter(intervention=intervention, pk__in=goal_ids))
    if len(goals) != len(goal_ids):
        errors["goals"] = [_("Choose goals of this intervention only.")]
    network_ids = sorted(set(network_ids or []))
    network: list[NetworkMember] = []
    if network_ids:
        person_id = intervention.case.person_id if intervention.case is not None else 0
        network = [member for member in network_of(person_id) if member.pk in network_ids]
        if len(network) != len(network_ids):
            errors["network"] = [_("Choose people from this person's network only.")]
    if errors:
        raise ValidationError(errors)
    lending = accepted_lending(intervention)
    session = Session.objects.create(
        intervention=intervention, held_on=held_on, duration_minutes=duration_minutes, mode=mode,
        with_person=with_person, family=family.strip(), professionals=professionals.strip(), notes=notes.strip(),
        compartment=compartment, next_appointment=next_appointment, lending=lending, logged_by=actor)
    if goals:
        session.goals.set(goals)
    if network:
        session.network.set(network)
    Intervention.objects.filter(pk=intervention.pk).update(version=F("version") + 1)
    _audit("intervention.session_logged", intervention, actor, purpose="case work",
           object_type="intervention.session", object_id=session.pk, compartment=compartment,
           minutes=duration_minutes, lending=lending.pk if lending else None)
    return session


# --- ending ----------------------------------------------------------------------------------------

@transaction.atomic
def end_intervention(*, access: InterventionAccess, actor: User, ended_on: date, outcome: str,
                     reason: str, expected_version: int | None = None) -> Intervention:
    """End an active intervention with an outcome and a reason; the case timeline says so. An
    accepted lending through it ends with it, and the lent mentor leaves the team. With
    expected_version, StaleEdit if the intervention changed since that version was read."""
    _require_writer(access)
    intervention = _locked(access)
    if expected_version is not None and intervention.version != expected_version:
        raise StaleEdit(intervention)
    _require_active(intervention, _("The intervention has ended already."))
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose the outcome.")]
    if not reason.strip():
        errors["reason"] = [_("Say why the intervention ends.")]
    elif len(reason) > TEXT_MAX:
        errors["reason"] = [_("Keep this to %(limit)d characters.") % {"limit": TEXT_MAX}]
    if ended_on > timezone.localdate():
        errors["ended_on"] = [_("The date cannot be in the future.")]
    elif ended_on < intervention.started_on:
        errors["ended_on"] = [_("The end cannot be before the intervention began (%(day)s).")
                              % {"day": intervention.started_on.isoformat()}]
    if errors:
        raise ValidationError(errors)
    Intervention.objects.filter(pk=intervention.pk).update(
        status=Intervention.Status.ENDED, ended_on=ended_on, outcome=outcome, outcome_reason=reason.strip(),
        version=F("version") + 1)
    intervention.refresh_from_db()
    case_access = access.case_access
    if case_access is not None and case_access.sees(Compartment.GENERAL.value):
        # The case timeline says so, in the compartment the whole team reads.
        case_services.add_note(
            access=case_access, actor=actor, compartment=Compartment.GENERAL.value,
            text=_("%(kind)s ended on %(day)s. Outcome: %(outcome)s. %(reason)s")
            % {"kind": intervention.get_kind_display(), "day": ended_on.isoformat(),
               "outcome": intervention.get_outcome_display(), "reason": reason.strip()})
    lending = accepted_lending(intervention)
    if lending is not None:
        lending_services.end(access=None, actor=actor, reason=reason.strip(), request=lending)
    _audit("intervention.ended", intervention, actor, purpose="case work", outcome=outcome,
           lending=lending.pk if lending else None)
    return intervention
