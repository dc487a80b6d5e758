"""The practice network in a real browser: a visitor finds a project by search, opens it, sees
the map and clicks a country; a proposal made with "Get involved" goes through moderation to
publication. No page on the way may log a console error or a page error.

As in test_sign_in.py, the pages are in Danish (the site's default language) and visible texts
are looked up through Django's catalogues, so the tests keep working as translations change.
Names that come from the data (project titles, country names) are the same in every language."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from playwright.sync_api import BrowserContext, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import current_code
from infohus.accounts.models import User
from infohus.accounts.people import DEMO_PASSWORD
from infohus.directory.countries import EUROPE
from infohus.directory.importing import import_country_page
from infohus.directory.models import Country, Project, Submission, Tag
from infohus.directory.tags import TAGS
from tests.browser.conftest import collect_problems

pytestmark = [pytest.mark.browser]

PAGES = Path(__file__).resolve().parents[2] / "infohus" / "directory" / "tests" / "pages"
# valid.txt lists three German projects; second-country.txt lists Harbour Mentoring again
# (under Austria) and one Austrian project.
FIXTURE_PAGES = ("valid.txt", "second-country.txt")
SEARCH_WORD = "mentor"
FOUND_TITLE = "Harbour Mentoring Programme"
CLICKED_COUNTRY = "Germany"


@pytest.fixture
def directory(transactional_db: None) -> None:
    """The fixture country pages imported and committed, so that the live server sees them.

    Countries and tags come from data migrations; a transactional test before this one may have
    flushed them, so they are put back first (update_or_create, as the migrations do)."""
    for code, numeric, name in EUROPE:
        Country.objects.update_or_create(code=code, defaults={"numeric_code": numeric, "name": name})
    for facet, slug, name_en, name_da in TAGS:
        Tag.objects.update_or_create(facet=facet, slug=slug, defaults={"name_en": name_en, "name_da": name_da})
    for name in FIXTURE_PAGES:
        import_country_page(text=(PAGES / name).read_text(encoding="utf-8"), source_name=name)


def starts_with(text: str) -> re.Pattern[str]:
    """A label that begins with `text`: optional fields add " (optional)" to their label."""
    return re.compile("^" + re.escape(text))


def search_from_front_page(page: Page, base_url: str, words: str) -> Locator:
    """Front page → the search box → the list of results."""
    page.goto(base_url + "/")
    box = page.get_by_role("search", name=_("Search the practice network"))
    box.get_by_label(_("Search projects and organisations"), exact=True).fill(words)
    box.get_by_role("button", name=_("Search"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/search/\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Search the practice network"))
    return page.locator("ol.search-results > li")


def sign_in(page: Page, base_url: str, user: User) -> None:
    """Password, then the current code of the person's authenticator, through the pages."""
    page.goto(base_url + "/")
    page.get_by_role("banner").get_by_role("link", name=_("Sign in to the practice desk")).click()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    page.get_by_label(_("User name")).fill(user.username)
    page.get_by_label(_("Password"), exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=_("Sign in"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))
    page.get_by_label(_("Code from your authenticator app, or a recovery code")).fill(current_code(user))
    page.get_by_role("button", name=_("Continue"), exact=True).click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(user.get_full_name())


def test_a_visitor_finds_a_project_by_search_and_by_the_map(
    live_server: LiveServer, directory: None, new_context: Callable[..., BrowserContext]
) -> None:
    project = Project.objects.prefetch_related("contacts").get(title=FOUND_TITLE)
    email = next(contact.email for contact in project.contacts.all() if contact.email)
    page = new_context("da-DK").new_page()
    problems = collect_problems(page)

    with translation.override("da"):
        # Search: the project is among the results, with the searched word marked.
        hits = search_from_front_page(page, live_server.url, SEARCH_WORD)
        hit = hits.filter(has=page.get_by_role("link", name=FOUND_TITLE, exact=True))
        expect(hit).to_have_count(1)
        marked = hit.get_by_role("heading").locator("mark")
        expect(marked.first).to_have_text(re.compile("^" + SEARCH_WORD, re.IGNORECASE))

        # The project page: its website and an e-mail address to write to.
        hit.get_by_role("link", name=FOUND_TITLE, exact=True).click()
        expect(page).to_have_url(live_server.url + reverse("directory:project", kwargs={"slug": project.slug}))
        expect(page.get_by_role("heading", level=1)).to_have_text(FOUND_TITLE)
        facts = page.locator("dl.project-facts")
        expect(facts.get_by_role("link", name=project.website, exact=True)).to_be_visible()
        mail = page.get_by_role("article").get_by_role("link", name=email, exact=True)
        expect(mail).to_have_attribute("href", f"mailto:{email}")

        # The map page: the shapes are drawn, and the plain list of countries is beside them.
        page.get_by_role("navigation", name=_("Main menu")).get_by_role("link", name=_("Map"), exact=True).click()
        expect(page).to_have_url(live_server.url + reverse("directory:map"))
        country_list = page.get_by_role("table", name=_("Published projects per country"))
        expect(country_list).to_be_visible()
        for country in project.countries.all():
            expect(country_list.get_by_role("link", name=country.name, exact=True)).to_have_attribute(
                "href", reverse("directory:country", kwargs={"code": country.code.lower()})
            )
        shaded = page.locator("#directory-map svg path.map-country:not(.map-shade-0)")
        expect(shaded.first).to_be_visible()
        expect(page.locator("#directory-map svg path.map-outside").first).to_be_attached()

        # Each country's tooltip names it; hover the shaded shapes until it says Germany, then click.
        tooltip = page.locator(".leaflet-tooltip")
        target = None
        for index in range(shaded.count()):
            shaded.nth(index).hover()
            expect(tooltip).to_be_visible()
            if tooltip.inner_text().startswith(f"{CLICKED_COUNTRY}:"):
                target = shaded.nth(index)
                break
        assert target is not None, f"no shaded country on the map is called {CLICKED_COUNTRY}"
        target.click()

        # The country page lists the project.
        expect(page).to_have_url(live_server.url + reverse("directory:country", kwargs={"code": "de"}))
        expect(page.get_by_role("heading", level=1)).to_have_text(CLICKED_COUNTRY)
        expect(page.get_by_role("main").get_by_role("link", name=FOUND_TITLE, exact=True)).to_be_visible()

    assert problems == [], f"console errors or page errors: {problems}"


