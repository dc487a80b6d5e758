"""Bad input at the callback: each is answered with a page that says why in plain words (400,
403 or 502, never a stack trace), the refusal is audited without any token, and nothing else is
written: no session, no account, no link, no membership."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from infohus.accounts.models import Membership, Organisation, SignedInSession, User
from infohus.audit.models import AuditEvent
from infohus.sso.models import ExternalIdentity, Provider, ProviderDevice
from infohus.sso.tests.conftest import ORGANISATION, path_of
from infohus.sso.tests.provider import Identity, LoopbackProvider, configure


def _rows() -> tuple[int, ...]:
    return (User.objects.count(), Membership.objects.count(), ExternalIdentity.objects.count(),
            SignedInSession.objects.count(), ProviderDevice.objects.count())


def _nothing_written_since(before: tuple[int, ...]) -> None:
    assert _rows() == before
    assert not AuditEvent.objects.filter(action__in=["sign_in.success", "sso.linked", "sso.account_created",
                                                     "membership.granted"]).exists()


@pytest.fixture
def nothing_written(people: dict[str, User]) -> Callable[[], None]:
    """Counts before the test; the returned check says that only the refusal's audit row was added."""
    before = _rows()
    return lambda: _nothing_written_since(before)


def _refused(response: Any, status: int, reason: str) -> AuditEvent:
    assert response.status_code == status, response.content[:300]
    assert f'data-reason="{reason}"'.encode() in response.content
    assert b"Traceback" not in response.content
    assert response.templates[0].name == "sso/refused.html"
    event = AuditEvent.objects.filter(action="sso.refused").latest("seq")
    assert event.details["reason"] == reason
    assert event.details["provider"] == "aarhus-idp"
    return event


def _no_tokens_in(event: AuditEvent, loopback: LoopbackProvider) -> None:
    written = json.dumps(event.details)
    for token in loopback.issued_id_tokens:
        assert token not in written
    for code in loopback.codes:
        assert code not in written


@pytest.mark.parametrize(("misbehaviour", "reason"), [
    ("wrong_key", "bad_signature"),
    ("expired", "expired_token"),
    ("wrong_nonce", "wrong_nonce"),
    ("wrong_issuer", "wrong_issuer"),
    ("wrong_audience", "wrong_audience"),
    ("no_id_token", "no_id_token"),
])
def test_an_id_token_that_fails_a_check_is_refused(
    provider: Provider, loopback: LoopbackProvider, sign_in_through: Callable[..., Any],
    nothing_written: Callable[[], None], misbehaviour: str, reason: str,
) -> None:
    loopback.misbehave.add(misbehaviour)
    client = Client()

    response = sign_in_through(client, provider, "carl-sub")

    event = _refused(response, 400, reason)
    _no_tokens_in(event, loopback)
    assert "_auth_user_id" not in client.session
    nothing_written()


def test_an_error_from_the_provider_is_shown_and_refused(
    provider: Provider, loopback: LoopbackProvider, nothing_written: Callable[[], None]
) -> None:
    loopback.misbehave.add("error")
    client = Client()
    started = client.get("/accounts/sso/aarhus-idp/begin/")

    response = client.get(path_of(loopback.approve(started["Location"], "carl-sub")))

    event = _refused(response, 403, "provider_error")
    assert b"The provider said: access_denied: The person cancelled the sign-in" in response.content
    assert event.details["detail"] == "access_denied: The person cancelled the sign-in"
    assert not loopback.token_requests, "no code was exchanged"
    nothing_written()


def test_a_replayed_callback_is_refused(
    provider: Provider, people: dict[str, User], loopback: LoopbackProvider
) -> None:
    client = Client()
    started = client.get("/accounts/sso/aarhus-idp/begin/")
    callback = path_of(loopback.approve(started["Location"], "carl-sub"))
    assert client.get(callback).status_code == 302  # the first use signs carl in
    signed_in = AuditEvent.objects.filter(action="sign_in.success").count()

    again = client.get(callback)
    copier = Client()  # someone who copied the address
    elsewhere = copier.get(callback)

    _refused(again, 400, "unknown_state")
    _refused(elsewhere, 400, "unknown_state")
    assert AuditEvent.objects.filter(action="sign_in.success").count() == signed_in == 1
    assert len(loopback.token_requests) == 1, "the code was not sent to the provider again"
    assert "_auth_user_id" not in copier.session


def test_a_callback_without_a_state_or_with_one_never_issued_is_refused(
    provider: Provider, nothing_written: Callable[[], None]
) -> None:
    _refused(Client().get("/accounts/sso/aarhus-idp/callback/?code=abc"), 400, "unknown_state")
    _refused(Client().get("/accounts/sso/aarhus-idp/callback/?code=abc&state=made-up"), 400, "unknown_state")
    nothing_written()


