"""services/lending.py: every step of a lending and every refusal.

Aarhus (carl leads the case) borrows from Randers (rita answers; otto is Randers's mentor). Each
refusal changes nothing. Two people accepting one offer at the same moment make one assignment
(PostgreSQL, where the row lock is real). Once accepted, otto reaches that case alone and its
general compartment only; ending the lending, by either side, takes him off the team.
"""

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, TeamMember
from infohus.cases.selectors.need_to_know import case_access, cases_visible_to
from infohus.cases.tests.factories import make_case, make_note, make_person
from infohus.interventions.models import (
    CorpsRole,
    Intervention,
    InterventionKind,
    LendingRequest,
    MentorProfile,
)
from infohus.interventions.selectors.access import LendingAccess, intervention_access, lending_access
from infohus.interventions.services import lending
from infohus.interventions.tests.factories import make_intervention, make_lending, make_profile

pytestmark = pytest.mark.django_db
S = LendingRequest.Status
TODAY = timezone.localdate()


def org(prefix: str) -> Organisation:
    return Organisation.objects.get(name__startswith=prefix)


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    return make_case(lead=people["carl"], person=make_person("Yusuf", "Kilde", identifier="1203041234"),
                     team={people["mads"]: "general"})


@pytest.fixture
def otto(people: dict[str, User]) -> MentorProfile:
    return make_profile(people["otto"], languages="da,ar,en", prison_work=True)


def as_side(user: User, request: LendingRequest) -> LendingAccess:
    return lending_access(user, request.pk, purpose="test")


def send(people: dict[str, User], case: Case, **overrides: Any) -> LendingRequest:
    access = case_access(people["carl"], case.pk, purpose="test")
    arguments: dict[str, Any] = {
        "access": access, "actor": people["carl"], "requesting_organisation": org("Aarhus"),
        "lending_organisation": org("Randers"), "needs": {"languages": ["ar"], "prison_work": True},
        "summary": "A young man, soon released, needs a mentor who speaks Arabic."}
    arguments.update(overrides)
    return lending.send_request(**arguments)


def offered(case: Case, mentor: MentorProfile, **fields: Any) -> LendingRequest:
    return make_lending(case=case, lending_organisation=org("Randers"), status=S.OFFERED, offered_mentor=mentor,
                        **fields)


def accept(people: dict[str, User], request: LendingRequest, who: str = "carl") -> LendingRequest:
    user = people[who]
    return lending.accept(access=as_side(user, request), case_access=case_access(user, request.case_id, purpose="t"),
                          actor=user)


def unchanged(request: LendingRequest, status: str) -> None:
    request.refresh_from_db()
    assert request.status == status


# --- sending -----------------------------------------------------------------------------------------

def test_a_request_carries_the_cleaned_needs_and_is_audited_with_the_person(people: dict[str, User],
                                                                          case: Case) -> None:
    request = send(people, case, needs={"languages": ["ar"], "age_group": "", "gender": None, "prison_work": True},
                   corps_role=CorpsRole.MENTOR, hours_per_month=6)
    assert request.status == S.SENT
    assert request.reference == f"L-{timezone.now().year}-000001"
    assert request.needs == {"languages": ["ar"], "prison_work": True}
    assert (request.requesting_organisation, request.lending_organisation) == (org("Aarhus"), org("Randers"))
    assert (request.hours_per_month, request.sent_by) == (6, people["carl"])
    event = AuditEvent.objects.get(action="lending.sent")
    assert event.person_id == str(case.person_id) and event.object_id == str(request.pk)


def test_a_request_to_ones_own_municipality_is_refused_at_the_field(people: dict[str, User], case: Case) -> None:
    with pytest.raises(ValidationError) as refused:
        send(people, case, lending_organisation=org("Aarhus"))
    assert refused.value.message_dict == {
        "lending_organisation": ["A municipality cannot borrow from itself. Choose another municipality."]}
    assert not LendingRequest.objects.exists()


