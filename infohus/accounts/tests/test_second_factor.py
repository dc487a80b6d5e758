"""The second factor: TOTP codes (right, wrong, expired, reused), recovery codes, enrolment."""

from base64 import b32encode
from collections.abc import Callable
from urllib.parse import quote

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import current_code
from infohus.accounts.models import User
from infohus.accounts.people import DEMO_PASSWORD
from infohus.accounts.services import RECOVERY_CODE_COUNT, issue_recovery_codes
from infohus.audit.models import AuditEvent

SECOND_FACTOR = "/accounts/second-factor/"
ENROL = "/accounts/second-factor/enrol/"


def _code(device: TOTPDevice, steps_ago: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift - steps_ago):06d}"


def _wrong_code(device: TOTPDevice) -> str:
    """A code the device shows at no step from ten back to one ahead, so that it is simply wrong."""
    near = {_code(device, steps_ago) for steps_ago in range(-2, 12)}
    return next(code for code in (f"{n:06d}" for n in range(0, 1_000_000, 7919)) if code not in near)


def _password_only(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/sign-in/", {"username": user.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def _device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def _unthrottle(user: User) -> None:
    # A wrong code makes the next attempt wait (django-otp's throttling); tests that go on
    # after a wrong code clear it rather than sleep.
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)


def _error(response: object) -> str:
    return " ".join(response.context["form"].errors["code"])  # type: ignore[attr-defined]


def test_sign_in_of_a_role_with_personal_data_asks_for_the_second_factor(people: dict[str, User]) -> None:
    response = Client().post("/accounts/sign-in/", {"username": "ida", "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == f"{SECOND_FACTOR}?next=/desk/"


@pytest.mark.parametrize("path", ["/desk/", "/accounts/security/", "/audit/"])
def test_until_the_second_factor_is_passed_pages_lead_to_it(people: dict[str, User], path: str) -> None:
    response = _password_only(people["ida"]).get(path)

    assert response.status_code == 302
    assert response["Location"] == SECOND_FACTOR


def test_until_the_second_factor_is_passed_the_admin_leads_to_it(people: dict[str, User]) -> None:
    response = _password_only(people["sofie"]).get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == SECOND_FACTOR


def test_the_right_code_passes(people: dict[str, User]) -> None:
    ida = people["ida"]
    client = _password_only(ida)

    response = client.post(f"{SECOND_FACTOR}?next=/desk/", {"code": current_code(ida), "next": "/desk/"})

    assert response.status_code == 302
    assert response["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200
    event = AuditEvent.objects.get(action="mfa.passed")
    assert (event.actor_username, event.object_id) == ("ida", str(_device(ida).pk))


def test_a_code_with_a_space_in_the_middle_passes(people: dict[str, User]) -> None:
    ida = people["ida"]
    code = current_code(ida)

    response = _password_only(ida).post(SECOND_FACTOR, {"code": f"{code[:3]} {code[3:]}"})

    assert response.status_code == 302


def test_a_wrong_code_is_not_right(people: dict[str, User]) -> None:
    ida = people["ida"]
    client = _password_only(ida)

    response = client.post(SECOND_FACTOR, {"code": _wrong_code(_device(ida))})

    assert response.status_code == 200
    assert "not right" in _error(response)
    assert client.get("/desk/").status_code == 302
    assert AuditEvent.objects.get(action="mfa.failed").details == {"reason": "wrong"}


def test_a_code_from_several_steps_ago_has_expired(people: dict[str, User]) -> None:
    ida = people["ida"]
    client = _password_only(ida)

    response = client.post(SECOND_FACTOR, {"code": _code(_device(ida), steps_ago=4)})

    assert response.status_code == 200
    assert "expired" in _error(response)
    assert client.get("/desk/").status_code == 302
    assert AuditEvent.objects.get(action="mfa.failed").details == {"reason": "expired"}


def test_a_used_code_cannot_be_used_again(people: dict[str, User]) -> None:
    ida = people["ida"]
    code = current_code(ida)
    first = _password_only(ida)
    assert first.post(SECOND_FACTOR, {"code": code}).status_code == 302

    second = _password_only(ida)
    response = second.post(SECOND_FACTOR, {"code": code})

    assert response.status_code == 200
    assert "already been used" in _error(response)
    assert second.get("/desk/").status_code == 302
    assert AuditEvent.objects.get(action="mfa.failed").details == {"reason": "reused"}


def test_wrong_codes_are_throttled(people: dict[str, User]) -> None:
    ida = people["ida"]
    client = _password_only(ida)
    client.post(SECOND_FACTOR, {"code": _wrong_code(_device(ida))})

    # Straight after a wrong code, even the right one waits.
    response = client.post(SECOND_FACTOR, {"code": current_code(ida)})

    assert response.status_code == 200
    assert "Too many wrong codes" in _error(response)
    _unthrottle(ida)
    assert client.post(SECOND_FACTOR, {"code": current_code(ida)}).status_code == 302


def test_a_recovery_code_works_once(people: dict[str, User]) -> None:
    ida = people["ida"]
    codes = issue_recovery_codes(ida)
    code = next(c for c in codes if not c.isdigit())  # a code of digits only is first tried as TOTP
    first = _password_only(ida)

    response = first.post(SECOND_FACTOR, {"code": code.upper()}, follow=True)

    assert response.redirect_chain[0] == ("/desk/", 302)
    assert b"You used a recovery code" in response.content
    assert AuditEvent.objects.filter(action="mfa.recovery_code_used", actor_username="ida").count() == 1
    assert StaticDevice.objects.get(user=ida).token_set.count() == RECOVERY_CODE_COUNT - 1

    second = _password_only(ida)
    again = second.post(SECOND_FACTOR, {"code": code})

    assert again.status_code == 200
    assert "not right" in _error(again)
    assert second.get("/desk/").status_code == 302


def test_the_second_factor_page_sends_anonymous_visitors_to_sign_in(db: None) -> None:
    response = Client().get(SECOND_FACTOR)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/"


def test_cancelling_signs_out(people: dict[str, User]) -> None:
    client = _password_only(people["ida"])

    client.post("/accounts/sign-out/")

    assert "_auth_user_id" not in client.session


# --- enrolment ---------------------------------------------------------------------------

@pytest.fixture
def ida_without_device(people: dict[str, User]) -> User:
    TOTPDevice.objects.filter(user=people["ida"]).delete()
    return people["ida"]


def test_a_person_without_a_device_is_sent_to_enrol(ida_without_device: User) -> None:
    response = Client().post("/accounts/sign-in/", {"username": "ida", "password": DEMO_PASSWORD})

    assert response["Location"] == f"{ENROL}?next=/desk/"
    assert _password_only(ida_without_device).get("/desk/")["Location"] == ENROL


def test_enrolment_shows_an_inline_qr_code_and_the_key(ida_without_device: User) -> None:
    response = _password_only(ida_without_device).get(ENROL)

    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=ida_without_device, confirmed=False)
    secret = b32encode(device.bin_key).decode()
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    html = response.content.decode()
    assert '<div class="qr-code"><svg' in html
    assert "<img" not in html.split('class="qr-code"')[1].split("</div>")[0]
    assert grouped in html


def test_reloading_the_enrolment_page_keeps_the_same_key(ida_without_device: User) -> None:
    client = _password_only(ida_without_device)
    client.get(ENROL)
    client.get(ENROL)

    assert TOTPDevice.objects.filter(user=ida_without_device).count() == 1


def test_confirming_with_the_right_code_shows_ten_recovery_codes(ida_without_device: User) -> None:
    client = _password_only(ida_without_device)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=ida_without_device, confirmed=False)

    response = client.post(ENROL, {"code": _code(device)})

    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == RECOVERY_CODE_COUNT == 10
    assert len(set(codes)) == 10
    for code in codes:
        assert f"<code>{code}</code>".encode() in response.content
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/desk/").status_code == 200
    actions = set(AuditEvent.objects.filter(actor_username="ida").values_list("action", flat=True))
    assert {"mfa.enrolled", "mfa.recovery_codes_issued"} <= actions


def test_confirming_with_a_wrong_code_leaves_the_device_unconfirmed(ida_without_device: User) -> None:
    client = _password_only(ida_without_device)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=ida_without_device, confirmed=False)

    response = client.post(ENROL, {"code": _wrong_code(device)})

    assert response.status_code == 200
    assert "not right" in _error(response)
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/desk/").status_code == 302