def test_a_proposal_is_moderated_and_published(
    live_server: LiveServer, directory: None, demo_people: dict[str, User], new_context: Callable[..., BrowserContext]
) -> None:
    title = "Neighbourhood Listening Circles"
    visitor = new_context("da-DK").new_page()
    editor = new_context("da-DK").new_page()
    reader = new_context("da-DK").new_page()
    problems = {name: collect_problems(p) for name, p in (("visitor", visitor), ("editor", editor), ("reader", reader))}

    with translation.override("da"):
        # A visitor proposes a project. check() also requires the radio button and the consent
        # checkbox to be visible, as a sighted visitor needs them to be.
        visitor.goto(live_server.url + "/")
        visitor.get_by_role("navigation", name=_("Main menu")).get_by_role(
            "link", name=_("Get involved"), exact=True
        ).click()
        expect(visitor.get_by_role("heading", level=1)).to_have_text(_("Get involved"))
        visitor.get_by_label(_("Your name"), exact=True).fill("Mette Holm")
        visitor.get_by_label(_("Your e-mail address"), exact=True).fill("mette@listening.example")
        visitor.get_by_label(str(Submission.Kind.PROJECT.label), exact=True).check()
        visitor.get_by_label(_("Organisation"), exact=True).fill("Listening Circles Association")
        visitor.get_by_label(starts_with(_("Project title"))).fill(title)
        visitor.get_by_label(_("What it does"), exact=True).fill(
            "Residents meet every month to listen to young people who feel left out of their neighbourhood."
        )
        visitor.get_by_label(starts_with(_("Website"))).fill("listening.example")
        visitor.get_by_label(_("Country"), exact=True).select_option(label="Denmark")
        visitor.get_by_label(starts_with(_("Contact details to publish"))).fill("info@listening.example")
        visitor.get_by_label(_("I may propose this, and the contact details I give may be published.")).check()
        visitor.get_by_role("button", name=_("Send the proposal"), exact=True).click()
        expect(visitor).to_have_url(live_server.url + reverse("directory:get_involved_thanks"))
        expect(visitor.get_by_role("heading", level=1)).to_have_text(_("Thank you for your proposal"))
        submission = Submission.objects.get(title=title)
        assert submission.status == Submission.Status.PENDING

        # Not published yet: a search does not find it.
        expect(search_from_front_page(reader, live_server.url, title)).to_have_count(0)

        # dorte, a directory editor, approves it from the moderation queue.
        sign_in(editor, live_server.url, demo_people["dorte"])
        editor.get_by_role("navigation", name=_("Main menu")).get_by_role(
            "link", name=_("Moderation"), exact=True
        ).click()
        expect(editor.get_by_role("heading", level=1)).to_have_text(_("Moderation queue"))
        editor.get_by_role("main").get_by_role("link", name=title, exact=True).click()
        expect(editor).to_have_url(
            live_server.url + reverse("directory:submission_detail", kwargs={"pk": submission.pk})
        )
        expect(editor.get_by_test_id("status")).to_contain_text(str(Submission.Status.PENDING.label))
        editor.get_by_role("button", name=_("Approve and publish"), exact=True).click()
        expect(editor.get_by_role("status")).to_contain_text(_("The proposal is approved and published."))
        expect(editor.get_by_test_id("status")).to_contain_text(str(Submission.Status.APPROVED.label))

        # Anyone now finds it by its title and opens its page.
        hits = search_from_front_page(reader, live_server.url, title)
        expect(hits).to_have_count(1)
        hits.get_by_role("link", name=title, exact=True).click()
        expect(reader.get_by_role("heading", level=1)).to_have_text(title)
        expect(reader.get_by_role("main").get_by_role("link", name="Denmark", exact=True)).to_be_visible()

    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    assert submission.published_project is not None and submission.published_project.title == title
    assert all(found == [] for found in problems.values()), f"console errors or page errors: {problems}"