@pytest.mark.parametrize("change, field, message", [
    ({"lending_organisation": "Psykiatrien"}, "lending_organisation", "Mentors are lent by municipalities."),
    ({"summary": "   "}, "summary", "Describe what the work is about"),
    ({"corps_role": CorpsRole.MENTOR_COACH}, "corps_role", "Ask for a mentor or a parent or relative coach."),
    ({"requesting_organisation": "Odder"}, None, "sent by the municipality that owns the case"),
    ({"needs": {"religion": "x"}}, None, "Unknown needs: religion."),
])
def test_bad_requests_are_refused(people: dict[str, User], case: Case, change: dict[str, Any], field: str | None,
                                  message: str) -> None:
    values = {key: org(value) if key.endswith("organisation") else value for key, value in change.items()}
    with pytest.raises(ValidationError) as refused:
        send(people, case, **values)
    messages = refused.value.message_dict[field] if field else refused.value.messages
    assert any(message in m for m in messages), messages
    assert not LendingRequest.objects.exists()


def test_only_a_case_manager_may_ask_and_not_on_a_closed_case(people: dict[str, User], case: Case) -> None:
    with pytest.raises(PermissionDenied):
        send(people, case, access=case_access(people["mads"], case.pk, purpose="test"), actor=people["mads"])
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    with pytest.raises(ValidationError, match="The case is closed"):
        send(people, case)
    assert not LendingRequest.objects.exists()


# --- offering and declining -----------------------------------------------------------------------------

def test_the_lending_side_offers_one_of_its_mentors(people: dict[str, User], case: Case, otto: MentorProfile) -> None:
    request = send(people, case)
    result = lending.offer(access=as_side(people["rita"], request), actor=people["rita"], mentor=otto)
    assert (result.status, result.offered_mentor, result.answered_by) == (S.OFFERED, otto, people["rita"])
    assert AuditEvent.objects.filter(action="lending.offered", object_id=str(request.pk), person_id="").exists()


def _full(people: dict[str, User], otto: MentorProfile, case: Case) -> MentorProfile:
    MentorProfile.objects.filter(pk=otto.pk).update(capacity=1)
    make_intervention(case=make_case(lead=people["rita"]), provider_user=people["otto"])
    otto.refresh_from_db()
    return otto


def _untrained(people: dict[str, User], otto: MentorProfile, case: Case) -> MentorProfile:
    MentorProfile.objects.filter(pk=otto.pk).update(accredited_on=None, accreditation_expires_on=None)
    otto.refresh_from_db()
    return otto


def _expired(people: dict[str, User], otto: MentorProfile, case: Case) -> MentorProfile:
    MentorProfile.objects.filter(pk=otto.pk).update(accreditation_expires_on=TODAY - timedelta(days=1))
    otto.refresh_from_db()
    return otto


def _of_aarhus(people: dict[str, User], otto: MentorProfile, case: Case) -> MentorProfile:
    return make_profile(people["mads"])


def _parent_coach(people: dict[str, User], otto: MentorProfile, case: Case) -> MentorProfile:
    Membership.objects.create(user=people["pia"], organisation=org("Randers"), role=Role.PARENT_COACH)
    return make_profile(people["pia"], municipality=org("Randers"), corps_role=CorpsRole.PARENT_COACH)


def _without_membership(people: dict[str, User], otto: MentorProfile, case: Case) -> MentorProfile:
    Membership.objects.filter(user=people["otto"]).update(is_active=False)
    return otto


@pytest.mark.parametrize("mentor, message", [
    (_full, "Otto Rimmen is at full capacity (1 of 1 courses)."),
    (_untrained, "Otto Rimmen has not completed the method training."),
    (_expired, "The accreditation of Otto Rimmen expired on"),
    (_of_aarhus, "Offer a mentor from your own municipality."),
    (_parent_coach, "The request asks for: Mentor. Pia Søgaard is: Parent or relative coach."),
    (_without_membership, "Otto Rimmen has no active membership of the lending municipality"),
], ids=["full capacity", "no accreditation", "expired accreditation", "another municipality", "wrong role",
        "no membership"])
