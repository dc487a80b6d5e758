"""Memberships are granted, changed and revoked through services and the admin, each audited;
the organisation switcher changes the role a person acts in."""

from collections.abc import Callable

import pytest
from django.test import Client

from infohus.accounts import services
from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.permissions import SESSION_MEMBERSHIP_KEY
from infohus.accounts.roles import Role
from infohus.audit.models import AuditEvent


def _org(name_start: str) -> Organisation:
    return Organisation.objects.get(name__startswith=name_start)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- services ----------------------------------------------------------------------------

def test_granting_a_membership_is_audited(people: dict[str, User]) -> None:
    randers = _org("Randers")

    membership = services.grant_membership(
        user=people["mads"], organisation=randers, role=Role.MENTOR, by=people["sofie"])

    assert membership.is_active
    (event,) = _events("membership.granted")
    assert (event.actor_username, event.organisation_id, event.object_id) == ("sofie", randers.pk, str(membership.pk))
    assert event.details == {"user": "mads", "role": "mentor"}


def test_granting_an_existing_membership_again_changes_nothing(people: dict[str, User]) -> None:
    existing = people["mads"].memberships.get()

    again = services.grant_membership(
        user=people["mads"], organisation=existing.organisation, role=existing.role, by=people["sofie"])

    assert again.pk == existing.pk
    assert _events("membership.granted") == []


def test_granting_a_revoked_membership_reactivates_it(people: dict[str, User]) -> None:
    existing = people["mads"].memberships.get()
    Membership.objects.filter(pk=existing.pk).update(is_active=False)

    again = services.grant_membership(
        user=people["mads"], organisation=existing.organisation, role=existing.role, by=people["sofie"])

    assert again.pk == existing.pk
    assert again.is_active
    assert len(_events("membership.granted")) == 1


def test_changing_a_role_is_audited_with_before_and_after(people: dict[str, User]) -> None:
    membership = people["mads"].memberships.get()

    services.change_membership(membership=membership, role=Role.MENTOR_COACH, is_active=True, by=people["sofie"])

    membership.refresh_from_db()
    assert membership.role == Role.MENTOR_COACH
    (event,) = _events("membership.changed")
    assert event.actor_username == "sofie"
    assert event.details == {"user": "mads", "role": ["mentor", "mentor_coach"], "active": [True, True]}


def test_a_change_that_changes_nothing_is_not_recorded(people: dict[str, User]) -> None:
    membership = people["mads"].memberships.get()

    services.change_membership(membership=membership, role=membership.role, is_active=True, by=people["sofie"])

    assert _events("membership.changed") == []


def test_deactivating_a_membership_is_recorded_as_a_revocation(people: dict[str, User]) -> None:
    membership = people["mads"].memberships.get()

    services.change_membership(membership=membership, role=membership.role, is_active=False, by=people["sofie"])

    membership.refresh_from_db()
    assert not membership.is_active
    (event,) = _events("membership.revoked")
    assert event.details["active"] == [True, False]


def test_revoking_a_membership_removes_it_and_is_audited(people: dict[str, User]) -> None:
    membership = people["mads"].memberships.get()
    pk = membership.pk

    services.revoke_membership(membership=membership, by=people["sofie"])

    assert not Membership.objects.filter(pk=pk).exists()
    (event,) = _events("membership.revoked")
    assert (event.actor_username, event.object_id) == ("sofie", str(pk))
    assert event.details == {"user": "mads", "role": "mentor"}


def test_a_revoked_membership_no_longer_gives_its_rights(
    people: dict[str, User], signed_in: Callable[[str], Client]
) -> None:
    dina = signed_in("dina")
    assert dina.get("/audit/").status_code == 200

    services.revoke_membership(membership=people["dina"].memberships.get(), by=people["sofie"])

    assert dina.get("/audit/").status_code == 403


# --- through the admin, as sofie ---------------------------------------------------------

@pytest.fixture
def sofie(signed_in: Callable[[str], Client]) -> Client:
    return signed_in("sofie")


def test_admin_adding_a_membership_is_audited(sofie: Client, people: dict[str, User]) -> None:
    randers = _org("Randers")

    response = sofie.post("/admin/accounts/membership/add/", {
        "user": people["mads"].pk, "organisation": randers.pk, "role": Role.MENTOR})

    assert response.status_code == 302
    membership = Membership.objects.get(user=people["mads"], organisation=randers)
    (event,) = _events("membership.granted")
    assert (event.actor_username, event.object_id) == ("sofie", str(membership.pk))


