"""Lending a mentor between municipalities in a real browser, each person in their own English
context, through the whole cycle:

carl (case worker in Aarhus, lead of a case with mads on the team) asks Randers to borrow an
English-speaking mentor with experience of prison work; rita (case worker in Randers) finds the
request in the lending list, sees the needs and the summary but not the case, and offers otto;
carl accepts; otto (mentor in Randers) now finds the case among his cases, reads its general note
and not its police note, opens the course of mentoring and logs a session of 90 minutes; the
hours report shows 1.5 hours lent by Randers and borrowed by Aarhus, for carl and for rita.

And an anonymous advice consultation recorded by mads is counted on his interventions page and
makes no person record. No page may log a console error (a CSP violation is one) or a page error.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from infohus.accounts.models import Organisation, User
from infohus.accounts.people import ORGANISATIONS
from infohus.accounts.roles import Compartment
from infohus.cases.models import Case, Person, TeamMember
from infohus.cases.tests.factories import make_case, make_note, make_person
from infohus.interventions.models import AdviceFor, Intervention, LendingRequest, MentorProfile, Session
from infohus.interventions.tests.factories import make_profile
from tests.browser.test_desk_flow import as_person, click_button, main  # noqa: F401  (as_person is a fixture)

pytestmark = [pytest.mark.browser]

NAMES = {org.key: org.name for org in ORGANISATIONS}
AARHUS, RANDERS = NAMES["aarhus"], NAMES["randers"]

GENERAL_NOTE = "He has agreed to meet a mentor after his release; he wants help finding a flat."
POLICE_NOTE = "Police note: he was in contact with a known recruiter last month."
SUMMARY = ("A young man of 19 is released in two months after a sentence for a hate crime. He speaks English best "
           "and needs a mentor who knows prison work, for the move to education and housing.")
SESSION_NOTES = "First meeting at the library. We talked about the job centre and made a plan for the next weeks."
ADVICE = "A mother called, worried about her son's time on an online forum. We talked about how to ask him."


@pytest.fixture
def lending_world(demo_people: dict[str, User]) -> dict[str, Any]:
    """Carl's case in Aarhus with mads (general) and ida (general and police) on the team, a
    general note and a police note; otto in the register of the corps of Randers."""
    people = demo_people
    case = make_case(person=make_person("Ali", "Demosen"), lead=people["carl"],
                     team={people["mads"]: "general", people["ida"]: "general,police"})
    make_note(case, author=people["carl"], text=GENERAL_NOTE)
    make_note(case, author=people["ida"], compartment=Compartment.POLICE.value, text=POLICE_NOTE)
    otto = make_profile(people["otto"], Organisation.objects.get(name=RANDERS), languages="da,en", prison_work=True,
                        age_groups="young_adults,adults")
    return {"case": case, "otto": otto}


@pytest.fixture
def again(as_person: Callable[..., Any]) -> Callable[..., Any]:  # noqa: F811
    """as_person for someone who signs in more than once in the test: an authenticator code is
    taken once, so the device's last step is moved back first (as conftest.sign_in_fully does)."""

    def sign_in(user: User, **kwargs: Any) -> Any:
        TOTPDevice.objects.filter(user=user).update(last_t=-1)
        return as_person(user, **kwargs)

    return sign_in


def open_case_from_start_page(page: Page, section: str, case: Case) -> None:
    main(page).get_by_role("region", name=section).get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Case %(reference)s") % {"reference": case.reference})


def per_municipality(page: Page, municipality: str) -> Any:
    return page.get_by_test_id("per-municipality").get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=municipality, exact=True))


HOURS = re.compile(r"^1[.,]50?$")


def expect_hours(page: Page) -> None:
    """Randers lent 1.5 hours and Aarhus borrowed them (cells: name, lent, borrowed)."""
    randers, aarhus = per_municipality(page, RANDERS), per_municipality(page, AARHUS)
    expect(randers.get_by_role("cell").nth(0)).to_have_text(HOURS)
    expect(randers.get_by_role("cell").nth(1)).to_have_text(re.compile(r"^0([.,]00?)?$"))
    expect(aarhus.get_by_role("cell").nth(0)).to_have_text(re.compile(r"^0([.,]00?)?$"))
    expect(aarhus.get_by_role("cell").nth(1)).to_have_text(HOURS)
    expect(page.get_by_test_id("per-pair").get_by_role("row").filter(has_text=RANDERS)).to_contain_text(AARHUS)