def test_a_mentor_who_cannot_be_assigned_is_refused_at_the_field(
        people: dict[str, User], case: Case, otto: MentorProfile,
        mentor: Callable[[dict[str, User], MentorProfile, Case], MentorProfile], message: str) -> None:
    request = send(people, case)
    with pytest.raises(ValidationError) as refused:
        lending.offer(access=as_side(people["rita"], request), actor=people["rita"], mentor=mentor(people, otto, case))
    assert any(m.startswith(message) for m in refused.value.message_dict["mentor"]), refused.value.message_dict
    unchanged(request, S.SENT)


def test_an_offer_on_a_request_answered_meanwhile_is_refused(people: dict[str, User], case: Case,
                                                              otto: MentorProfile) -> None:
    request = send(people, case)
    rita = as_side(people["rita"], request)
    lending.decline(access=as_side(people["rita"], request), actor=people["rita"], reason="Nobody speaks Arabic.")
    with pytest.raises(ValidationError, match=r"no longer waiting for an answer \(it is now: Declined\)"):
        lending.offer(access=rita, actor=people["rita"], mentor=otto)
    unchanged(request, S.DECLINED)


def test_each_side_takes_only_its_own_steps(people: dict[str, User], case: Case, otto: MentorProfile) -> None:
    request = send(people, case)
    carl, rita = as_side(people["carl"], request), as_side(people["rita"], request)
    with pytest.raises(PermissionDenied):
        lending.offer(access=carl, actor=people["carl"], mentor=otto)
    with pytest.raises(PermissionDenied):
        lending.decline(access=carl, actor=people["carl"], reason="No.")
    with pytest.raises(PermissionDenied):
        lending.withdraw(access=rita, actor=people["rita"])
    offered_request = offered(case, otto)
    with pytest.raises(PermissionDenied):
        lending.accept(access=as_side(people["rita"], offered_request),
                       case_access=case_access(people["carl"], case.pk, purpose="t"), actor=people["rita"])
    unchanged(request, S.SENT)
    unchanged(offered_request, S.OFFERED)


def test_declining_needs_a_reason_and_takes_back_an_offer(people: dict[str, User], case: Case,
                                                           otto: MentorProfile) -> None:
    request = offered(case, otto)
    with pytest.raises(ValidationError) as refused:
        lending.decline(access=as_side(people["rita"], request), actor=people["rita"], reason="  ")
    assert "reason" in refused.value.message_dict
    unchanged(request, S.OFFERED)
    result = lending.decline(access=as_side(people["rita"], request), actor=people["rita"],
                             reason="Otto is needed at home after all.")
    assert (result.status, result.offered_mentor, result.decline_reason) == (
        S.DECLINED, None, "Otto is needed at home after all.")


# --- withdrawing and accepting ------------------------------------------------------------------------

def test_the_borrowing_side_withdraws_a_request_not_yet_accepted(people: dict[str, User], case: Case,
                                                                  otto: MentorProfile) -> None:
    request = offered(case, otto)
    assert lending.withdraw(access=as_side(people["carl"], request), actor=people["carl"]).status == S.WITHDRAWN
    accepted = make_lending(case=case, lending_organisation=org("Randers"), status=S.ACCEPTED, offered_mentor=otto)
    with pytest.raises(ValidationError, match="Only a request that has not been accepted can be withdrawn."):
        lending.withdraw(access=as_side(people["carl"], accepted), actor=people["carl"])
    unchanged(accepted, S.ACCEPTED)


def test_accepting_makes_a_mentoring_with_the_lent_mentor_on_the_team(people: dict[str, User], case: Case,
                                                                      otto: MentorProfile) -> None:
    request = accept(people, offered(case, otto))
    assert request.status == S.ACCEPTED and request.accepted_by == people["carl"]
    intervention = request.intervention
    assert intervention is not None
    assert (intervention.kind, intervention.case, intervention.provider_user, intervention.organisation,
            intervention.provider_organisation, intervention.status) == (
        InterventionKind.MENTORING, case, people["otto"], org("Aarhus"), org("Randers"), Intervention.Status.ACTIVE)
    member = TeamMember.objects.get(case=case, user=people["otto"])
    assert (member.is_active, member.compartments, member.organisation, member.role) == (
        True, "general", org("Randers"), Role.MENTOR)
    assert AuditEvent.objects.filter(action="lending.accepted", person_id=str(case.person_id)).exists()


