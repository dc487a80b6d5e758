"""The intervention services: starting one on a case (providers, the corps' accreditation and
capacity, treatment ages, projects), anonymous advice consultations, the plan of goals (with the
Balanced Risk Assessment's lines), sessions and ending. Each bad input of the issue is refused at
its field and nothing is written."""

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.assessments.models import InstrumentVersion
from infohus.assessments.tests.factories import make_assessment, published, small_definition
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, NetworkMember, Note, Person, TeamMember
from infohus.cases.selectors.need_to_know import CaseAccess, case_access
from infohus.cases.tests.factories import grant_break_glass, make_case, make_person
from infohus.directory.models import Project
from infohus.interventions.models import (
    AdviceFor,
    Goal,
    Intervention,
    InterventionKind,
    LendingRequest,
    Outcome,
    Session,
    TreatmentKind,
)
from infohus.interventions.selectors.access import InterventionAccess, intervention_access
from infohus.interventions.services import interventions as services
from infohus.interventions.tests.factories import make_goal, make_intervention, make_lending, make_profile

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
K = InterventionKind
BRA_FILE = Path(__file__).resolve().parents[2] / "assessments" / "instruments" / "balanced-risk-assessment.json"


def org(prefix: str) -> Organisation:
    return Organisation.objects.get(name__startswith=prefix)


def open_case(user: User, case: Case) -> CaseAccess:
    return case_access(user, case.pk, purpose="test", audit=False)


def open_intervention(user: User, intervention: Intervention) -> InterventionAccess:
    return intervention_access(user, intervention.pk, purpose="test", audit=False)