def test_a_mentor_is_lent_through_the_whole_cycle(
        live_server: Any, again: Callable[..., Any], lending_world: dict[str, Any],
        demo_people: dict[str, User]) -> None:
    people = demo_people
    case: Case = lending_world["case"]
    otto_profile: MentorProfile = lending_world["otto"]

    # --- Carl asks Randers to lend a mentor -----------------------------------------------------
    with again(people["carl"]) as page:
        open_case_from_start_page(page, _("Cases you work on"), case)
        main(page).get_by_role("link", name=_("Borrow a mentor from another municipality")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(_("Borrow a mentor from another municipality"))
        page.get_by_label(_("Municipality to borrow from")).select_option(label=RANDERS)
        page.get_by_label(re.compile("^" + re.escape(_("Languages")))).fill("en")
        page.get_by_label(_("Experience of prison work needed")).check()
        page.get_by_label(re.compile("^" + re.escape(_("Summary")))).fill(SUMMARY)
        page.get_by_label(re.compile("^" + re.escape(_("Expected hours per month")))).fill("6")
        click_button(page, _("Send the request"))
        request = LendingRequest.objects.get(case=case)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            _("Lending request %(reference)s") % {"reference": request.reference})
        expect(page.get_by_test_id("status")).to_have_text(str(LendingRequest.Status.SENT.label))
    assert request.lending_organisation.name == RANDERS and request.requesting_organisation.name == AARHUS
    assert request.needs == {"languages": ["en"], "prison_work": True}

    # --- Rita finds it in the lending list and offers otto ------------------------------------
    with again(people["rita"]) as page:
        # A case worker's start page has no lending section: the list is opened by its address.
        page.goto(live_server.url + reverse("interventions:lending_list"))
        page.get_by_test_id("to-lend").get_by_role("link", name=request.reference, exact=True).click()
        expect(page.get_by_test_id("summary")).to_have_text(SUMMARY)
        # The lending side sees the needs and the summary, never the case or the person.
        expect(page.get_by_test_id("case-link")).to_have_count(0)
        expect(main(page)).not_to_contain_text(case.reference)
        expect(main(page)).not_to_contain_text("Demosen")
        page.get_by_label(_("Mentor to offer")).select_option(
            label=_("%(name)s: can be assigned (%(load)d of %(capacity)d courses)")
            % {"name": otto_profile, "load": 0, "capacity": otto_profile.capacity})
        click_button(page, _("Offer the mentor"))
        expect(page.get_by_test_id("status")).to_have_text(str(LendingRequest.Status.OFFERED.label))
    request.refresh_from_db()
    assert request.offered_mentor == otto_profile and request.answered_by == people["rita"]
    assert not TeamMember.objects.filter(case=case, user=people["otto"]).exists()

    # --- Carl accepts the offer from the case page ------------------------------------------------
    with again(people["carl"]) as page:
        open_case_from_start_page(page, _("Cases you work on"), case)
        main(page).get_by_test_id("case-lendings").get_by_role("link", name=request.reference).click()
        expect(page.get_by_test_id("mentor")).to_contain_text(str(otto_profile))
        click_button(page, _("Accept the offer"))
        expect(page.get_by_test_id("status")).to_have_text(str(LendingRequest.Status.ACCEPTED.label))
        expect(page.get_by_test_id("intervention-link")).to_be_visible()
    request.refresh_from_db()
    assert request.status == LendingRequest.Status.ACCEPTED and request.intervention is not None
    lent = TeamMember.objects.get(case=case, user=people["otto"], is_active=True)
    assert lent.compartment_set() == {Compartment.GENERAL.value}
    assert lent.organisation.name == RANDERS

    # --- Otto opens the case: the general note, not the police note; he logs a session -----------
    with again(people["otto"]) as page:
        open_case_from_start_page(page, _("Cases on which you are a team member"), case)
        timeline = page.get_by_test_id("timeline")
        expect(timeline).to_contain_text(GENERAL_NOTE)
        expect(timeline).not_to_contain_text(POLICE_NOTE)
        expect(timeline.locator(f"[data-compartment='{Compartment.POLICE.value}']")).to_have_count(0)
        main(page).get_by_test_id("interventions").get_by_role("link", name=_("Mentoring"), exact=True).click()
        expect(page.get_by_test_id("lending")).to_contain_text(request.reference)
        main(page).get_by_role("link", name=_("Log a session"), exact=True).click()
        page.get_by_label(_("Duration (minutes)")).fill("90")
        page.get_by_label(re.compile("^" + re.escape(_("Notes")))).fill(SESSION_NOTES)
        click_button(page, _("Log the session"))
        session = page.get_by_test_id("session")
        expect(session).to_have_count(1)
        expect(session).to_contain_text(SESSION_NOTES)
        expect(session).to_contain_text(_("Counted towards the lending"))
    logged = Session.objects.get(intervention=request.intervention)
    assert (logged.duration_minutes, logged.logged_by, logged.lending_id) == (90, people["otto"], request.pk)
    assert logged.compartment == Compartment.GENERAL.value

    # --- The hours report shows 1.5 hours on both municipalities ---------------------------------
    with again(people["rita"]) as page:
        page.goto(live_server.url + reverse("interventions:lending_list"))
        main(page).get_by_role("link", name=_("Hours lent and borrowed")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(_("Hours lent and borrowed"))
        expect_hours(page)
    with again(people["carl"]) as page:
        page.goto(live_server.url + reverse("interventions:hours_report"))
        expect_hours(page)
        # The hours so far are on the request too.
        page.goto(live_server.url + reverse("interventions:lending_detail", args=[request.pk]))
        expect(page.get_by_test_id("hours-so-far")).to_have_text(HOURS)


def test_an_anonymous_advice_consultation_is_counted_without_a_person(
        live_server: Any, as_person: Callable[..., Any], demo_people: dict[str, User]) -> None:  # noqa: F811
    people_before = Person.objects.count()

    with as_person(demo_people["mads"]) as page:
        main(page).get_by_role("link", name=_("All your interventions")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(_("Your interventions"))
        next_of_kin = page.get_by_test_id("advice-counts").locator(f"[data-advice-for='{AdviceFor.NEXT_OF_KIN}']")
        expect(next_of_kin.get_by_role("cell").nth(0)).to_have_text("0")  # anonymous
        main(page).get_by_role("link", name=_("Record an advice consultation")).click()
        page.get_by_role("radio", name=str(AdviceFor.NEXT_OF_KIN.label), exact=True).check()
        page.get_by_label(_("Duration (minutes)")).fill("40")
        page.get_by_label(re.compile("^" + re.escape(_("What the advice was about")))).fill(ADVICE)
        expect(page.get_by_label(re.compile("^" + re.escape(_("Not anonymous: record it on a case"))))) \
            .not_to_be_checked()
        click_button(page, _("Record the consultation"))
        expect(page.get_by_test_id("intervention-facts")).to_contain_text(
            _("None: an anonymous advice consultation holds no person and no case."))

        page.goto(live_server.url + reverse("interventions:my_interventions"))
        next_of_kin = page.get_by_test_id("advice-counts").locator(f"[data-advice-for='{AdviceFor.NEXT_OF_KIN}']")
        expect(next_of_kin.get_by_role("cell").nth(0)).to_have_text("1")  # anonymous
        expect(next_of_kin.get_by_role("cell").nth(1)).to_have_text("0")  # on a case
        expect(next_of_kin.get_by_role("cell").nth(2)).to_have_text("1")  # total

    advice = Intervention.objects.get(kind="advice_consultation")
    assert advice.case is None and advice.anonymous and advice.advice_for == AdviceFor.NEXT_OF_KIN
    assert advice.organisation.name == AARHUS
    assert Person.objects.count() == people_before