def test_a_parent_coach_lent_gives_a_parent_coaching(people: dict[str, User], case: Case) -> None:
    pia = make_profile(people["pia"], corps_role=CorpsRole.PARENT_COACH)  # Odder
    request = make_lending(case=case, lending_organisation=org("Odder"), status=S.OFFERED, offered_mentor=pia,
                           corps_role=CorpsRole.PARENT_COACH)
    assert accept(people, request).intervention.kind == InterventionKind.PARENT_COACHING  # type: ignore[union-attr]


def test_accepting_a_request_withdrawn_meanwhile_is_refused(people: dict[str, User], case: Case,
                                                             otto: MentorProfile) -> None:
    request = offered(case, otto)
    carl = as_side(people["carl"], request)  # carl opens the offer...
    on_case = case_access(people["carl"], case.pk, purpose="test")
    lending.withdraw(access=as_side(people["carl"], request), actor=people["carl"])  # ...a colleague withdraws
    with pytest.raises(ValidationError, match=r"There is no offer to accept \(the request is now: Withdrawn\)."):
        lending.accept(access=carl, case_access=on_case, actor=people["carl"])
    unchanged(request, S.WITHDRAWN)
    assert not Intervention.objects.exists()
    assert not TeamMember.objects.filter(user=people["otto"]).exists()


def test_accepting_twice_is_refused_and_makes_one_assignment(people: dict[str, User], case: Case,
                                                             otto: MentorProfile) -> None:
    request = offered(case, otto)
    accept(people, request)
    with pytest.raises(ValidationError, match="This request has been accepted already."):
        accept(people, request)
    assert Intervention.objects.count() == 1
    assert TeamMember.objects.filter(case=case, user=people["otto"]).count() == 1


def test_accepting_a_mentor_who_filled_up_meanwhile_is_refused(people: dict[str, User], case: Case,
                                                               otto: MentorProfile) -> None:
    request = offered(case, otto)
    _full(people, otto, case)
    with pytest.raises(ValidationError, match=r"Otto Rimmen is at full capacity \(1 of 1 courses\)."):
        accept(people, request)
    unchanged(request, S.OFFERED)
    assert not TeamMember.objects.filter(user=people["otto"]).exists()


def test_accepting_on_a_case_closed_meanwhile_is_refused(people: dict[str, User], case: Case,
                                                         otto: MentorProfile) -> None:
    request = offered(case, otto)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    with pytest.raises(ValidationError, match="The case is closed"):
        accept(people, request)
    unchanged(request, S.OFFERED)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: the row lock is what serialises the two acceptances, and SQLite's "
                           "in-memory test database is not shared between threads")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_acceptance_of_one_request_by_two_people_yields_one_assignment(
        people: dict[str, User]) -> None:
    bent = User.objects.create_user(username="bent", first_name="Bent", last_name="Fisker")
    Membership.objects.create(user=bent, organisation=org("Aarhus"), role=Role.CASE_WORKER)
    case = make_case(lead=people["carl"], team={bent: "general"})
    request = offered(case, make_profile(people["otto"]))
    outcomes: dict[str, object] = {}

    def accept_as(user: User) -> None:
        try:
            access = lending_access(user, request.pk, purpose="test")
            on_case = case_access(user, case.pk, purpose="test")
            lending.accept(access=access, case_access=on_case, actor=user)
            outcomes[user.username] = "accepted"
        except Exception as error:  # noqa: BLE001 - the test reads what each thread met
            outcomes[user.username] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=accept_as, args=(user,)) for user in (people["carl"], bent)]
    # Hold the request's row until both acceptances are waiting for it, so that they meet for certain.
    with transaction.atomic():
        LendingRequest.objects.select_for_update().get(pk=request.pk)
        for thread in threads:
            thread.start()
        _wait_until_both_wait_for_a_lock()
    for thread in threads:
        thread.join()

    refused = [o for o in outcomes.values() if isinstance(o, ValidationError)]
    assert sorted(map(str, outcomes.values())).count("accepted") == 1, outcomes
    assert len(refused) == 1 and refused[0].messages == ["This request has been accepted already."], outcomes
    assert Intervention.objects.filter(case=case).count() == 1
    assert TeamMember.objects.filter(case=case, user=people["otto"]).count() == 1
    unchanged(request, S.ACCEPTED)