def field_errors(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    """carl's case in Aarhus, mads (mentor) and signe (psychiatry, general and health) on the team."""
    return make_case(lead=people["carl"], team={people["mads"]: "general", people["signe"]: "general,health"})


def start(people: dict[str, User], case: Case, who: str = "carl", **changes: Any) -> tuple[Intervention, list[str]]:
    access = open_case(people[who], case)
    assert access.team_member is not None
    arguments: dict[str, Any] = {"kind": K.MENTORING, "organisation": access.team_member.organisation,
                                 "provider_user": people["mads"], "started_on": TODAY}
    arguments.update(changes)
    return services.start_intervention(access=access, actor=people[who], **arguments)


def bra_version() -> InstrumentVersion:
    return published(json.loads(BRA_FILE.read_text()))


# --- starting on a case ---------------------------------------------------------------------------

def test_a_team_member_starts_an_intervention_audited_with_the_person(people: dict[str, User], case: Case) -> None:
    intervention, warnings = start(people, case, description="Weekly meetings.")

    assert warnings == []
    assert intervention.case == case and intervention.status == Intervention.Status.ACTIVE
    assert intervention.provider_user == people["mads"] and intervention.organisation == org("Aarhus")
    event = AuditEvent.objects.get(action="intervention.started")
    assert event.person_id == str(case.person_id) and event.object_id == str(intervention.pk)


def test_break_the_glass_reads_but_cannot_start(people: dict[str, User], case: Case) -> None:
    grant_break_glass(case, people["ida"])
    access = open_case(people["ida"], case)

    with pytest.raises(PermissionDenied):
        services.start_intervention(access=access, actor=people["ida"], kind=K.MENTORING,
                                    organisation=org("Østjyllands"), provider_user=people["mads"], started_on=TODAY)
    assert not Intervention.objects.exists()


def test_a_closed_case_takes_no_intervention(people: dict[str, User], case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)

    with pytest.raises(ValidationError, match="closed"):
        start(people, case)


def test_a_provider_is_required(people: dict[str, User], case: Case) -> None:
    with pytest.raises(ValidationError) as error:
        start(people, case, provider_user=None)

    assert "Choose who provides the intervention" in field_errors(error)["provider_user"][0]


def test_a_mentor_without_the_method_training_is_refused_at_the_provider(people: dict[str, User],
                                                                         case: Case) -> None:
    make_profile(people["mads"], accredited_on=None, accreditation_expires_on=None)

    with pytest.raises(ValidationError) as error:
        start(people, case)

    assert field_errors(error)["provider_user"] == ["Mads Kjærholm has not completed the method training."]
    assert not Intervention.objects.exists()


def test_a_mentor_whose_accreditation_expired_is_refused(people: dict[str, User], case: Case) -> None:
    expired = TODAY - timedelta(days=3)
    make_profile(people["mads"], accreditation_expires_on=expired)

    with pytest.raises(ValidationError) as error:
        start(people, case)

    assert "The accreditation of Mads Kjærholm expired on" in field_errors(error)["provider_user"][0]


def test_a_mentor_at_full_capacity_is_refused(people: dict[str, User], case: Case) -> None:
    make_profile(people["mads"], capacity=1)
    make_intervention(case=make_case(lead=people["carl"]), provider_user=people["mads"])

    with pytest.raises(ValidationError) as error:
        start(people, case)

    assert field_errors(error)["provider_user"] == ["Mads Kjærholm is at full capacity (1 of 1 courses)."]


def test_accreditation_and_capacity_concern_courses_only(people: dict[str, User], case: Case) -> None:
    make_profile(people["mads"], accredited_on=None, accreditation_expires_on=None)

    intervention, _warnings = start(people, case, kind=K.CONCERN_CONVERSATION)

    assert intervention.kind == K.CONCERN_CONVERSATION


def test_a_corps_member_of_the_municipality_joins_the_team_when_the_lead_starts(people: dict[str, User]) -> None:
    case = make_case(lead=people["carl"])
    make_profile(people["mads"])

    start(people, case)

    member = TeamMember.objects.get(case=case, user=people["mads"])
    assert member.is_active and member.compartments == "general"


def test_only_a_case_manager_brings_a_new_corps_member_onto_the_team(people: dict[str, User], case: Case) -> None:
    nora = User.objects.create_user("nora", first_name="Nora", last_name="Bech")
    Membership.objects.create(user=nora, organisation=org("Aarhus"), role=Role.MENTOR)
    make_profile(nora, org("Aarhus"))

    with pytest.raises(ValidationError) as error:
        start(people, case, who="mads", provider_user=nora)

    assert "Only the case lead or a case manager" in field_errors(error)["provider_user"][0]
    assert not TeamMember.objects.filter(case=case, user=nora).exists()


def test_someone_off_the_team_and_outside_the_corps_cannot_provide(people: dict[str, User], case: Case) -> None:
    with pytest.raises(ValidationError) as error:
        start(people, case, provider_user=people["otto"])

    assert "is not on the case team" in field_errors(error)["provider_user"][0]


def test_an_organisation_alone_may_provide(people: dict[str, User], case: Case) -> None:
    intervention, _warnings = start(people, case, kind=K.STREET_WORK, provider_user=None,
                                    provider_organisation=org("Foreningen"))

    assert intervention.provider_organisation == org("Foreningen")


def test_a_start_more_than_a_year_ahead_or_before_the_case_is_refused(people: dict[str, User], case: Case) -> None:
    with pytest.raises(ValidationError) as ahead:
        start(people, case, started_on=TODAY + timedelta(days=366))
    with pytest.raises(ValidationError) as before:
        start(people, case, started_on=TODAY - timedelta(days=1))

    assert field_errors(ahead)["started_on"] == ["The start cannot be more than a year ahead."]
    assert "before the case was opened" in field_errors(before)["started_on"][0]
    intervention, _warnings = start(people, case, started_on=TODAY + timedelta(days=30))
    assert intervention.started_on == TODAY + timedelta(days=30)


def test_an_advice_consultation_may_be_recorded_on_a_case(people: dict[str, User], case: Case) -> None:
    intervention, _warnings = start(people, case, kind=K.ADVICE_CONSULTATION)

    assert intervention.case == case and not intervention.anonymous


# --- treatment referrals and projects -------------------------------------------------------------

def _aged(years: int) -> date:
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=1)


def test_a_treatment_referral_needs_the_kind_of_treatment(people: dict[str, User], case: Case) -> None:
    with pytest.raises(ValidationError) as error:
        start(people, case, kind=K.TREATMENT_REFERRAL, provider_user=None, provider_organisation=org("Psykiatrien"))

    assert field_errors(error)["treatment"] == ["Choose the kind of treatment."]


