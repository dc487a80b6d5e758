"""`manage.py demo_interventions`: the mentor corps, a course of mentoring on the demo case, an
anonymous advice consultation and a lending request, made through the services (so audited),
made once, never in production."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from infohus.accounts.models import User
from infohus.accounts.tests.test_demo import PRODUCTION, _run
from infohus.assessments.demo import demo_case
from infohus.audit.models import AuditEvent
from infohus.cases.models import Person, TeamMember
from infohus.interventions.models import (
    CoachPairing,
    Goal,
    Intervention,
    LendingRequest,
    MentorProfile,
    Session,
    Supervision,
)
from infohus.interventions.selectors.access import intervention_access
from infohus.interventions.services.corps import accreditation, reasons_not_assignable

pytestmark = pytest.mark.django_db

MODELS = (MentorProfile, CoachPairing, Supervision, Intervention, Goal, Session, LendingRequest, Person, AuditEvent)


def _command(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in MODELS)


def _desk(*, assessments: bool = True) -> None:
    _command("demo")
    _command("demo_desk")
    _command("demo_training")  # mads and otto's accreditation is their method training run
    if assessments:
        _command("load_instruments")
        _command("demo_assessments")


def test_demo_interventions_are_made_once_through_the_services() -> None:
    _desk()
    people = Person.objects.count()

    assert "course of mentoring on the demo case" in _command("demo_interventions")
    first = _counts()
    assert "already present" in _command("demo_interventions")

    assert _counts() == first  # idempotent: nothing added, not even an audit row
    assert MentorProfile.objects.count() == 4
    assert CoachPairing.objects.count() == 2 and Supervision.objects.count() == 2
    assert Intervention.objects.count() == 2  # the course of mentoring and the advice consultation
    assert Goal.objects.count() == 3
    assert Session.objects.count() == 4 + 1  # the advice consultation is one session
    assert LendingRequest.objects.count() == 1
    assert Person.objects.count() == people  # the anonymous advice holds no person
    # Every write went through the audited services.
    audited = {action: AuditEvent.objects.filter(action=action).count() for action in (
        "mentor_profile.created", "coach_pairing.created", "supervision.logged", "intervention.started",
        "intervention.goal_added", "intervention.session_logged", "intervention.advice_recorded", "lending.sent")}
    assert audited == {"mentor_profile.created": 4, "coach_pairing.created": 2, "supervision.logged": 2,
                       "intervention.started": 1, "intervention.goal_added": 3, "intervention.session_logged": 4,
                       "intervention.advice_recorded": 1, "lending.sent": 1}


def test_the_register_holds_the_four_demo_members() -> None:
    _desk(assessments=False)
    _command("demo_interventions")

    profiles = {p.user.username: p for p in MentorProfile.objects.select_related("user", "home_municipality")}
    mads, otto, pia, morten = profiles["mads"], profiles["otto"], profiles["pia"], profiles["morten"]
    assert mads.home_municipality.name.startswith("Aarhus") and mads.corps_role == "mentor"
    assert (mads.languages, mads.age_groups, mads.capacity) == ("da,ar", "young,young_adults", 3)
    assert set(mads.extremism_kinds.split(",")) == {"religious", "right_wing"}
    held = accreditation(mads)
    assert held.from_training and held.completed_on is not None and mads.accredited_on is None
    assert otto.home_municipality.name.startswith("Randers") and otto.prison_work and otto.languages == "da,en"
    assert (otto.capacity, reasons_not_assignable(otto)) == (2, [])
    assert pia.home_municipality.name.startswith("Odder") and pia.corps_role == "parent_coach"
    assert (pia.languages, pia.capacity) == ("da,so", 2) and pia.accredited_on is not None
    assert morten.corps_role == "mentor_coach" and morten.home_municipality.name.startswith("Aarhus")
    coached = set(CoachPairing.objects.filter(coach=morten.user).values_list("mentor__user__username", flat=True))
    assert coached == {"mads", "otto"}
    assert set(Supervision.objects.values_list("mentor__user__username", flat=True)) == {"mads", "otto"}


def test_the_course_of_mentoring_on_the_demo_case() -> None:
    _desk()
    _command("demo_interventions")

    case = demo_case()
    assert case is not None
    mentoring = Intervention.objects.get(case=case, kind="mentoring")
    mads = User.objects.get(username="mads")
    assert mentoring.provider_user == mads and mentoring.status == "active"
    goals = list(mentoring.goals.all())
    assert len(goals) == 3 and all(g.by_when and g.how_we_know for g in goals)
    linked = [g for g in goals if g.from_assessment_id is not None]
    assert len(linked) == 1
    assert linked[0].from_assessment is not None and linked[0].from_assessment.case_id == case.pk
    sessions = list(mentoring.sessions.order_by("held_on"))
    today = timezone.localdate()
    assert len(sessions) == 4
    assert all(mentoring.started_on <= s.held_on <= today for s in sessions)
    assert (sessions[-1].held_on - sessions[0].held_on).days >= 60
    assert sessions[-1].next_appointment is not None and sessions[-1].next_appointment > today
    # The mentor reads it through the need-to-know.
    assert intervention_access(mads, mentoring.pk, purpose="test").intervention == mentoring


def test_without_the_assessments_demo_the_goals_stand_on_their_own() -> None:
    _desk(assessments=False)
    _command("demo_interventions")

    assert Goal.objects.count() == 3
    assert not Goal.objects.filter(from_assessment__isnull=False).exists()


def test_the_advice_is_anonymous_and_the_lending_request_waits_for_randers() -> None:
    _desk(assessments=False)
    _command("demo_interventions")

    advice = Intervention.objects.get(kind="advice_consultation")
    assert advice.case is None and advice.anonymous and advice.advice_for == "next_of_kin"
    request = LendingRequest.objects.select_related("requesting_organisation", "lending_organisation").get()
    assert request.status == LendingRequest.Status.SENT
    assert request.requesting_organisation.name.startswith("Aarhus")
    assert request.lending_organisation.name.startswith("Randers")
    assert request.needs["languages"] == ["en"] and request.needs["prison_work"] is True
    assert request.case == demo_case()
    # Nobody of Randers is on the case before an offer is accepted.
    assert not TeamMember.objects.filter(case=request.case, user__username="otto").exists()


def test_without_the_demo_desk_it_says_what_to_run() -> None:
    _command("demo")

    with pytest.raises(CommandError, match="demo_desk"):
        _command("demo_interventions")
    assert not MentorProfile.objects.exists()


def test_demo_interventions_refuse_in_production() -> None:
    result = _run("demo_interventions", **PRODUCTION)

    assert result.returncode != 0
    assert "never runs with INFOHUS_ENV=production" in result.stderr
    assert "Traceback" not in result.stderr