def _wait_until_both_wait_for_a_lock() -> None:
    # The threads' own connections show as waiting on a row lock in pg_stat_activity (whose snapshot
    # is kept for the transaction, so it is cleared on each look). Nothing here depends on timing; the
    # deadline only keeps a broken run from hanging.
    deadline = timezone.now() + timedelta(seconds=60)
    with connection.cursor() as cursor:
        while timezone.now() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event IN ('transactionid', 'tuple') AND pid <> pg_backend_pid()")
            if cursor.fetchone()[0] >= 2:
                return
            threading.Event().wait(0.01)
    raise AssertionError("the two acceptances never both waited for the request")


# --- the lent mentor's reach, and the end -----------------------------------------------------------------

def test_the_lent_mentor_opens_that_case_in_the_general_compartment_and_no_other(
        people: dict[str, User], case: Case, otto: MentorProfile) -> None:
    other = make_case(lead=people["carl"])  # another case of Aarhus
    make_note(case, author=people["carl"], compartment="general", text="Met at the library.")
    request = accept(people, offered(case, otto))
    access = case_access(people["otto"], case.pk, purpose="test")
    assert access.compartments == frozenset({"general"}) and not access.sees("health")
    assert list(cases_visible_to(people["otto"])) == [case]
    with pytest.raises(Http404):
        case_access(people["otto"], other.pk, purpose="test")
    assert request.intervention_id is not None
    assert intervention_access(people["otto"], request.intervention_id, purpose="test").may_write


@pytest.mark.parametrize("who", ["carl", "rita"], ids=["borrowing side", "lending side"])
def test_ending_by_either_side_takes_the_mentor_off_the_team_and_ends_the_mentoring(
        people: dict[str, User], case: Case, otto: MentorProfile, who: str) -> None:
    request = accept(people, offered(case, otto))
    ended = lending.end(access=as_side(people[who], request), actor=people[who], reason="The work is done.")
    assert (ended.status, ended.end_reason, ended.ended_by) == (S.ENDED, "The work is done.", people[who])
    assert not TeamMember.objects.get(case=case, user=people["otto"]).is_active
    with pytest.raises(Http404):
        case_access(people["otto"], case.pk, purpose="test")
    intervention = Intervention.objects.get(pk=request.intervention_id)
    assert (intervention.status, intervention.outcome, intervention.ended_on) == (
        Intervention.Status.ENDED, "other", TODAY)
    assert "The work is done." in intervention.outcome_reason
    assert AuditEvent.objects.filter(action="lending.ended", details__side=as_side(people[who], request).side).exists()


def test_ending_needs_a_reason_and_an_accepted_lending(people: dict[str, User], case: Case,
                                                       otto: MentorProfile) -> None:
    request = accept(people, offered(case, otto))
    with pytest.raises(ValidationError) as refused:
        lending.end(access=as_side(people["rita"], request), actor=people["rita"], reason=" ")
    assert "reason" in refused.value.message_dict
    unchanged(request, S.ACCEPTED)
    sent = send(people, case)
    with pytest.raises(ValidationError, match="Only an accepted lending can be ended."):
        lending.end(access=as_side(people["carl"], sent), actor=people["carl"], reason="Not needed.")
    unchanged(sent, S.SENT)


def test_the_end_of_the_intervention_ends_the_lending_without_a_side(people: dict[str, User], case: Case,
                                                                     otto: MentorProfile) -> None:
    request = accept(people, offered(case, otto))
    ended = lending.end(access=None, actor=people["carl"], reason="", request=request)
    assert ended.status == S.ENDED
    assert not TeamMember.objects.get(case=case, user=people["otto"]).is_active
    # The intervention's own end is its service's business: the lending leaves it alone.
    assert Intervention.objects.get(pk=request.intervention_id).status == Intervention.Status.ACTIVE
