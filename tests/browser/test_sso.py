"""Single sign-on in a real browser: a person clicks "Sign in with …" on the sign-in page, signs
in at a loopback OpenID provider, lands on their start page signed in, and signing out ends the
session (here only, or at the provider as well). No page on the way logs a console error or a
Content-Security-Policy violation.

Visible texts are looked up through Django's catalogues, in Danish (the site's default)."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from playwright.sync_api import Page, expect

from infohus.accounts.models import SignedInSession, User
from infohus.accounts.people import ORGANISATIONS
from infohus.accounts.roles import Role
from infohus.core.start_pages import start_page_for
from infohus.sso.models import ExternalIdentity, Provider
from infohus.sso.tests.provider import Identity, LoopbackProvider, configure
from tests.browser.conftest import collect_problems

pytestmark = [pytest.mark.browser]

ORGANISATION = {org.key: org.name for org in ORGANISATIONS}
PROVIDER_NAME = "Aarhus Kommune login"


@pytest.fixture
def loopback() -> Iterator[LoopbackProvider]:
    with LoopbackProvider() as provider:
        provider.add(Identity("carl-at-aarhus", "Carl Brink", email="carl@demo.infohus.invalid"))
        provider.add(Identity("kamal-at-aarhus", "Kamal Østergaard", email="kamal@demo.infohus.invalid",
                              role="community"))
        yield provider


@pytest.fixture
def provider(demo_people: dict[str, User], loopback: LoopbackProvider, settings: Any) -> Provider:
    settings.SSO_ALLOW_HTTP_LOOPBACK = True
    return configure(
        loopback, slug="aarhus", name=PROVIDER_NAME, require_mfa=True,
        organisations={"aarhus": ORGANISATION["aarhus"]},
        roles={"case_worker": Role.CASE_WORKER, "community": Role.COMMUNITY_COORDINATOR},
    )


def sign_in_at_the_provider(page: Page, base_url: str, person_at_provider: str) -> None:
    """Front page → "Sign in" → "Sign in with …" → the provider's page → back at Infohus."""
    page.goto(base_url + "/")
    page.get_by_role("main").get_by_role("link", name=_("Sign in to the practice desk")).click()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    page.get_by_role("link", name=_("Sign in with %(provider)s") % {"provider": PROVIDER_NAME}).click()
    expect(page.get_by_role("heading", name="Loopback identity provider")).to_be_visible()
    page.get_by_label(person_at_provider).check()
    page.get_by_role("button", name="Sign in", exact=True).click()


def expect_start_page_of(page: Page, user: User) -> None:
    expect(page).to_have_url(re.compile(r"/desk/$"))
    header = page.get_by_test_id("signed-in-as")
    expect(header).to_contain_text(user.get_full_name())
    membership = user.memberships.get()
    expect(header).to_contain_text(str(membership.get_role_display()))
    expect(page.get_by_role("heading", level=1)).to_have_text(str(start_page_for(membership).title))


def test_a_person_signs_in_through_their_provider_and_signs_out(
    live_server: Any, provider: Provider, demo_people: dict[str, User], page: Page
) -> None:
    carl = demo_people["carl"]
    carl.memberships.exclude(organisation__name=ORGANISATION["aarhus"]).delete()  # one membership: one header
    problems = collect_problems(page)

    with translation.override("da"):
        sign_in_at_the_provider(page, live_server.url, "Carl Brink")
        expect_start_page_of(page, carl)
        assert ExternalIdentity.objects.get(provider=provider).user == carl
        assert SignedInSession.objects.filter(user=carl).count() == 1

        page.get_by_role("banner").get_by_role("button", name=_("Sign out")).click()
        expect(page).to_have_url(re.compile(r"/$"))
        expect(page.get_by_test_id("signed-in-as")).to_have_count(0)
        page.goto(live_server.url + "/desk/")
        expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))

    assert not SignedInSession.objects.filter(user=carl).exists()
    assert problems == [], f"console errors or page errors: {problems}"


def test_signing_out_at_the_provider_as_well(
    live_server: Any, provider: Provider, demo_people: dict[str, User], loopback: LoopbackProvider, page: Page
) -> None:
    kamal = demo_people["kamal"]
    problems = collect_problems(page)

    with translation.override("da"):
        sign_in_at_the_provider(page, live_server.url, "Kamal Østergaard")
        expect_start_page_of(page, kamal)

        page.goto(live_server.url + "/accounts/sso/sign-out/")
        page.get_by_role("button", name=_("Sign out of Infohus")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(_("You are signed out of Infohus"))
        expect(page.get_by_test_id("signed-in-as")).to_have_count(0)
        page.get_by_role("link", name=_("Sign out of %(provider)s as well") % {"provider": PROVIDER_NAME}).click()
        expect(page).to_have_url(re.compile(r"/$"))
        expect(page.get_by_role("status")).to_contain_text(
            _("You are signed out, here and at your identity provider."))
        expect(page.get_by_test_id("signed-in-as")).to_have_count(0)

    assert loopback.logouts and loopback.logouts[-1]["id_token_hint"] == loopback.issued_id_tokens[-1]
    assert not SignedInSession.objects.filter(user=kamal).exists()
    assert problems == [], f"console errors or page errors: {problems}"


def test_a_refused_sign_in_shows_why_in_plain_words(
    live_server: Any, provider: Provider, demo_people: dict[str, User], loopback: LoopbackProvider, page: Page
) -> None:
    loopback.identities["carl-at-aarhus"].organisation = "skanderborg"
    problems = collect_problems(page)

    with translation.override("da"):
        sign_in_at_the_provider(page, live_server.url, "Carl Brink")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            _("Signing in through %(provider)s did not work") % {"provider": PROVIDER_NAME})
        expect(page.get_by_role("alert")).to_contain_text(
            _("Your organisation at the provider is not set up for Infohus."))
        page.get_by_role("link", name=_("Back to the sign-in page")).click()
        expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))

    # The refused page's console may show the 403 of the document itself; nothing else.
    assert [p for p in problems if "status of 403" not in p] == [], problems