def test_a_state_started_for_another_provider_is_refused(
    provider: Provider, loopback: LoopbackProvider, nothing_written: Callable[[], None]
) -> None:
    other = configure(loopback, slug="randers-idp", name="Randers IdP")
    client = Client()
    started = client.get(f"/accounts/sso/{other.slug}/begin/")
    callback = path_of(loopback.approve(started["Location"], "carl-sub"))

    response = client.get(callback.replace("/randers-idp/", "/aarhus-idp/"))

    _refused(response, 400, "unknown_state")
    nothing_written()


def test_a_callback_without_a_code_is_refused(
    provider: Provider, loopback: LoopbackProvider, nothing_written: Callable[[], None]
) -> None:
    client = Client()
    started = client.get("/accounts/sso/aarhus-idp/begin/")
    state = client.session["infohus_sso_flows"].popitem()[0]
    assert state in started["Location"]

    _refused(client.get(f"/accounts/sso/aarhus-idp/callback/?state={state}"), 400, "no_code")
    nothing_written()


def test_a_wrong_client_secret_is_refused_by_the_provider(
    provider: Provider, loopback: LoopbackProvider, sign_in_through: Callable[..., Any],
    nothing_written: Callable[[], None],
) -> None:
    loopback.client_secret = "the provider changed it"

    _refused(sign_in_through(Client(), provider, "carl-sub"), 400, "token_refused")
    nothing_written()


@pytest.mark.parametrize(("claim", "value", "reason"), [
    ("organisation", "skanderborg", "unmapped_organisation"),
    ("organisation", None, "unmapped_organisation"),
    ("organisation", ["aarhus", "randers"], "unmapped_organisation"),
    ("role", "system_administrator", "unmapped_role"),
    ("role", None, "unmapped_role"),
])
def test_an_organisation_or_role_without_a_mapping_is_refused(
    provider: Provider, loopback: LoopbackProvider, sign_in_through: Callable[..., Any],
    nothing_written: Callable[[], None], claim: str, value: Any, reason: str,
) -> None:
    setattr(loopback.identities["carl-sub"], claim, value)

    event = _refused(sign_in_through(Client(), provider, "carl-sub"), 403, reason)
    assert event.details["subject"] == "carl-sub"
    nothing_written()


def test_an_inactive_organisation_is_refused(
    provider: Provider, loopback: LoopbackProvider, sign_in_through: Callable[..., Any],
    nothing_written: Callable[[], None],
) -> None:
    Organisation.objects.filter(name=ORGANISATION["aarhus"]).update(is_active=False)

    _refused(sign_in_through(Client(), provider, "carl-sub"), 403, "inactive_organisation")
    nothing_written()


def test_a_missing_second_factor_is_refused_where_the_provider_must_show_one(
    provider: Provider, loopback: LoopbackProvider, sign_in_through: Callable[..., Any],
    nothing_written: Callable[[], None],
) -> None:
    loopback.identities["carl-sub"].amr = ["pwd"]

    _refused(sign_in_through(Client(), provider, "carl-sub"), 403, "mfa_missing")
    nothing_written()


def test_link_only_refuses_a_person_without_an_account(
    provider: Provider, sign_in_through: Callable[..., Any], nothing_written: Callable[[], None]
) -> None:
    _refused(sign_in_through(Client(), provider, "newcomer-sub"), 403, "no_account")
    nothing_written()


def test_an_unverified_e_mail_address_links_nothing(
    provider: Provider, loopback: LoopbackProvider, sign_in_through: Callable[..., Any],
    nothing_written: Callable[[], None],
) -> None:
    loopback.identities["carl-sub"].email_verified = False

    _refused(sign_in_through(Client(), provider, "carl-sub"), 403, "no_account")
    nothing_written()


def test_link_only_refuses_an_account_without_the_mapped_membership(
    provider: Provider, loopback: LoopbackProvider, people: dict[str, User], sign_in_through: Callable[..., Any],
    nothing_written: Callable[[], None],
) -> None:
    loopback.identities["carl-sub"].role = "coordinator"  # carl is no Info-house coordinator

    event = _refused(sign_in_through(Client(), provider, "carl-sub"), 403, "no_membership")
    assert event.details["username"] == "carl"
    nothing_written()