def test_a_person_with_a_device_must_pass_it_before_enrolling_another(people: dict[str, User]) -> None:
    response = _password_only(people["ida"]).get(ENROL)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/second-factor/"
    assert not TOTPDevice.objects.filter(user=people["ida"], confirmed=False).exists()


def test_recovery_codes_can_be_renewed_and_the_old_ones_stop_working(
    people: dict[str, User], signed_in: Callable[[str], Client]
) -> None:
    ida = people["ida"]
    old = issue_recovery_codes(ida)
    client = signed_in("ida")

    response = client.post("/accounts/security/recovery-codes/")

    new = response.context["codes"]
    assert len(new) == 10
    assert set(new).isdisjoint(old)
    tokens = set(StaticDevice.objects.get(user=ida).token_set.values_list("token", flat=True))
    assert tokens == set(new)


# --- roles without personal data ----------------------------------------------------------

def test_an_analyst_without_a_device_signs_in_with_the_password_alone(people: dict[str, User]) -> None:
    TOTPDevice.objects.filter(user=people["anders"]).delete()
    client = Client()

    response = client.post("/accounts/sign-in/", {"username": "anders", "password": DEMO_PASSWORD})

    assert response["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200


def test_an_analyst_who_enrolled_is_asked_for_the_code(people: dict[str, User]) -> None:
    response = Client().post("/accounts/sign-in/", {"username": "anders", "password": DEMO_PASSWORD})

    assert response["Location"] == f"{SECOND_FACTOR}?next=/desk/"


def test_an_analyst_who_enrolled_cannot_skip_the_code(people: dict[str, User]) -> None:
    client = _password_only(people["anders"])

    response = client.get("/desk/")

    assert response.status_code == 302
    assert response["Location"] == SECOND_FACTOR


def test_an_analyst_who_enrolled_gets_in_with_the_code(people: dict[str, User]) -> None:
    anders = people["anders"]
    client = _password_only(anders)

    assert client.post(SECOND_FACTOR, {"code": current_code(anders)}).status_code == 302
    assert client.get("/desk/").status_code == 200


def test_a_target_with_its_own_query_string_survives_the_second_factor(people: dict[str, User]) -> None:
    ida = people["ida"]
    client = Client()
    target = "/accounts/security/?a=1&b=2"

    response = client.post(f"/accounts/sign-in/?next={quote(target, safe='/')}",
                           {"username": "ida", "password": DEMO_PASSWORD, "next": target})
    page = client.get(response["Location"])
    passed = client.post(response["Location"], {"code": current_code(ida), "next": page.context["next"]})

    assert passed["Location"] == target


def test_a_recovery_code_of_digits_only_is_not_a_wrong_authenticator_code(people: dict[str, User]) -> None:
    ida = people["ida"]
    issue_recovery_codes(ida)
    StaticDevice.objects.get(user=ida).token_set.create(token="1234567890")
    client = _password_only(ida)

    response = client.post(SECOND_FACTOR, {"code": "1234567890"})

    assert response.status_code == 302
    assert _device(ida).throttling_failure_count == 0
