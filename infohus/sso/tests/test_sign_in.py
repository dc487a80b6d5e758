"""Signing in through a provider: the button, the authorization request, the callback, the
session and the audit event, and the second factor from the provider or from Infohus."""

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from infohus.accounts.models import Membership, SignedInSession, User
from infohus.accounts.permissions import SESSION_MEMBERSHIP_KEY
from infohus.audit.models import AuditEvent
from infohus.sso.crypto import decrypt_secret
from infohus.sso.models import ExternalIdentity, Provider
from infohus.sso.tests.conftest import ORGANISATION
from infohus.sso.tests.provider import CLIENT_SECRET, LoopbackProvider, configure

SIGN_IN = "/accounts/sign-in/"


def test_the_sign_in_page_offers_each_active_provider(provider: Provider, loopback: LoopbackProvider) -> None:
    Provider.objects.create(slug="off", name="Switched-off IdP", issuer="https://off.invalid", client_id="x",
                            is_active=False)

    response = Client().get(SIGN_IN)

    assert response.status_code == 200
    assert b"Sign in with Aarhus IdP" in response.content
    assert b'href="/accounts/sso/aarhus-idp/begin/"' in response.content
    assert b"Switched-off IdP" not in response.content


def test_the_button_carries_the_page_the_person_wanted(provider: Provider) -> None:
    response = Client().get(SIGN_IN, {"next": "/desk/cases/?status=open"})

    assert b'href="/accounts/sso/aarhus-idp/begin/?next=/desk/cases/%3Fstatus%3Dopen"' in response.content


def test_without_providers_the_sign_in_page_has_no_section(db: None) -> None:
    response = Client().get(SIGN_IN)

    assert b"Or sign in through your organisation" not in response.content


@pytest.mark.parametrize("providers", [1, 12])
def test_the_sign_in_page_asks_one_query_for_the_buttons(
    db: None, providers: int, django_assert_max_num_queries: Any
) -> None:
    for number in range(providers):
        Provider.objects.create(slug=f"idp-{number}", name=f"IdP {number}", issuer="https://idp.invalid",
                                client_id="x")
    client = Client()
    # the active providers, in one query; an anonymous visitor's page asks nothing else
    with django_assert_max_num_queries(1):
        response = client.get(SIGN_IN)
    assert response.content.count(b"Sign in with IdP") == providers


def test_begin_sends_the_browser_to_the_provider_with_state_nonce_and_pkce(
    provider: Provider, loopback: LoopbackProvider
) -> None:
    client = Client()
    response = client.get("/accounts/sso/aarhus-idp/begin/", {"next": "/desk/"})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{loopback.issuer}/authorize"
    params = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert params["response_type"] == "code"
    assert params["client_id"] == loopback.client_id
    assert params["redirect_uri"] == "http://testserver/accounts/sso/aarhus-idp/callback/"
    assert params["scope"].split() == ["openid", "email", "profile"]
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32 and len(params["code_challenge"]) == 43
    flow = client.session["infohus_sso_flows"][params["state"]]
    assert flow["nonce"] == params["nonce"] and flow["next"] == "/desk/"
    # The verifier stays in the session; only its challenge travels.
    assert flow["code_verifier"] not in response["Location"]


def test_a_linked_person_signs_in_and_lands_on_the_start_page(
    provider: Provider, people: dict[str, User], sign_in_through: Callable[..., Any]
) -> None:
    carl = people["carl"]
    ExternalIdentity.objects.create(provider=provider, subject="carl-sub", user=carl)
    client = Client()

    response = sign_in_through(client, provider, "carl-sub")

    assert response.status_code == 302 and response["Location"] == "/desk/"
    assert int(client.session["_auth_user_id"]) == carl.pk
    start = client.get("/desk/")
    assert start.status_code == 200, "the provider's second factor counts: no code is asked"
    assert start.context["active_membership"].organisation.name == ORGANISATION["aarhus"]
    assert SignedInSession.objects.filter(user=carl, session_key=client.session.session_key).exists()
    event = AuditEvent.objects.get(action="sign_in.success")
    assert event.actor_id == carl.pk
    assert event.details == {"provider": "aarhus-idp", "subject": "carl-sub", "second_factor": "provider"}
    assert ExternalIdentity.objects.get(subject="carl-sub").last_signed_in_at is not None


def test_the_session_acts_in_the_membership_the_provider_named(
    provider: Provider, people: dict[str, User], sign_in_through: Callable[..., Any], loopback: LoopbackProvider
) -> None:
    # carl is a case worker in Aarhus and in Odder; the provider says Odder this time.
    loopback.identities["carl-sub"].organisation = "odder"
    client = Client()

    sign_in_through(client, provider, "carl-sub")

    odder = Membership.objects.get(user=people["carl"], organisation__name=ORGANISATION["odder"])
    assert client.session[SESSION_MEMBERSHIP_KEY] == odder.pk


def test_a_verified_e_mail_address_links_the_account(
    provider: Provider, people: dict[str, User], sign_in_through: Callable[..., Any]
) -> None:
    client = Client()

    response = sign_in_through(client, provider, "carl-sub")

    assert response.status_code == 302
    identity = ExternalIdentity.objects.get(provider=provider, subject="carl-sub")
    assert identity.user == people["carl"]
    linked = AuditEvent.objects.get(action="sso.linked")
    assert linked.details["matched_by"] == "verified e-mail address"