def test_a_membership_an_administrator_ended_is_not_brought_back(
    people: dict[str, User], loopback: LoopbackProvider, sign_in_through: Callable[..., Any],
) -> None:
    provider = configure(loopback, organisations={"aarhus": ORGANISATION["aarhus"]},
                         roles={"case_worker": "case_worker"}, require_mfa=True,
                         account_policy=Provider.AccountPolicy.LINK_OR_CREATE)
    Membership.objects.filter(user=people["carl"], organisation__name=ORGANISATION["aarhus"]).update(is_active=False)

    _refused(sign_in_through(Client(), provider, "carl-sub"), 403, "membership_ended")
    assert not ExternalIdentity.objects.exists(), "the link made on the way was rolled back"
    assert not Membership.objects.filter(user=people["carl"], organisation__name=ORGANISATION["aarhus"],
                                         is_active=True).exists()


def test_a_disabled_account_is_refused(
    provider: Provider, people: dict[str, User], sign_in_through: Callable[..., Any]
) -> None:
    ExternalIdentity.objects.create(provider=provider, subject="carl-sub", user=people["carl"])
    User.objects.filter(pk=people["carl"].pk).update(is_active=False)
    before = _rows()

    _refused(sign_in_through(Client(), provider, "carl-sub"), 403, "account_disabled")
    _nothing_written_since(before)


def test_an_account_linked_to_another_identity_is_not_taken_over(
    provider: Provider, loopback: LoopbackProvider, people: dict[str, User], sign_in_through: Callable[..., Any]
) -> None:
    ExternalIdentity.objects.create(provider=provider, subject="carl-sub", user=people["carl"])
    loopback.add(Identity("impostor-sub", "Carl Impostor", email="carl@demo.infohus.invalid"))
    before = _rows()

    _refused(sign_in_through(Client(), provider, "impostor-sub"), 403, "already_linked")
    _nothing_written_since(before)


def test_two_accounts_with_the_e_mail_address_link_neither(
    provider: Provider, people: dict[str, User], sign_in_through: Callable[..., Any],
) -> None:
    User.objects.create(username="carl2", email="CARL@demo.infohus.invalid")

    _refused(sign_in_through(Client(), provider, "carl-sub"), 403, "ambiguous_email")
    assert not ExternalIdentity.objects.exists()


def test_an_inactive_provider_is_refused_at_the_start_and_at_the_callback(
    provider: Provider, loopback: LoopbackProvider, nothing_written: Callable[[], None]
) -> None:
    client = Client()
    started = client.get("/accounts/sso/aarhus-idp/begin/")
    callback = path_of(loopback.approve(started["Location"], "carl-sub"))
    Provider.objects.filter(pk=provider.pk).update(is_active=False)

    _refused(Client().get("/accounts/sso/aarhus-idp/begin/"), 403, "inactive_provider")
    _refused(client.get(callback), 403, "inactive_provider")
    assert not loopback.token_requests
    nothing_written()


def test_an_unknown_provider_is_not_found(db: None) -> None:
    assert Client().get("/accounts/sso/nobody/begin/").status_code == 404
    assert Client().get("/accounts/sso/nobody/callback/?state=x&code=y").status_code == 404


def test_a_provider_that_cannot_be_reached_gets_a_page_that_says_so(
    provider: Provider, loopback: LoopbackProvider
) -> None:
    loopback.stop()

    response = Client().get("/accounts/sso/aarhus-idp/begin/")

    _refused(response, 502, "unreachable")


def test_the_begin_address_is_a_link_and_takes_no_post(provider: Provider) -> None:
    assert Client().post("/accounts/sso/aarhus-idp/begin/").status_code == 405


def test_a_sign_in_that_took_longer_than_ten_minutes_is_refused(
    provider: Provider, loopback: LoopbackProvider, nothing_written: Callable[[], None]
) -> None:
    client = Client()
    callback = path_of(loopback.approve(client.get("/accounts/sso/aarhus-idp/begin/")["Location"], "carl-sub"))
    session = client.session
    flows = session["infohus_sso_flows"]
    for flow in flows.values():
        flow["started"] -= 601
    session["infohus_sso_flows"] = flows
    session.save()

    event = _refused(client.get(callback), 400, "unknown_state")
    assert event.details["detail"] == "the sign-in took longer than ten minutes"
    assert not loopback.token_requests
    nothing_written()


def test_sign_ins_started_in_two_tabs_each_finish_once(
    provider: Provider, people: dict[str, User], loopback: LoopbackProvider
) -> None:
    client = Client()
    first = path_of(loopback.approve(client.get("/accounts/sso/aarhus-idp/begin/")["Location"], "carl-sub"))
    second = path_of(loopback.approve(client.get("/accounts/sso/aarhus-idp/begin/")["Location"], "carl-sub"))

    assert client.get(second).status_code == 302
    assert client.get(first).status_code == 302
    _refused(client.get(first), 400, "unknown_state")
    _refused(client.get(second), 400, "unknown_state")
    assert AuditEvent.objects.filter(action="sign_in.success").count() == 2