@pytest.mark.parametrize(("years", "warned"), [(17, True), (18, False), (25, False), (34, False), (35, True)])
def test_a_treatment_referral_outside_18_to_34_is_warned_not_blocked(people: dict[str, User], years: int,
                                                                     warned: bool) -> None:
    case = make_case(lead=people["carl"], person=make_person(birth_date=_aged(years)))

    intervention, warnings = start(people, case, kind=K.TREATMENT_REFERRAL, provider_user=None,
                                   provider_organisation=org("Psykiatrien"), treatment=TreatmentKind.MOTIVATIONAL)

    assert intervention.pk and intervention.treatment == TreatmentKind.MOTIVATIONAL
    if warned:
        assert warnings == [f"The person will be {years} at the start. The treatment programme is for "
                            "18–34-year-olds; the referral is recorded all the same."]
    else:
        assert warnings == []


def test_a_treatment_referral_for_an_unknown_age_is_warned(people: dict[str, User], case: Case) -> None:
    Person.objects.filter(pk=case.person_id).update(birth_date=None)
    case.person.refresh_from_db()

    _intervention, warnings = start(people, case, kind=K.TREATMENT_REFERRAL, provider_user=None,
                                    provider_organisation=org("Psykiatrien"),
                                    treatment=TreatmentKind.PROLONGED_EXPOSURE)

    assert warnings == ["The person's age is not known. The treatment programme is for 18–34-year-olds."]


def test_a_project_referral_needs_a_published_project(people: dict[str, User], case: Case) -> None:
    hidden = Project.objects.create(title="Hidden", slug="hidden", is_published=False)
    shown = Project.objects.create(title="Exit Aarhus", slug="exit-aarhus")

    with pytest.raises(ValidationError) as missing:
        start(people, case, kind=K.PROJECT_REFERRAL, provider_user=None, provider_organisation=org("Aarhus"))
    with pytest.raises(ValidationError) as unpublished:
        start(people, case, kind=K.PROJECT_REFERRAL, provider_user=None, provider_project=hidden)
    intervention, _warnings = start(people, case, kind=K.PROJECT_REFERRAL, provider_user=None, provider_project=shown)

    assert "needs the project" in field_errors(missing)["provider_project"][0]
    assert "published" in field_errors(unpublished)["provider_project"][0]
    assert intervention.provider_project == shown


# --- advice consultations -------------------------------------------------------------------------

def test_an_anonymous_advice_consultation_holds_no_person_and_no_case(people: dict[str, User]) -> None:
    people_before, cases_before = Person.objects.count(), Case.objects.count()

    intervention = services.start_advice_consultation(
        actor=people["mads"], organisation=org("Aarhus"), advice_for=AdviceFor.NEXT_OF_KIN, held_on=TODAY,
        duration_minutes=45, notes="A mother called, worried about her son.")

    assert (Person.objects.count(), Case.objects.count()) == (people_before, cases_before)
    assert intervention.case is None and intervention.anonymous
    assert intervention.kind == K.ADVICE_CONSULTATION and intervention.provider_user == people["mads"]
    assert intervention.status == Intervention.Status.ENDED and intervention.outcome == Outcome.ADVICE_GIVEN
    assert intervention.ended_on == TODAY
    session = Session.objects.get(intervention=intervention)
    assert session.duration_minutes == 45 and session.notes == "A mother called, worried about her son."
    assert AuditEvent.objects.get(action="intervention.advice_recorded").person_id == ""


