"""Sessions end after idle time and after an absolute lifetime; sign-out and deactivation end
them on the server."""

import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from infohus.accounts import services
from infohus.accounts.models import SignedInSession, User
from infohus.accounts.services import SESSION_SIGNED_IN_AT
from infohus.audit.models import AuditEvent


def _key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _expire_on_the_server(client: Client) -> None:
    """What SESSION_COOKIE_AGE of idleness does: the database row is past its expiry, and the
    cached copy, stored with the same timeout, is gone."""
    Session.objects.filter(session_key=_key(client)).update(expire_date=timezone.now() - timedelta(seconds=1))
    cache.clear()


def _locked_out_of_the_desk(client: Client) -> bool:
    response = client.get("/desk/")
    return response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


# --- idle timeout ------------------------------------------------------------------------

def test_the_idle_timeout_is_the_configured_minutes() -> None:
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60


def test_a_session_expires_after_the_idle_time(signed_in: Callable[[str], Client]) -> None:
    before = timezone.now()
    client = signed_in("ida")

    expiry = Session.objects.get(session_key=_key(client)).expire_date

    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    assert before + idle <= expiry <= timezone.now() + idle


def test_each_request_pushes_the_expiry_forward(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("ida")
    soon = timezone.now() + timedelta(minutes=1)
    Session.objects.filter(session_key=_key(client)).update(expire_date=soon)

    client.get("/desk/")

    assert Session.objects.get(session_key=_key(client)).expire_date > soon + timedelta(minutes=20)


def test_a_request_after_the_idle_time_is_signed_out(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("ida")
    assert client.get("/desk/").status_code == 200

    _expire_on_the_server(client)

    assert _locked_out_of_the_desk(client)


# --- absolute lifetime -------------------------------------------------------------------

def _age_session(client: Client, seconds: int) -> None:
    session = client.session
    session[SESSION_SIGNED_IN_AT] = int(time.time()) - seconds
    session.save()


def test_an_active_session_ends_after_the_absolute_lifetime(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("ida")
    old_key = _key(client)
    _age_session(client, settings.SESSION_ABSOLUTE_HOURS * 3600 + 60)

    response = client.get("/desk/", follow=True)

    assert response.redirect_chain[0] == ("/accounts/sign-in/", 302)
    assert b"Your session has ended. Please sign in again." in response.content
    assert not Session.objects.filter(session_key=old_key).exists()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="sign_out", actor_username="ida").count() == 1


def test_a_session_within_the_absolute_lifetime_goes_on(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("ida")
    _age_session(client, settings.SESSION_ABSOLUTE_HOURS * 3600 - 60)

    assert client.get("/desk/").status_code == 200


# --- sign-out ----------------------------------------------------------------------------

def test_sign_out_ends_the_session_on_the_server(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("ida")
    old_key = _key(client)

    response = client.post("/accounts/sign-out/", follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert b"You are signed out." in response.content
    assert not Session.objects.filter(session_key=old_key).exists()
    assert not SignedInSession.objects.filter(session_key=old_key).exists()
    assert AuditEvent.objects.filter(action="sign_out", actor_username="ida").count() == 1


def test_a_copy_of_the_old_cookie_is_worthless_after_sign_out(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("ida")
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = _key(client)
    assert stolen.get("/desk/").status_code == 200

    client.post("/accounts/sign-out/")

    assert _locked_out_of_the_desk(stolen)


def test_sign_out_needs_post(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("ida")

    assert client.get("/accounts/sign-out/").status_code == 405
    assert client.get("/desk/").status_code == 200


# --- deactivation ends every session -----------------------------------------------------

def test_each_sign_in_is_recorded_against_the_user(people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    first, second = signed_in("carl"), signed_in("carl")

    keys = set(SignedInSession.objects.filter(user=people["carl"]).values_list("session_key", flat=True))

    assert keys == {_key(first), _key(second)}


def test_deactivating_a_user_ends_all_their_sessions(
    people: dict[str, User], signed_in: Callable[[str], Client]
) -> None:
    carl = people["carl"]
    first, second = signed_in("carl"), signed_in("carl")
    others = signed_in("ida")
    keys = [_key(first), _key(second)]

    ended = services.deactivate_user(user=carl, by=people["sofie"])

    assert ended == 2
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert _locked_out_of_the_desk(first)
    assert _locked_out_of_the_desk(second)
    assert others.get("/desk/").status_code == 200
    event = AuditEvent.objects.get(action="user.deactivated")
    assert (event.actor_username, event.object_id, event.details["sessions_ended"]) == ("sofie", str(carl.pk), 2)


def test_resetting_the_second_factor_ends_all_sessions(
    people: dict[str, User], signed_in: Callable[[str], Client]
) -> None:
    # The user stays active, so only ended sessions keep the old clients out.
    first, second = signed_in("carl"), signed_in("carl")
    keys = [_key(first), _key(second)]

    services.remove_second_factor(user=people["carl"], by=people["sofie"])

    assert not Session.objects.filter(session_key__in=keys).exists()
    assert _locked_out_of_the_desk(first)
    assert _locked_out_of_the_desk(second)


def test_a_reactivated_user_signs_in_again(people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    carl = people["carl"]
    services.deactivate_user(user=carl, by=people["sofie"])

    services.reactivate_user(user=carl, by=people["sofie"])

    assert signed_in("carl").get("/desk/").status_code == 200
    assert AuditEvent.objects.filter(action="user.reactivated", actor_username="sofie").count() == 1


def _admin_change_data(user: User) -> dict[str, object]:
    memberships = list(user.memberships.order_by("pk"))
    data: dict[str, object] = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "preferred_language": "",
        "memberships-TOTAL_FORMS": len(memberships), "memberships-INITIAL_FORMS": len(memberships),
        "memberships-MIN_NUM_FORMS": 0, "memberships-MAX_NUM_FORMS": 1000,
    }
    for n, membership in enumerate(memberships):
        data[f"memberships-{n}-id"] = membership.pk
        data[f"memberships-{n}-user"] = user.pk
    return data


def test_unticking_active_in_the_admin_ends_all_sessions(
    people: dict[str, User], signed_in: Callable[[str], Client]
) -> None:
    carl = people["carl"]
    first, second = signed_in("carl"), signed_in("carl")
    keys = [_key(first), _key(second)]
    sofie = signed_in("sofie")

    response = sofie.post(f"/admin/accounts/user/{carl.pk}/change/", _admin_change_data(carl))  # is_active unticked

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    carl.refresh_from_db()
    assert not carl.is_active
    assert _locked_out_of_the_desk(first)
    assert _locked_out_of_the_desk(second)
    assert not SignedInSession.objects.filter(user=carl).exists()
    assert not Session.objects.filter(session_key__in=keys).exists()
    event = AuditEvent.objects.get(action="user.deactivated")
    assert (event.actor_username, event.details["sessions_ended"]) == ("sofie", 2)


def test_ticking_active_in_the_admin_reactivates_and_is_audited(
    people: dict[str, User], signed_in: Callable[[str], Client]
) -> None:
    carl = people["carl"]
    services.deactivate_user(user=carl, by=people["sofie"])

    response = signed_in("sofie").post(
        f"/admin/accounts/user/{carl.pk}/change/", {**_admin_change_data(carl), "is_active": "on"})

    assert response.status_code == 302
    carl.refresh_from_db()
    assert carl.is_active
    assert AuditEvent.objects.filter(action="user.reactivated", actor_username="sofie").count() == 1


def test_the_admin_deactivate_action_ends_all_sessions(
    people: dict[str, User], signed_in: Callable[[str], Client]
) -> None:
    carl, mads = people["carl"], people["mads"]
    clients = [signed_in("carl"), signed_in("carl"), signed_in("mads")]
    keys = [_key(client) for client in clients]

    response = signed_in("sofie").post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [carl.pk, mads.pk]}, follow=True)

    assert response.status_code == 200
    assert b"Deactivated; 3 sessions ended." in response.content
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert all(_locked_out_of_the_desk(client) for client in clients)
    assert set(AuditEvent.objects.filter(action="user.deactivated").values_list("object_id", flat=True)) == {
        str(carl.pk), str(mads.pk)}