def test_without_the_provider_s_second_factor_infohus_asks_for_its_own(
    people: dict[str, User], loopback: LoopbackProvider, sign_in_through: Callable[..., Any]
) -> None:
    provider = configure(loopback, organisations={"aarhus": ORGANISATION["aarhus"]},
                         roles={"case_worker": "case_worker"}, require_mfa=False)
    client = Client()

    response = sign_in_through(client, provider, "carl-sub", next_url="/desk/cases/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/second-factor/?next=/desk/cases/"
    assert client.get("/desk/")["Location"] == "/accounts/second-factor/"
    event = AuditEvent.objects.get(action="sign_in.success")
    assert event.details["second_factor"] == "infohus"


def test_a_person_without_an_authenticator_is_sent_to_enrol(
    people: dict[str, User], loopback: LoopbackProvider, sign_in_through: Callable[..., Any]
) -> None:
    TOTPDevice.objects.filter(user=people["carl"]).delete()
    provider = configure(loopback, organisations={"aarhus": ORGANISATION["aarhus"]},
                         roles={"case_worker": "case_worker"})

    response = sign_in_through(Client(), provider, "carl-sub")

    assert response["Location"].startswith("/accounts/second-factor/enrol/")


def test_an_amr_the_provider_does_not_list_is_not_a_second_factor_but_an_acr_can_be(
    people: dict[str, User], loopback: LoopbackProvider, sign_in_through: Callable[..., Any]
) -> None:
    loopback.identities["carl-sub"].amr = ["pwd"]
    loopback.identities["carl-sub"].acr = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
    provider = configure(loopback, organisations={"aarhus": ORGANISATION["aarhus"]},
                         roles={"case_worker": "case_worker"}, require_mfa=True, mfa_amr_values="mfa",
                         mfa_acr_values="https://data.gov.dk/concept/core/nsis/loa/Substantial")

    response = sign_in_through(Client(), provider, "carl-sub")

    assert response["Location"] == "/desk/"


def test_the_next_address_is_kept_and_another_site_is_not_followed(
    provider: Provider, people: dict[str, User], sign_in_through: Callable[..., Any]
) -> None:
    kept = sign_in_through(Client(), provider, "carl-sub", next_url="/desk/cases/")
    elsewhere = sign_in_through(Client(), provider, "carl-sub", next_url="https://evil.invalid/")

    assert kept["Location"] == "/desk/cases/"
    assert elsewhere["Location"] == "/desk/"


def test_link_or_create_makes_an_account_with_the_mapped_membership(
    people: dict[str, User], loopback: LoopbackProvider, sign_in_through: Callable[..., Any]
) -> None:
    provider = configure(loopback, organisations={"aarhus": ORGANISATION["aarhus"]}, roles={"mentor": "mentor"},
                         require_mfa=True, account_policy=Provider.AccountPolicy.LINK_OR_CREATE)
    client = Client()

    response = sign_in_through(client, provider, "newcomer-sub")

    assert response["Location"] == "/desk/"
    nina = User.objects.get(external_identities__subject="newcomer-sub")
    assert nina.username == "aarhus-idp.nina"
    assert (nina.first_name, nina.last_name, nina.email) == ("Nina", "Nyborg", "nina@aarhus.invalid")
    assert not nina.has_usable_password()
    membership = Membership.objects.get(user=nina)
    assert (membership.organisation.name, membership.role, membership.is_active) == (
        ORGANISATION["aarhus"], "mentor", True)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"sso.account_created", "sso.linked", "membership.granted", "sso.membership_granted",
            "sign_in.success"} <= actions


def test_link_or_create_gives_a_linked_account_the_role_the_provider_names(
    people: dict[str, User], loopback: LoopbackProvider, sign_in_through: Callable[..., Any]
) -> None:
    provider = configure(loopback, organisations={"randers": ORGANISATION["randers"]},
                         roles={"case_worker": "case_worker"}, require_mfa=True,
                         account_policy=Provider.AccountPolicy.LINK_OR_CREATE)
    loopback.identities["carl-sub"].organisation = "randers"

    response = sign_in_through(Client(), provider, "carl-sub")

    assert response["Location"] == "/desk/"
    assert Membership.objects.filter(user=people["carl"], organisation__name=ORGANISATION["randers"],
                                     role="case_worker", is_active=True).exists()


def test_the_client_secret_is_stored_encrypted(provider: Provider) -> None:
    assert CLIENT_SECRET not in provider.client_secret_encrypted
    assert decrypt_secret(provider.client_secret_encrypted) == CLIENT_SECRET


def test_the_token_request_carries_the_pkce_verifier_and_the_client_secret(
    provider: Provider, people: dict[str, User], loopback: LoopbackProvider, sign_in_through: Callable[..., Any]
) -> None:
    sign_in_through(Client(), provider, "carl-sub")

    (request,) = loopback.token_requests
    assert request["authorization"].startswith("Basic ")
    assert len(request["form"]["code_verifier"]) >= 43
    assert request["form"]["redirect_uri"] == "http://testserver/accounts/sso/aarhus-idp/callback/"
