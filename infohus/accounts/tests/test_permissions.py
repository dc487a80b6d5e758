"""The capability table, checked against an explicit expectation for every role, and the
permission functions that views use to ask it."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.permissions import active_membership, has_capability, memberships_of, needs_second_factor
from infohus.accounts.roles import (
    CAPABILITIES,
    COMPARTMENTS,
    NO_PERSONAL_DATA,
    Capability,
    Role,
    membership_can,
    role_can,
    role_needs_second_factor,
)

C = Capability
R = Role

# Written out by hand from the design, not derived from the table it checks.
EXPECTED: dict[str, set[str]] = {
    "reporter": {"submit_concern"},
    "resource_person": {"submit_concern", "local_assessment"},
    "infohouse_coordinator": {"submit_concern", "triage", "manage_case", "work_on_case", "break_glass"},
    "case_worker": {"submit_concern", "manage_case", "work_on_case"},
    "police_liaison": {"submit_concern", "triage", "work_on_case", "break_glass"},
    "psychiatry_liaison": {"submit_concern", "work_on_case"},
    "mentor": {"work_on_case", "mentor"},
    "parent_coach": {"work_on_case", "mentor"},
    "mentor_coach": {"work_on_case", "mentor", "coach_mentors"},
    "trainer": {"train"},
    "community_coordinator": {"community", "submit_concern"},
    "ambassador": {"ambassador"},
    "directory_editor": {"moderate_directory"},
    "analyst": {"analyse"},
    "data_protection_officer": {"audit"},
    "system_administrator": {"administer", "author_instruments"},
}

WITHOUT_SECOND_FACTOR = {"analyst", "directory_editor"}


def test_every_role_has_an_entry() -> None:
    assert set(CAPABILITIES) == set(Role)
    assert set(EXPECTED) == {r.value for r in Role}


def test_every_capability_belongs_to_some_role() -> None:
    assert set().union(*CAPABILITIES.values()) == set(Capability)


@pytest.mark.parametrize("capability", list(Capability), ids=[c.value for c in Capability])
@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_role_can(role: Role, capability: Capability) -> None:
    assert role_can(role.value, capability) is (capability.value in EXPECTED[role.value])


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_second_factor_per_role(role: Role) -> None:
    assert role_needs_second_factor(role.value) is (role.value not in WITHOUT_SECOND_FACTOR)


def test_roles_without_a_second_factor_cannot_reach_personal_data() -> None:
    for role in NO_PERSONAL_DATA:
        assert CAPABILITIES[role] <= {C.ANALYSE, C.MODERATE_DIRECTORY}
        assert role not in COMPARTMENTS


def test_exactly_the_case_team_roles_read_case_compartments() -> None:
    assert set(COMPARTMENTS) == {role for role, caps in CAPABILITIES.items() if C.WORK_ON_CASE in caps}


def test_only_police_liaison_reads_intelligence() -> None:
    assert {role for role, kinds in COMPARTMENTS.items() if "intelligence" in kinds} == {R.POLICE_LIAISON}


def test_only_psychiatry_liaison_reads_health() -> None:
    assert {role for role, kinds in COMPARTMENTS.items() if "health" in kinds} == {R.PSYCHIATRY_LIAISON}


def test_an_unknown_role_is_an_error_not_a_silent_no() -> None:
    with pytest.raises(ValueError):
        role_can("superuser", C.ADMINISTER)


# --- the functions views call ------------------------------------------------------------

def _request_for(user: User, membership_id: int | None = None) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    request.session = {} if membership_id is None else {"infohus_membership_id": membership_id}  # type: ignore[assignment]
    return request


def test_memberships_of_leaves_out_inactive_memberships_and_organisations(people: dict[str, User]) -> None:
    carl = User.objects.get(username="carl")
    odder = Membership.objects.get(user=carl, organisation__name__startswith="Odder")
    assert len(memberships_of(carl)) == 2

    Organisation.objects.filter(pk=odder.organisation_id).update(is_active=False)
    assert [m.organisation.name for m in memberships_of(User.objects.get(username="carl"))] == [
        "Aarhus Kommune (demo)"]

    Organisation.objects.filter(pk=odder.organisation_id).update(is_active=True)
    Membership.objects.filter(pk=odder.pk).update(is_active=False)
    assert len(memberships_of(User.objects.get(username="carl"))) == 1


def test_has_capability_asks_the_acting_membership(people: dict[str, User]) -> None:
    ida = people["ida"]
    extra = Membership.objects.create(
        user=ida, organisation=Organisation.objects.get(name__startswith="Aarhus"), role=R.DATA_PROTECTION_OFFICER)
    own = Membership.objects.get(user=ida, role=R.INFOHOUSE_COORDINATOR)

    as_coordinator = _request_for(User.objects.get(pk=ida.pk), own.pk)
    as_dpo = _request_for(User.objects.get(pk=ida.pk), extra.pk)

    assert has_capability(as_coordinator, C.TRIAGE) and not has_capability(as_coordinator, C.AUDIT)
    assert has_capability(as_dpo, C.AUDIT) and not has_capability(as_dpo, C.TRIAGE)


def test_a_membership_id_of_someone_else_in_the_session_is_ignored(people: dict[str, User]) -> None:
    dinas = Membership.objects.get(user=people["dina"])

    request = _request_for(User.objects.get(username="carl"), dinas.pk)

    assert active_membership(request).user.username == "carl"  # type: ignore[union-attr]
    assert not has_capability(request, C.AUDIT)


def test_a_person_without_membership_can_do_nothing(db: None) -> None:
    nobody = User.objects.create_user("nobody", password="x" * 14)

    request = _request_for(nobody)

    assert active_membership(request) is None
    assert not any(has_capability(request, capability) for capability in Capability)


def test_needs_second_factor_if_any_membership_reads_personal_data(people: dict[str, User]) -> None:
    anders = people["anders"]
    TOTPDevice.objects.filter(user=anders).delete()
    assert not needs_second_factor(User.objects.get(pk=anders.pk))

    Membership.objects.create(user=anders, organisation=Organisation.objects.get(name__startswith="Aarhus"),
                              role=R.CASE_WORKER)

    assert needs_second_factor(User.objects.get(pk=anders.pk))


def test_needs_second_factor_once_enrolled_even_without_personal_data(people: dict[str, User]) -> None:
    assert needs_second_factor(people["anders"])


def test_a_refused_capability_is_a_403(signed_in: Callable[[str], Client]) -> None:
    assert signed_in("mads").get("/audit/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(db: None) -> None:
    response = Client().get("/audit/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/audit/"


@pytest.mark.parametrize(("role", "kind", "expected"), [
    (Role.TRAINER, "national_centre", True),
    (Role.MENTOR_COACH, "national_centre", True),
    (Role.TRAINER, "municipality", False),
    (Role.MENTOR_COACH, "municipality", False),
    (Role.MENTOR, "national_centre", False),
    (Role.SYSTEM_ADMINISTRATOR, "other", True),
])
def test_authoring_instruments_is_for_a_national_centre_or_an_administrator(role: Role, kind: str,
                                                                            expected: bool) -> None:
    assert membership_can(role, kind, Capability.AUTHOR_INSTRUMENTS) is expected


def test_a_national_centre_adds_nothing_else() -> None:
    for role in Role:
        for capability in Capability:
            if capability != Capability.AUTHOR_INSTRUMENTS:
                assert membership_can(role, "national_centre", capability) == role_can(role, capability)
