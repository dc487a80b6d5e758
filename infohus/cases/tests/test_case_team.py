"""The case team: only the lead or a case manager of the owning organisation changes it, and
nobody gets compartments beyond what their role may see."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from infohus.accounts.models import Membership, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, TeamMember
from infohus.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    return make_case(lead=people["carl"], team={people["mads"]: "general"})


def _membership(user: User) -> Membership:
    return Membership.objects.filter(user=user).first()  # type: ignore[return-value]


def test_lead_adds_a_police_liaison_with_police_compartment(signed_in: Callable[[str], Client], case: Case,
                                                            people: dict[str, User]) -> None:
    response = signed_in("carl").post(reverse("cases:case_member_add", args=[case.pk]), {
        "membership": _membership(people["per"]).pk, "compartments": ["general", "police"]})
    assert response.status_code == 302
    member = TeamMember.objects.get(case=case, user=people["per"])
    assert member.compartment_set() == {"general", "police"}
    event = AuditEvent.objects.get(action="case.team_member_added")
    assert event.person_id == str(case.person_id) and event.purpose == "case management"


def test_compartments_beyond_the_role_are_refused(signed_in: Callable[[str], Client], case: Case,
                                                  people: dict[str, User]) -> None:
    response = signed_in("carl").post(reverse("cases:case_member_add", args=[case.pk]), {
        "membership": _membership(people["otto"]).pk, "compartments": ["general", "police"]})
    assert response.status_code == 200
    assert "may not see: police" in response.content.decode()
    assert not TeamMember.objects.filter(case=case, user=people["otto"]).exists()

    entry = TeamMember.objects.get(case=case, user=people["mads"])
    response = signed_in("carl").post(reverse("cases:case_member_edit", args=[case.pk, entry.pk]),
                                      {"compartments": ["general", "health"]})
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.compartments == "general"


def test_team_member_who_is_not_a_manager_cannot_change_the_team(signed_in: Callable[[str], Client], case: Case,
                                                                 people: dict[str, User]) -> None:
    response = signed_in("mads").post(reverse("cases:case_member_add", args=[case.pk]), {
        "membership": _membership(people["otto"]).pk, "compartments": ["general"]})
    assert response.status_code == 403
    assert not TeamMember.objects.filter(case=case, user=people["otto"]).exists()


def test_case_manager_of_the_owning_organisation_may_change_the_team(signed_in: Callable[[str], Client],
                                                                     people: dict[str, User]) -> None:
    # ida (Info house, manages cases) on a case owned by the Info house but led by per.
    case = make_case(lead=people["per"], owner=_membership(people["ida"]).organisation,
                     team={people["ida"]: "general"})
    response = signed_in("ida").post(reverse("cases:case_member_add", args=[case.pk]), {
        "membership": _membership(people["mads"]).pk, "compartments": ["general"]})
    assert response.status_code == 302
    assert TeamMember.objects.filter(case=case, user=people["mads"], is_active=True).exists()


def test_removed_member_loses_access_and_can_come_back(signed_in: Callable[[str], Client], case: Case,
                                                       people: dict[str, User]) -> None:
    entry = TeamMember.objects.get(case=case, user=people["mads"])
    carl = signed_in("carl")
    assert carl.post(reverse("cases:case_member_remove", args=[case.pk, entry.pk])).status_code == 302
    assert signed_in("mads").get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    carl.post(reverse("cases:case_member_add", args=[case.pk]), {
        "membership": _membership(people["mads"]).pk, "compartments": ["general"]})
    assert signed_in("mads").get(reverse("cases:case_detail", args=[case.pk])).status_code == 200


def test_the_lead_cannot_be_removed(signed_in: Callable[[str], Client], case: Case, people: dict[str, User]) -> None:
    entry = TeamMember.objects.get(case=case, user=people["carl"])
    signed_in("carl").post(reverse("cases:case_member_remove", args=[case.pk, entry.pk]))
    entry.refresh_from_db()
    assert entry.is_active


def test_forged_team_post_outside_the_need_to_know_is_404_and_writes_nothing(
        signed_in: Callable[[str], Client], people: dict[str, User]) -> None:
    theirs = make_case(lead=people["ida"])
    before = AuditEvent.objects.exclude(action="case.refused").count()
    response = signed_in("carl").post(reverse("cases:case_member_add", args=[theirs.pk]), {
        "membership": _membership(people["carl"]).pk, "compartments": ["general"]})
    assert response.status_code == 404
    assert not TeamMember.objects.filter(case=theirs, user=people["carl"]).exists()
    assert AuditEvent.objects.filter(action="case.refused", actor_id=people["carl"].pk).exists()
    # sign-in events aside, nothing but the refusal was recorded
    assert not AuditEvent.objects.filter(action__startswith="case.team").exists()
    assert AuditEvent.objects.exclude(action="case.refused").exclude(action__in=[
        "sign_in.success", "mfa.passed"]).count() <= before
