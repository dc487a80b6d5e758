"""Signing out of a session that came from a provider: the local session always ends; where the
provider offers RP-initiated logout, the page after signing out links to it (with the ID token as
hint and a way back)."""

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory

from conftest import sign_in_fully
from infohus.accounts.models import SignedInSession, User
from infohus.audit.models import AuditEvent
from infohus.sso import services
from infohus.sso.models import Provider
from infohus.sso.tests.conftest import ORGANISATION, path_of
from infohus.sso.tests.provider import Identity, LoopbackProvider, configure, redirect_of

SIGN_OUT = "/accounts/sso/sign-out/"


@pytest.fixture
def carl_through_provider(provider: Provider, sign_in_through: Callable[..., Any]) -> Client:
    client = Client()
    assert sign_in_through(client, provider, "carl-sub")["Location"] == "/desk/"
    return client


def _desk_asks_for_sign_in(client: Client) -> bool:
    response = client.get("/desk/")
    return response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def _provider_link(response: Any) -> str:
    assert response.status_code == 200, response.get("Location")
    assert response.templates[0].name == "sso/signed_out_here.html"
    link: str = response.context["provider_url"]
    assert f'href="{link}"'.replace("&", "&amp;").encode() in response.content
    return link


def test_signing_out_links_to_the_provider_with_the_id_token_as_hint(
    carl_through_provider: Client, loopback: LoopbackProvider
) -> None:
    client = carl_through_provider

    link = _provider_link(client.post(SIGN_OUT))

    target = urlsplit(link)
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{loopback.issuer}/end-session"
    params = {key: values[0] for key, values in parse_qs(target.query).items()}
    assert params["id_token_hint"] == loopback.issued_id_tokens[-1]
    assert params["client_id"] == loopback.client_id
    assert params["post_logout_redirect_uri"] == "http://testserver/accounts/sso/signed-out/"
    assert params["state"]
    assert not SignedInSession.objects.exists(), "the session here ended before the page was shown"
    assert _desk_asks_for_sign_in(client)
    assert AuditEvent.objects.filter(action="sign_out").count() == 1


def test_the_way_back_from_the_provider_says_both_sessions_ended(
    carl_through_provider: Client, loopback: LoopbackProvider
) -> None:
    client = carl_through_provider
    back = redirect_of(_provider_link(client.post(SIGN_OUT)))

    response = client.get(path_of(back), follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert b"You are signed out, here and at your identity provider." in response.content
    assert loopback.logouts[-1]["id_token_hint"] == loopback.issued_id_tokens[-1]
    # The state is used once.
    assert b"identity provider" not in client.get(path_of(back), follow=True).content


def test_a_way_back_with_a_made_up_state_says_nothing(db: None) -> None:
    response = Client().get("/accounts/sso/signed-out/?state=made-up", follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert b"identity provider" not in response.content


def test_the_ordinary_sign_out_ends_a_provider_session_too(carl_through_provider: Client) -> None:
    client = carl_through_provider

    client.post("/accounts/sign-out/")

    assert _desk_asks_for_sign_in(client)
    assert not SignedInSession.objects.exists()


def test_a_provider_without_end_session_gets_a_local_sign_out(
    people: dict[str, User], sign_in_through: Callable[..., Any]
) -> None:
    with LoopbackProvider(end_session=False) as quiet:
        quiet.add(Identity("carl-sub", "Carl Brink", email="carl@demo.infohus.invalid"))
        provider = configure(quiet, slug="quiet-idp", organisations={"aarhus": ORGANISATION["aarhus"]},
                             roles={"case_worker": "case_worker"}, require_mfa=True)
        client = Client()
        started = client.get("/accounts/sso/quiet-idp/begin/")
        client.get(path_of(quiet.approve(started["Location"], "carl-sub")))
        page = client.get(SIGN_OUT)

        response = client.post(SIGN_OUT)

    assert provider.is_active
    assert b"you can sign out of" not in page.content
    assert response["Location"] == "/"
    assert _desk_asks_for_sign_in(client)


def test_the_sign_out_page_offers_the_provider_only_to_its_sessions(
    carl_through_provider: Client, people: dict[str, User]
) -> None:
    through_provider = carl_through_provider.get(SIGN_OUT)
    with_password = sign_in_fully(Client(), people["ida"]).get(SIGN_OUT)

    assert through_provider.status_code == with_password.status_code == 200
    assert b"you can sign out of Aarhus IdP as well" in through_provider.content
    assert b"you can sign out of" not in with_password.content
    assert b"Sign out of Infohus" in with_password.content


def test_a_password_session_signs_out_here_only(people: dict[str, User]) -> None:
    client = sign_in_fully(Client(), people["ida"])

    response = client.post(SIGN_OUT)

    assert response["Location"] == "/"
    assert _desk_asks_for_sign_in(client)


def test_the_sign_out_page_sends_anonymous_visitors_to_the_front_page(db: None) -> None:
    assert Client().get(SIGN_OUT)["Location"] == "/"


def _header_button(client: Client) -> str:
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = User.objects.get(pk=client.session["_auth_user_id"])
    return Template("{% load sso %}{% sso_sign_out_button %}").render(Context({"request": request, "csrf_token": "t"}))


def test_the_header_button_signs_out_at_the_provider_for_its_sessions(
    carl_through_provider: Client, people: dict[str, User]
) -> None:
    through_provider = _header_button(carl_through_provider)
    with_password = _header_button(sign_in_fully(Client(), people["ida"]))

    assert 'action="/accounts/sso/sign-out/"' in through_provider
    assert 'action="/accounts/sign-out/"' in with_password


# --- a provider turned off or removed -----------------------------------------------------------

def test_turning_a_provider_off_ends_the_sessions_begun_through_it(
    carl_through_provider: Client, provider: Provider, people: dict[str, User]
) -> None:
    with_password = sign_in_fully(Client(), people["carl"])
    someone_else = sign_in_fully(Client(), people["ida"])

    provider.is_active = False
    ended = services.save_provider(provider=provider, by=people["sofie"])

    assert ended == 1
    assert _desk_asks_for_sign_in(carl_through_provider)
    assert with_password.get("/desk/").status_code == 200, "a password sign-in is not the provider's"
    assert someone_else.get("/desk/").status_code == 200
    event = AuditEvent.objects.get(action="sso.provider_turned_off")
    assert event.actor_username == "sofie" and event.details == {"sessions_ended": 1}


def test_saving_a_provider_that_stays_on_ends_no_session(
    carl_through_provider: Client, provider: Provider, people: dict[str, User]
) -> None:
    provider.name = "Renamed"
    assert services.save_provider(provider=provider, by=people["sofie"]) == 0
    assert carl_through_provider.get("/desk/").status_code == 200
    assert not AuditEvent.objects.filter(action="sso.provider_turned_off").exists()


def test_removing_a_provider_in_the_admin_site_ends_its_sessions(
    carl_through_provider: Client, provider: Provider, signed_in: Callable[[str], Client]
) -> None:
    response = signed_in("sofie").post(f"/admin/sso/provider/{provider.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Provider.objects.filter(pk=provider.pk).exists()
    assert _desk_asks_for_sign_in(carl_through_provider)
    assert AuditEvent.objects.get(action="sso.provider_removed").details == {
        "sessions_ended": 1, "slug": provider.slug}
