"""The sign-in page: clear messages, the same answer for unknown user names, lock-out, audit."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.hashers import get_hasher
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from infohus.accounts.models import User
from infohus.accounts.people import DEMO_PASSWORD
from infohus.audit.models import AuditEvent

SIGN_IN = "/accounts/sign-in/"
WRONG = "The user name or the password is wrong. Check both and try again."
DISABLED = "This account is disabled. Ask your organisation&#x27;s administrator."


def _post(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(SIGN_IN, {"username": username, "password": password}, **extra)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_page_shows_a_form(db: None) -> None:
    response = Client().get(SIGN_IN)

    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_wrong_password_gets_a_clear_message(people: dict[str, User]) -> None:
    client = Client()
    response = _post(client, "ida", "not her password")

    assert response.status_code == 200
    assert WRONG.encode() in response.content
    assert not _signed_in(client)


def test_wrong_password_is_audited(people: dict[str, User]) -> None:
    _post(Client(), "ida", "not her password")

    event = AuditEvent.objects.get(action="sign_in.failed")
    assert event.details == {"username": "ida", "reason": "wrong user name or password"}
    assert event.actor_id is None


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(people: dict[str, User]) -> None:
    known = _post(Client(), "ida", "not her password")
    unknown = _post(Client(), "nobody", "not her password")

    assert unknown.status_code == known.status_code == 200
    assert unknown.context["form"].non_field_errors() == known.context["form"].non_field_errors()
    assert unknown.context["form"].non_field_errors() == [WRONG]
    reasons = list(AuditEvent.objects.filter(action="sign_in.failed").values_list("details__reason", flat=True))
    assert reasons == ["wrong user name or password"] * 2


@pytest.mark.parametrize("username", ["nobody", "carl"])
def test_every_failure_costs_the_same_password_hashing(
    people: dict[str, User], monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    # Same timing for an unknown user and for a disabled one (carl here) as for a wrong
    # password: the same number of password hashes. Counting the hasher's work is the
    # measurable stand-in for time.
    User.objects.filter(username="carl").update(is_active=False)
    hasher = type(get_hasher())
    calls: list[str] = []
    original = hasher.encode

    def counting(self: Any, password: str, salt: str) -> str:
        calls.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(hasher, "encode", counting)
    _post(Client(), "ida", "not her password")
    wrong_password = len(calls)
    calls.clear()
    _post(Client(), username, "not the password")

    assert wrong_password >= 1
    assert len(calls) == wrong_password


def test_empty_fields_are_named(db: None) -> None:
    response = _post(Client(), "", "")

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"username", "password"}


def test_disabled_account_with_the_right_password_is_told_so(people: dict[str, User]) -> None:
    User.objects.filter(username="carl").update(is_active=False)
    client = Client()

    response = _post(client, "carl", DEMO_PASSWORD)

    assert response.status_code == 200
    assert DISABLED.encode() in response.content
    assert not _signed_in(client)
    assert AuditEvent.objects.get(action="sign_in.failed").details == {"username": "carl", "reason": "disabled"}


def test_disabled_account_with_a_wrong_password_reveals_nothing(people: dict[str, User]) -> None:
    User.objects.filter(username="carl").update(is_active=False)

    response = _post(Client(), "carl", "not his password")

    assert WRONG.encode() in response.content
    assert b"disabled" not in response.content


def test_success_is_audited_and_starts_a_session(people: dict[str, User]) -> None:
    client = Client()

    response = _post(client, "ida", DEMO_PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)
    event = AuditEvent.objects.get(action="sign_in.success")
    assert (event.actor_username, event.object_type, event.object_id) == ("ida", "user", str(people["ida"].pk))


def test_an_outside_next_address_is_ignored(people: dict[str, User]) -> None:
    TOTPDevice.objects.filter(user=people["anders"]).delete()  # no second factor: straight to the target

    response = Client().post(SIGN_IN + "?next=https://evil.example/",
                             {"username": "anders", "password": DEMO_PASSWORD, "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/desk/"


def test_a_local_next_address_is_followed(people: dict[str, User]) -> None:
    TOTPDevice.objects.filter(user=people["anders"]).delete()

    response = Client().post(SIGN_IN, {"username": "anders", "password": DEMO_PASSWORD, "next": "/accounts/security/"})

    assert response["Location"] == "/accounts/security/"


def test_a_fully_signed_in_person_is_sent_on(signed_in: Callable[[str], Client]) -> None:
    response = signed_in("ida").get(SIGN_IN)

    assert response.status_code == 302
    assert response["Location"] == "/desk/"


# --- lock-out ----------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["ida", "nobody"])
def test_repeated_failures_lock_the_name_out(people: dict[str, User], settings: object, username: str) -> None:
    limit = settings.AXES_FAILURE_LIMIT  # type: ignore[attr-defined]
    assert limit == 5
    client = Client()

    answers = [_post(client, username, f"guess {n}").status_code for n in range(limit)]

    assert answers == [200] * (limit - 1) + [429]
    locked = _post(client, username, "one more guess")
    assert locked.status_code == 429
    assert b"Too many attempts" in locked.content


def test_a_locked_out_name_is_refused_even_with_the_right_password(people: dict[str, User]) -> None:
    client = Client()
    for n in range(5):
        _post(client, "ida", f"guess {n}")

    response = _post(client, "ida", DEMO_PASSWORD)

    assert response.status_code == 429
    assert not _signed_in(client)
    assert not AuditEvent.objects.filter(action="sign_in.success").exists()


def test_known_and_unknown_names_are_locked_out_alike(people: dict[str, User]) -> None:
    known, unknown = Client(), Client()
    for n in range(5):
        _post(known, "ida", f"guess {n}")
        _post(unknown, "nobody", f"guess {n}")

    from_known = _post(known, "ida", "guess")
    from_unknown = _post(unknown, "nobody", "guess")

    assert from_known.status_code == from_unknown.status_code == 429
    assert from_known.templates[0].name == from_unknown.templates[0].name == "accounts/locked_out.html"


def test_lock_out_of_one_name_leaves_another_name_alone(people: dict[str, User]) -> None:
    client = Client()
    for n in range(5):
        _post(client, "ida", f"guess {n}")

    response = _post(client, "carl", DEMO_PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)


def test_lock_out_is_per_address(people: dict[str, User]) -> None:
    for n in range(5):
        _post(Client(), "ida", f"guess {n}", REMOTE_ADDR="10.0.0.1")

    response = _post(Client(), "ida", DEMO_PASSWORD, REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(people: dict[str, User]) -> None:
    client = Client()
    for n in range(4):
        _post(client, "carl", f"guess {n}")
    _post(client, "carl", DEMO_PASSWORD)
    client.post("/accounts/sign-out/")

    answers = [_post(client, "carl", f"again {n}").status_code for n in range(4)]

    assert answers == [200] * 4
