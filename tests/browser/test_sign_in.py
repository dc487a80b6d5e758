"""The foundation in a real browser: every role signs in with the second factor, a person
without an authenticator enrols one, the language switch works, and no page on the way logs a
console error or a Content-Security-Policy violation.

Visible texts are looked up through Django's own catalogues (the pages are in Danish, the
site's default language, unless a test says otherwise), so the tests keep working as the
translations are filled in."""

import re
from base64 import b32decode
from collections.abc import Callable

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import BrowserContext, Page, expect

from conftest import current_code
from infohus.accounts.models import Membership, User
from infohus.accounts.people import DEMO_PASSWORD, ORGANISATIONS, PEOPLE, DemoPerson
from infohus.core.start_pages import start_page_for
from tests.browser.conftest import collect_problems

pytestmark = [pytest.mark.browser]

ORGANISATION_NAMES = {org.key: org.name for org in ORGANISATIONS}


def enter_password(page: Page, base_url: str, username: str) -> None:
    """Front page → "Sign in" → user name and password."""
    front = page.goto(base_url + "/")
    assert front is not None and front.status == 200
    # The policy is on, so a violation would show up among the console errors.
    assert "script-src 'self'" in front.headers["content-security-policy"]
    page.get_by_role("main").get_by_role("link", name=_("Sign in to the practice desk")).click()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    page.get_by_label(_("User name")).fill(username)
    page.get_by_label(_("Password"), exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=_("Sign in"), exact=True).click()


def expect_start_page(page: Page, person: DemoPerson, user: User) -> None:
    expect(page).to_have_url(re.compile(r"/desk/$"))
    header = page.get_by_test_id("signed-in-as")
    expect(header).to_contain_text(user.get_full_name())
    expect(header).to_contain_text(str(person.role.label))
    expect(header).to_contain_text(ORGANISATION_NAMES[person.organisation])
    # The demo lists each person's main membership first (carl's second one sorts after it).
    membership = Membership.objects.get(
        user=user, role=person.role, organisation__name=ORGANISATION_NAMES[person.organisation]
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(str(start_page_for(membership).title))


def sign_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name=_("Sign out")).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text(_("You are signed out."))
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)


def test_every_role_signs_in_with_the_second_factor(
    live_server, demo_people: dict[str, User], new_context: Callable[..., BrowserContext]
) -> None:
    roles_seen = set()
    with translation.override("da"):
        for person in PEOPLE:
            user = demo_people[person.username]
            page = new_context("da-DK").new_page()
            problems = collect_problems(page)

            enter_password(page, live_server.url, person.username)
            expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))
            page.get_by_label(_("Code from your authenticator app, or a recovery code")).fill(current_code(user))
            page.get_by_role("button", name=_("Continue"), exact=True).click()
            expect_start_page(page, person, user)

            sign_out(page)
            # The session is over on the server too: the desk asks for a sign-in again.
            page.goto(live_server.url + "/desk/")
            expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))

            assert problems == [], f"console errors or page errors for {person.username}: {problems}"
            page.context.close()
            roles_seen.add(person.role)
    assert roles_seen == {person.role for person in PEOPLE}


def test_a_person_without_an_authenticator_enrols_one(
    live_server, demo_people: dict[str, User], page: Page
) -> None:
    ida = demo_people["ida"]
    TOTPDevice.objects.filter(user=ida).delete()
    person = next(p for p in PEOPLE if p.username == "ida")
    problems = collect_problems(page)

    with translation.override("da"):
        enter_password(page, live_server.url, "ida")
        expect(page).to_have_url(re.compile(r"/accounts/second-factor/enrol/"))
        expect(page.locator(".qr-code svg")).to_be_visible()
        shown_key = page.get_by_test_id("totp-secret").inner_text()
        key = b32decode(shown_key.replace(" ", ""))
        page.get_by_label(_("The six-digit code your app shows now")).fill(f"{totp(key):06d}")
        page.get_by_role("button", name=_("Confirm"), exact=True).click()

        recovery_codes = page.get_by_test_id("recovery-codes").get_by_role("listitem")
        expect(recovery_codes.first).to_be_visible()
        assert recovery_codes.count() >= 5
        page.get_by_role("link", name=_("Continue to the practice desk")).click()
        expect_start_page(page, person, ida)

    assert TOTPDevice.objects.filter(user=ida, confirmed=True).count() == 1
    assert problems == [], f"console errors or page errors: {problems}"


def test_the_language_switch_changes_the_page_language(live_server, transactional_db: None, page: Page) -> None:
    page.goto(live_server.url + "/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "da")
    for shown, chosen in (("da", "en"), ("en", "da")):
        with translation.override(shown):
            page.get_by_label(_("Language")).select_option(chosen)
            page.get_by_role("button", name=_("Change"), exact=True).click()
        expect(html).to_have_attribute("lang", chosen)
        expect(page).to_have_url(re.compile(r"/$"))