def test_advice_is_recorded_only_for_an_organisation_one_works_in(people: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        services.start_advice_consultation(actor=people["mads"], organisation=org("Randers"),
                                           advice_for=AdviceFor.PROFESSIONAL, held_on=TODAY, duration_minutes=30)
    with pytest.raises(PermissionDenied):
        services.start_advice_consultation(actor=people["kamal"], organisation=org("Aarhus"),
                                           advice_for=AdviceFor.PROFESSIONAL, held_on=TODAY, duration_minutes=30)


def test_advice_that_is_not_anonymous_is_recorded_on_a_case_of_the_team(people: dict[str, User], case: Case) -> None:
    with pytest.raises(ValidationError) as error:
        services.start_advice_consultation(actor=people["carl"], organisation=org("Aarhus"),
                                           advice_for=AdviceFor.PROFESSIONAL, held_on=TODAY, duration_minutes=30,
                                           anonymous=False)
    intervention = services.start_advice_consultation(
        actor=people["carl"], organisation=org("Aarhus"), advice_for=AdviceFor.PROFESSIONAL, held_on=TODAY,
        duration_minutes=30, anonymous=False, case_access=open_case(people["carl"], case))

    assert "case" in field_errors(error)
    assert intervention.case == case and not intervention.anonymous
    assert AuditEvent.objects.get(action="intervention.advice_recorded").person_id == str(case.person_id)


@pytest.mark.parametrize("minutes", [0, 1441])
def test_an_advice_consultation_of_no_length_or_over_24_hours_is_refused(people: dict[str, User],
                                                                         minutes: int) -> None:
    with pytest.raises(ValidationError) as error:
        services.start_advice_consultation(actor=people["mads"], organisation=org("Aarhus"),
                                           advice_for=AdviceFor.PROFESSIONAL, held_on=TODAY,
                                           duration_minutes=minutes)

    assert "duration_minutes" in field_errors(error)
    assert not Intervention.objects.exists()


# --- goals ----------------------------------------------------------------------------------------

@pytest.fixture
def mentoring(people: dict[str, User], case: Case) -> Intervention:
    return make_intervention(case=case, provider_user=people["mads"], started_on=TODAY - timedelta(days=20))


def add_goal(people: dict[str, User], intervention: Intervention, who: str = "mads", **changes: Any) -> Goal:
    arguments: dict[str, Any] = {"what": "Goes to school every day.", "by_when": TODAY + timedelta(days=60),
                                 "how_we_know": "The school reports absence monthly."}
    arguments.update(changes)
    return services.add_goal(access=open_intervention(people[who], intervention), actor=people[who], **arguments)


def test_a_goal_has_what_by_when_and_how_we_know(people: dict[str, User], mentoring: Intervention) -> None:
    goal = add_goal(people, mentoring)

    assert goal.status == Goal.Status.OPEN and goal.by_when == TODAY + timedelta(days=60)
    assert AuditEvent.objects.get(action="intervention.goal_added").person_id == str(mentoring.case.person_id)


def test_a_goal_without_a_target_date_is_refused_at_the_field(people: dict[str, User],
                                                              mentoring: Intervention) -> None:
    with pytest.raises(ValidationError) as error:
        add_goal(people, mentoring, by_when=None)

    assert field_errors(error)["by_when"] == [
        "Give the goal a target date: a goal without a date cannot be followed up."]
    assert not Goal.objects.exists()


def test_a_goal_may_carry_on_a_line_of_a_signed_balanced_risk_assessment(people: dict[str, User], case: Case,
                                                                         mentoring: Intervention) -> None:
    bra = make_assessment(version=bra_version(), author=people["carl"], case=case, signed=True,
                          answers={"goals": ["Back in school"], "next-steps": ["Meet the teacher"]})

    goal = add_goal(people, mentoring, from_assessment=bra.pk)

    assert goal.from_assessment == bra


@pytest.mark.parametrize("which", ["draft", "other case", "other instrument", "health compartment"])
def test_a_goal_carries_on_only_a_signed_readable_bra_of_the_same_case(people: dict[str, User], case: Case,
                                                                       mentoring: Intervention, which: str) -> None:
    version = bra_version()
    kwargs: dict[str, Any] = {"version": version, "author": people["carl"], "case": case, "signed": True}
    if which == "draft":
        kwargs["signed"] = False
    elif which == "other case":
        kwargs["case"] = make_case(lead=people["carl"], team={people["mads"]: "general"})
    elif which == "other instrument":
        kwargs["version"] = published(small_definition())
    else:
        kwargs["compartment"] = "health"
    assessment = make_assessment(**kwargs)

    with pytest.raises(ValidationError) as error:
        add_goal(people, mentoring, from_assessment=assessment.pk)

    assert "from_assessment" in field_errors(error)
    assert not Goal.objects.exists()


def test_an_ended_intervention_takes_no_new_goal(people: dict[str, User], case: Case) -> None:
    ended = make_intervention(case=case, provider_user=people["mads"], status=Intervention.Status.ENDED)

    with pytest.raises(ValidationError, match="ended"):
        add_goal(people, ended)


def test_break_the_glass_cannot_write_goals(people: dict[str, User], mentoring: Intervention, case: Case) -> None:
    grant_break_glass(case, people["ida"])

    with pytest.raises(PermissionDenied):
        add_goal(people, mentoring, who="ida")


def test_a_goal_status_is_updated_and_only_on_its_own_intervention(people: dict[str, User], case: Case,
                                                                   mentoring: Intervention) -> None:
    goal = make_goal(mentoring)
    other = make_goal(make_intervention(case=case, provider_user=people["mads"]))
    access = open_intervention(people["carl"], mentoring)

    services.update_goal(access=access, actor=people["carl"], goal=goal, status=Goal.Status.ACHIEVED)
    with pytest.raises(PermissionDenied):
        services.update_goal(access=access, actor=people["carl"], goal=other, status=Goal.Status.DROPPED)

    goal.refresh_from_db()
    other.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED and other.status == Goal.Status.OPEN


# --- sessions -------------------------------------------------------------------------------------

def log(people: dict[str, User], intervention: Intervention, who: str = "mads", **changes: Any) -> Session:
    arguments: dict[str, Any] = {"held_on": TODAY, "duration_minutes": 60, "notes": "A good talk about school."}
    arguments.update(changes)
    return services.log_session(access=open_intervention(people[who], intervention), actor=people[who],
                                **arguments)


def test_a_session_is_logged_with_who_took_part_goals_and_next_appointment(people: dict[str, User], case: Case,
                                                                           mentoring: Intervention) -> None:
    goal = make_goal(mentoring)
    brother = NetworkMember.objects.create(person=case.person, name="Ali", relation="brother")

    session = log(people, mentoring, family="Mother", network_ids=[brother.pk], professionals="Teacher",
                  goal_ids=[goal.pk], next_appointment=TODAY + timedelta(days=7), mode=Session.Mode.WALK)

    assert list(session.goals.all()) == [goal] and list(session.network.all()) == [brother]
    assert session.lending is None and session.logged_by == people["mads"]
    event = AuditEvent.objects.get(action="intervention.session_logged")
    assert event.person_id == str(case.person_id) and "school" not in json.dumps(event.details)


def test_a_session_before_the_intervention_began_is_refused(people: dict[str, User],
                                                            mentoring: Intervention) -> None:
    with pytest.raises(ValidationError) as error:
        log(people, mentoring, held_on=mentoring.started_on - timedelta(days=1))

    assert "before the intervention began" in field_errors(error)["held_on"][0]
    assert not Session.objects.exists()


def test_a_session_in_the_future_is_refused(people: dict[str, User], mentoring: Intervention) -> None:
    with pytest.raises(ValidationError) as error:
        log(people, mentoring, held_on=TODAY + timedelta(days=1))

    assert field_errors(error)["held_on"] == ["The date cannot be in the future."]


@pytest.mark.parametrize("minutes", [0, 1441, 3000])
def test_a_duration_of_nothing_or_over_24_hours_is_refused(people: dict[str, User], mentoring: Intervention,
                                                           minutes: int) -> None:
    with pytest.raises(ValidationError) as error:
        log(people, mentoring, duration_minutes=minutes)

    assert "duration_minutes" in field_errors(error)
    assert not Session.objects.exists()


def test_a_session_of_exactly_24_hours_is_accepted(people: dict[str, User], mentoring: Intervention) -> None:
    assert log(people, mentoring, duration_minutes=1440).duration_minutes == 1440


def test_notes_go_only_in_a_compartment_the_writer_sees(people: dict[str, User], mentoring: Intervention) -> None:
    with pytest.raises(ValidationError) as error:
        log(people, mentoring, compartment="health")

    assert field_errors(error)["compartment"] == ["Choose a compartment you see."]
    assert log(people, mentoring, who="signe", compartment="health").compartment == "health"


def test_goals_and_network_of_elsewhere_are_refused(people: dict[str, User], case: Case,
                                                    mentoring: Intervention) -> None:
    other_goal = make_goal(make_intervention(case=case, provider_user=people["mads"]))
    stranger = NetworkMember.objects.create(person=make_person("Else", "Andensen"), name="Bo", relation="father")

    with pytest.raises(ValidationError) as error:
        log(people, mentoring, goal_ids=[other_goal.pk], network_ids=[stranger.pk])

    assert set(field_errors(error)) == {"goals", "network"}


def test_the_next_appointment_cannot_be_before_the_session(people: dict[str, User],
                                                           mentoring: Intervention) -> None:
    with pytest.raises(ValidationError) as error:
        log(people, mentoring, held_on=TODAY - timedelta(days=2), next_appointment=TODAY - timedelta(days=3))

    assert field_errors(error)["next_appointment"] == ["The next appointment cannot be before the session."]


def test_an_ended_intervention_takes_no_session(people: dict[str, User], case: Case) -> None:
    ended = make_intervention(case=case, provider_user=people["mads"], status=Intervention.Status.ENDED)

    with pytest.raises(ValidationError, match="no more sessions"):
        log(people, ended)


def lent(people: dict[str, User], case: Case) -> LendingRequest:
    """otto lent from Randers to carl's case, on the team in the general compartment."""
    request = make_lending(case=case, lending_organisation=org("Randers"), status=LendingRequest.Status.ACCEPTED,
                           offered_mentor=make_profile(people["otto"], org("Randers")))
    TeamMember.objects.create(case=case, user=people["otto"], organisation=org("Randers"), role=Role.MENTOR,
                              compartments="general")
    return request


def test_a_lent_mentors_session_counts_for_the_lending(people: dict[str, User], case: Case) -> None:
    request = lent(people, case)
    assert request.intervention is not None

    session = log(people, request.intervention, who="otto")

    assert session.lending == request


# --- ending ---------------------------------------------------------------------------------------

def end(people: dict[str, User], intervention: Intervention, who: str = "carl", **changes: Any) -> Intervention:
    arguments: dict[str, Any] = {"ended_on": TODAY, "outcome": Outcome.GOALS_MET,
                                 "reason": "Back in school and has a job."}
    arguments.update(changes)
    return services.end_intervention(access=open_intervention(people[who], intervention), actor=people[who],
                                     **arguments)


def test_ending_records_outcome_and_reason_and_the_timeline_shows_it(people: dict[str, User], case: Case,
                                                                     mentoring: Intervention) -> None:
    ended = end(people, mentoring)

    assert ended.status == Intervention.Status.ENDED and ended.ended_on == TODAY
    assert ended.outcome == Outcome.GOALS_MET and ended.outcome_reason == "Back in school and has a job."
    note = Note.objects.get(case=case)
    assert note.compartment == "general" and "Mentoring ended on" in note.text and "Goals met" in note.text
    assert AuditEvent.objects.get(action="intervention.ended").person_id == str(case.person_id)


def test_ending_needs_a_reason_and_a_date_after_the_start(people: dict[str, User],
                                                          mentoring: Intervention) -> None:
    with pytest.raises(ValidationError) as error:
        end(people, mentoring, reason="  ", ended_on=mentoring.started_on - timedelta(days=1))

    assert set(field_errors(error)) == {"reason", "ended_on"}
    mentoring.refresh_from_db()
    assert mentoring.status == Intervention.Status.ACTIVE


def test_an_intervention_ends_once(people: dict[str, User], mentoring: Intervention) -> None:
    end(people, mentoring)

    with pytest.raises(ValidationError, match="ended already"):
        end(people, mentoring)


def test_ending_ends_the_lending_and_the_lent_mentor_leaves_the_team(people: dict[str, User], case: Case) -> None:
    request = lent(people, case)
    assert request.intervention is not None

    end(people, request.intervention)

    request.refresh_from_db()
    assert request.status == LendingRequest.Status.ENDED and request.end_reason == "Back in school and has a job."
    assert not TeamMember.objects.get(case=case, user=people["otto"]).is_active


def test_break_the_glass_cannot_end(people: dict[str, User], case: Case, mentoring: Intervention) -> None:
    grant_break_glass(case, people["ida"])

    with pytest.raises(PermissionDenied):
        end(people, mentoring, who="ida")