def test_admin_changing_a_role_is_audited(sofie: Client, people: dict[str, User]) -> None:
    membership = people["mads"].memberships.get()

    response = sofie.post(f"/admin/accounts/membership/{membership.pk}/change/", {
        "role": Role.MENTOR_COACH, "is_active": "on"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.MENTOR_COACH
    (event,) = _events("membership.changed")
    assert (event.actor_username, event.details["role"]) == ("sofie", ["mentor", "mentor_coach"])


def test_admin_unticking_active_is_audited_as_a_revocation(sofie: Client, people: dict[str, User]) -> None:
    membership = people["mads"].memberships.get()

    response = sofie.post(f"/admin/accounts/membership/{membership.pk}/change/", {"role": membership.role})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    assert len(_events("membership.revoked")) == 1


def test_admin_offers_no_way_to_move_a_membership(sofie: Client, people: dict[str, User]) -> None:
    # Moving a membership would be a grant and a revocation; the change form shows the person
    # and the organisation but does not let them be changed (a change would be silently lost).
    membership = people["mads"].memberships.get()

    form = sofie.get(f"/admin/accounts/membership/{membership.pk}/change/").context["adminform"].form

    assert set(form.fields) == {"role", "is_active"}


def test_admin_add_form_grants_active_memberships_only(sofie: Client) -> None:
    form = sofie.get("/admin/accounts/membership/add/").context["adminform"].form

    assert set(form.fields) == {"user", "organisation", "role"}


def test_admin_deleting_a_membership_is_audited(sofie: Client, people: dict[str, User]) -> None:
    membership = people["mads"].memberships.get()

    response = sofie.post(f"/admin/accounts/membership/{membership.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    (event,) = _events("membership.revoked")
    assert (event.actor_username, event.object_id) == ("sofie", str(membership.pk))


def test_admin_bulk_deleting_memberships_audits_each(sofie: Client, people: dict[str, User]) -> None:
    chosen = [people["mads"].memberships.get().pk, people["otto"].memberships.get().pk]

    response = sofie.post("/admin/accounts/membership/", {
        "action": "delete_selected", "_selected_action": chosen, "post": "yes"})

    assert response.status_code == 302
    assert not Membership.objects.filter(pk__in=chosen).exists()
    assert {e.object_id for e in _events("membership.revoked")} == {str(pk) for pk in chosen}


def test_the_admin_refuses_everyone_but_the_administrator(signed_in: Callable[[str], Client]) -> None:
    assert signed_in("dina").get("/admin/accounts/membership/").status_code == 403
    assert signed_in("dina").post("/admin/accounts/membership/add/", {}).status_code == 403


# --- the organisation switcher -----------------------------------------------------------

def _acting(client: Client) -> Membership:
    return client.get("/desk/").context["active_membership"]


def test_a_person_with_two_memberships_acts_in_the_first_until_switching(
    people: dict[str, User], signed_in: Callable[[str], Client]
) -> None:
    carl = signed_in("carl")

    assert _acting(carl).organisation.name == "Aarhus Kommune (demo)"
    assert b'id="switch-membership"' in carl.get("/desk/").content


def test_switching_changes_the_organisation_and_is_audited(
    people: dict[str, User], signed_in: Callable[[str], Client]
) -> None:
    carl = signed_in("carl")
    odder = people["carl"].memberships.get(organisation__name__startswith="Odder")

    response = carl.post("/accounts/switch-organisation/", {"membership": odder.pk})

    assert response.status_code == 302
    assert _acting(carl).pk == odder.pk
    page = carl.get("/desk/").content.decode()
    assert "You are working as Case worker for Odder Kommune (demo)." in page
    (event,) = _events("organisation.switched")
    assert (event.actor_username, event.organisation_name, event.object_id) == (
        "carl", "Odder Kommune (demo)", str(odder.pk))


def test_switching_changes_what_the_person_may_do(people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    # Rights follow the membership acted in, not the person.
    dpo = services.grant_membership(
        user=people["carl"], organisation=_org("Odder"), role=Role.DATA_PROTECTION_OFFICER, by=people["sofie"])
    carl = signed_in("carl")
    assert carl.get("/audit/").status_code == 403

    carl.post("/accounts/switch-organisation/", {"membership": dpo.pk})

    assert carl.get("/audit/").status_code == 200


def test_another_persons_membership_is_refused(people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    carl = signed_in("carl")
    before = _acting(carl)
    idas = people["ida"].memberships.get()

    response = carl.post("/accounts/switch-organisation/", {"membership": idas.pk}, follow=True)

    assert b"You have no such membership." in response.content
    assert _acting(carl).pk == before.pk
    assert carl.session.get(SESSION_MEMBERSHIP_KEY) != idas.pk
    assert _events("organisation.switched") == []


def test_an_inactive_membership_cannot_be_switched_to(
    people: dict[str, User], signed_in: Callable[[str], Client]
) -> None:
    carl = signed_in("carl")
    odder = people["carl"].memberships.get(organisation__name__startswith="Odder")
    Membership.objects.filter(pk=odder.pk).update(is_active=False)

    response = carl.post("/accounts/switch-organisation/", {"membership": odder.pk}, follow=True)

    assert b"You have no such membership." in response.content
    assert _acting(carl).organisation.name == "Aarhus Kommune (demo)"


def test_a_malformed_membership_id_is_refused(signed_in: Callable[[str], Client]) -> None:
    carl = signed_in("carl")

    response = carl.post("/accounts/switch-organisation/", {"membership": "odder"}, follow=True)

    assert response.status_code == 200
    assert b"You have no such membership." in response.content


def test_a_membership_revoked_while_acting_in_it_falls_back_to_another(
    people: dict[str, User], signed_in: Callable[[str], Client]
) -> None:
    carl = signed_in("carl")
    odder = people["carl"].memberships.get(organisation__name__startswith="Odder")
    carl.post("/accounts/switch-organisation/", {"membership": odder.pk})

    services.revoke_membership(membership=odder, by=people["sofie"])

    assert _acting(carl).organisation.name == "Aarhus Kommune (demo)"


def test_admin_changes_enter_the_audit_trail_and_users_cannot_be_deleted(signed_in) -> None:  # type: ignore[no-untyped-def]
    from infohus.accounts.models import Organisation, User
    from infohus.audit.models import AuditEvent

    sofie = signed_in("sofie")
    organisation = Organisation.objects.get(name__startswith="Odder")
    response = sofie.post(f"/admin/accounts/organisation/{organisation.pk}/change/", {
        "name": organisation.name, "kind": organisation.kind, "country": "DK",
        "municipality_code": "727", "is_active": "on",
    })
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="admin.changed", object_type="accounts.Organisation",
                                     object_id=str(organisation.pk)).exists()

    rasmus = User.objects.get(username="rasmus")
    assert sofie.get(f"/admin/accounts/user/{rasmus.pk}/delete/").status_code == 403
