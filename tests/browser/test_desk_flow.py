"""The practice desk's whole flow in a real browser, each person in their own browser context:

a prison officer reports a concern; the prison's resource person assesses it locally with
colleagues and forwards it; the Info-house coordinator takes it into triage, makes the person's
record, puts it on a triage meeting with an attendee, records a disclosure with its legal basis
and purpose, and decides on a statutory offer, which opens a case with the case worker as lead;
the coordinator (on the team with the police compartment) writes a police note; the case worker
writes a general note and adds a mentor to the team; the mentor sees the general note but not the
police note; a mentor of another municipality is refused as if the case did not exist, and the
refusal is audited; the police liaison, who is not on the team, breaks the glass, and the data
protection officer gets the e-mail and sees the opening on her start page.

There is no prison officer among the demo people (the demo reporter works at a school), so the
fixture adds one: "poul", a reporter at the demo prison, with an authenticator like the others.

The pages are in English (English browser contexts, and the test settings' language); visible
texts are looked up through Django's catalogues, as in test_sign_in.py. No page on the way may log
a console error or a page error."""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import BrowserContext, Locator, Page, expect

from conftest import current_code
from infohus.accounts.demo import demo_totp_key
from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.people import DEMO_PASSWORD, ORGANISATIONS
from infohus.accounts.roles import Compartment, Role
from infohus.audit.models import AuditEvent
from infohus.cases.models import (
    Case,
    Concern,
    Disclosure,
    LegalBasis,
    LocalAssessment,
    Note,
    TeamMember,
    TriageDecision,
)
from tests.browser.conftest import collect_problems

pytestmark = [pytest.mark.browser]

ORGANISATION_NAMES = {org.key: org.name for org in ORGANISATIONS}
PRISON = ORGANISATION_NAMES["prison"]
AARHUS = ORGANISATION_NAMES["aarhus"]

OBSERVED = "During yard time he handed out leaflets calling for violence against a named group."
PERSON_DESCRIBED = "Jonas Kragh, about 21, cell block B."
GENERAL_NOTE = "First meeting with the mentor agreed for next week; Jonas wants help finding work."
POLICE_NOTE = "Police note: known contact with a group that is under observation."
BREAK_GLASS_REASON = "Threat of violence reported tonight; the duty officer needs the contact details now."


@pytest.fixture
def prison_officer(demo_people: dict[str, User]) -> User:
    """A reporter at the demo prison, so that the concern goes to the prison's resource person first."""
    poul = User.objects.create_user(
        username="poul",
        first_name="Poul",
        last_name="Skovgaard",
        email="poul@demo.infohus.invalid",
        password=DEMO_PASSWORD,
    )
    Membership.objects.create(user=poul, organisation=Organisation.objects.get(name=PRISON), role=Role.REPORTER)
    TOTPDevice.objects.create(user=poul, name="Demo authenticator", key=demo_totp_key("poul"), confirmed=True)
    return poul


def starts_with(text: str) -> re.Pattern[str]:
    """A label that begins with `text`: optional fields add " (optional)" to their label."""
    return re.compile("^" + re.escape(text))


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
    expect(page).to_have_url(re.compile(r"/desk/$"))
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(user.get_full_name())


def choose(page: Page, name: str) -> None:
    """Click a radio button as a person would; it must be visible and take the click."""
    radio = page.get_by_role("radio", name=name, exact=True)
    radio.check()
    expect(radio).to_be_checked()


def main(page: Page) -> Locator:
    return page.get_by_role("main")


def expect_message(page: Page, text: str) -> None:
    expect(main(page).get_by_role("status").filter(has_text=text)).to_be_visible()


def click_button(page: Page, name: str) -> None:
    main(page).get_by_role("button", name=name, exact=True).click()


def start_page_section(page: Page, title: str) -> Locator:
    return main(page).get_by_role("region", name=title)


@pytest.fixture
def as_person(live_server: Any, new_context: Callable[..., BrowserContext]) -> Callable[..., Any]:
    """`with as_person(user) as page:` signs the user in, in a fresh English context, and at the
    end of the block checks that no page logged a console error or a page error. The browser logs
    a refused page (404) as a console error; `refused_url` names the one page that should be."""

    @contextmanager
    def signed_in(user: User, *, refused_url: str = "") -> Iterator[Page]:
        context = new_context("en-GB")
        page = context.new_page()
        problems = collect_problems(page)
        sign_in(page, live_server.url, user)
        yield page
        expected = f"status of 404 (Not Found) ({refused_url})"
        problems = [p for p in problems if not (refused_url and p.endswith(expected))]
        assert problems == [], f"console errors or page errors for {user.username}: {problems}"
        context.close()

    return signed_in


def test_a_concern_from_a_prison_officer_becomes_a_case_with_need_to_know(
    live_server: Any,
    demo_people: dict[str, User],
    prison_officer: User,
    as_person: Callable[..., Any],
    mailoutbox: list[Any],
) -> None:
    people = demo_people
    today = timezone.localdate()

    # --- A prison officer reports a concern -------------------------------------------------
    with as_person(prison_officer) as page:
        main(page).get_by_role("link", name=_("Report a concern"), exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(_("Report a concern"))
        page.get_by_label(_("What did you see or hear?")).fill(OBSERVED)
        page.get_by_label(_("When did it happen?")).fill(f"{today - timedelta(days=2):%Y-%m-%d}")
        page.get_by_label(_("Where did it happen?")).fill("The yard of wing B")
        page.get_by_label(starts_with(_("Who else knows about it?"))).fill("Two colleagues on the evening shift.")
        page.get_by_label(_("What worries you?")).fill("He has become withdrawn and speaks of a coming fight.")
        choose(page, _("Right-wing"))
        page.get_by_label(starts_with(_("The person concerned"))).fill(PERSON_DESCRIBED)
        click_button(page, _("Send the concern"))

        concern = Concern.objects.get(reported_by=prison_officer)
        expect_message(
            page, _("Thank you. Your concern has been received as %(reference)s.") % {"reference": concern.reference}
        )
        # The reporter sees the status only: the concern waits with the prison's resource person.
        expect(page.get_by_test_id("concern-status")).to_contain_text(str(Concern.Status.LOCAL_ASSESSMENT.label))
    assert concern.status == Concern.Status.LOCAL_ASSESSMENT
    assert concern.institution is not None and concern.institution.name == PRISON

    # --- The resource person assesses it locally and forwards it ----------------------------
    with as_person(people["rikke"]) as page:
        waiting = start_page_section(page, _("Waiting for local assessment"))
        expect(waiting).to_contain_text(concern.reference)
        main(page).get_by_role("link", name=_("Concerns in your institution"), exact=True).click()
        page.get_by_test_id("local-queue").get_by_role("link", name=concern.reference, exact=True).click()
        expect(page.get_by_test_id("concern-content")).to_contain_text(OBSERVED)
        page.get_by_label(_("Who took part?")).fill(
            "Rikke Fenger (resource person), the wing officer, the prison's probation worker"
        )
        page.get_by_label(_("What did you conclude?")).fill(
            "A real concern that needs more than the prison can offer; he is released in two months."
        )
        choose(page, str(LocalAssessment.Decision.FORWARD.label))
        click_button(page, _("Record the assessment"))
        expect_message(page, _("%(reference)s was forwarded to the Info house.") % {"reference": concern.reference})
        expect(page.get_by_test_id("locally-assessed")).to_contain_text(str(Concern.Status.AWAITING_TRIAGE.label))
    concern.refresh_from_db()
    assert concern.status == Concern.Status.AWAITING_TRIAGE
    assert concern.local_assessment.decision == LocalAssessment.Decision.FORWARD

    # --- The Info house triages it in a meeting and opens a case ---------------------------
    ida = people["ida"]
    meeting_at = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
    with as_person(ida) as page:
        expect(start_page_section(page, _("Triage queue"))).to_contain_text(concern.reference)
        main(page).get_by_role("link", name=_("Triage queue"), exact=True).click()
        page.get_by_test_id("triage-queue").get_by_role("link", name=concern.reference, exact=True).click()
        click_button(page, _("Take into triage"))
        expect_message(page, _("The concern is now being assessed by the Info house."))
        expect(page.get_by_test_id("concern-status")).to_have_text(str(Concern.Status.IN_TRIAGE.label))

        # Look for an existing record first; there is none, so make one.
        main(page).get_by_role("link", name=_("Find or create the person's record")).click()
        search = page.get_by_role("search", name=_("Search for a person"))
        search.get_by_label(starts_with(_("Name"))).fill("Jonas Kragh")
        search.get_by_role("button", name=_("Search"), exact=True).click()
        expect(page.get_by_test_id("exact-matches")).to_contain_text(_("No record matches all of what you gave."))
        click_button(page, _("None of these: make a new record"))
        expect(page.get_by_label(_("First name"))).to_have_value("Jonas")
        expect(page.get_by_label(starts_with(_("Last name")))).to_have_value("Kragh")
        assert "Jonas" not in page.url and "Kragh" not in page.url
        page.get_by_label(starts_with(_("Birth date"))).fill("2004-05-17")
        page.get_by_label(starts_with(_("Municipality"))).select_option(label=AARHUS)
        click_button(page, _("Make the record and link it"))
        expect_message(page, _("The person's record is made and linked to the concern."))
        expect(page.get_by_test_id("concern-person")).to_contain_text("Jonas Kragh")

        # A triage meeting with the concern on its agenda, and who attended.
        main(page).get_by_role("link", name=_("Put it on a new triage meeting")).click()
        page.get_by_label(_("Date and time")).fill(f"{meeting_at:%Y-%m-%dT%H:%M}")
        page.get_by_label(starts_with(_("Place"))).fill("Info house, meeting room 2")
        expect(page.get_by_role("checkbox", name=concern.reference)).to_be_checked()
        click_button(page, _("Schedule the meeting"))
        expect_message(page, _("The triage meeting is scheduled."))
        expect(page.get_by_test_id("agenda")).to_contain_text(concern.reference)
        page.get_by_label(_("Organisation"), exact=True).select_option(label=AARHUS)
        page.get_by_label(_("Role"), exact=True).fill("SSP consultant")
        page.get_by_label(starts_with(_("Name"))).fill("Carl Brink")
        click_button(page, _("Add the attendee"))
        expect_message(page, _("The attendee is recorded."))
        expect(page.get_by_test_id("attendees")).to_contain_text("SSP consultant")
        meeting = concern.meetings.get()

        # What the prison shared in the meeting, with its legal basis and purpose.
        page.get_by_test_id("agenda").get_by_role("link", name=concern.reference).click()
        main(page).get_by_role("link", name=_("Record information shared about the person")).click()
        page.get_by_label(starts_with(_("At the meeting"))).select_option(value=str(meeting.pk))
        page.get_by_label(_("Shared by"), exact=True).select_option(label=PRISON)
        page.get_by_label(_("What was shared"), exact=True).fill("Release date and the wing's behaviour reports.")
        page.get_by_role("radio", name=str(LegalBasis.S115_INFOHOUSE.label), exact=True).check()
        page.get_by_label(_("Purpose"), exact=True).fill("To plan a mentor offer before the release.")
        page.get_by_label(_("Compartment"), exact=True).select_option(label=str(Compartment.GENERAL.label))
        page.get_by_label(
            _("The information was shared for crime prevention, not for a criminal investigation")
        ).check()
        click_button(page, _("Record the disclosure"))
        expect_message(page, _("The disclosure is recorded with its legal basis."))
        disclosures = page.get_by_test_id("disclosures")
        expect(disclosures).to_contain_text(str(LegalBasis.S115_INFOHOUSE.label))
        expect(disclosures).to_contain_text("To plan a mentor offer before the release.")

        # The decision: a statutory offer, which opens a case owned by Aarhus with Carl as lead.
        main(page).get_by_role("link", name=_("Decide"), exact=True).click()
        page.get_by_role("radio", name=str(TriageDecision.Kind.STATUTORY_OFFER.label), exact=True).check()
        page.get_by_label(_("Reason"), exact=True).fill("A mentor can support him through the release.")
        page.get_by_label(starts_with(_("At the meeting"))).select_option(value=str(meeting.pk))
        page.get_by_label(starts_with(_("Municipality that owns the case"))).select_option(label=AARHUS)
        page.get_by_label(starts_with(_("Lead of the case"))).select_option(label="Carl Brink")
        click_button(page, _("Record the decision"))
        expect_message(page, _("The decision is recorded and the reporter will see the outcome in general terms."))
        case = Case.objects.get(opening_decision__concern=concern)
        expect(page.get_by_test_id("decision")).to_contain_text(case.reference)

        # The coordinator is on the team with the police compartment and writes a police note.
        page.get_by_role("navigation", name=_("Main menu")).get_by_role("link", name=_("Practice desk")).click()
        start_page_section(page, _("Cases you coordinate")).get_by_role("link", name=case.reference).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            _("Case %(reference)s") % {"reference": case.reference}
        )
        page.get_by_label(_("Compartment"), exact=True).select_option(label=str(Compartment.POLICE.label))
        page.get_by_label(_("Note"), exact=True).fill(POLICE_NOTE)
        click_button(page, _("Add the note"))
        expect_message(page, _("The note was added."))
        expect(page.get_by_test_id("timeline")).to_contain_text(POLICE_NOTE)

    concern.refresh_from_db()
    assert concern.status == Concern.Status.DECIDED
    disclosure = Disclosure.objects.get(person=concern.person_id)
    assert (disclosure.legal_basis, disclosure.meeting_id) == (LegalBasis.S115_INFOHOUSE, meeting.pk)
    assert meeting.attendees.filter(role="SSP consultant").exists()
    assert (case.owner.name, case.lead) == (AARHUS, people["carl"])

    # --- The case worker writes a general note and adds a mentor to the team ---------------
    with as_person(people["carl"]) as page:
        start_page_section(page, _("Cases you work on")).get_by_role("link", name=case.reference).click()
        # The case worker's role sees the general compartment only.
        expect(page.get_by_test_id("timeline")).not_to_contain_text(POLICE_NOTE)
        expect(page.get_by_label(_("Compartment"), exact=True).locator("option")).to_have_count(1)
        page.get_by_label(_("Note"), exact=True).fill(GENERAL_NOTE)
        click_button(page, _("Add the note"))
        expect_message(page, _("The note was added."))
        expect(page.get_by_test_id("timeline")).to_contain_text(GENERAL_NOTE)

        main(page).get_by_role("link", name=_("Add a team member")).click()
        page.get_by_label(_("Person and role")).select_option(label=f"Mads Kjærholm — {Role.MENTOR.label}, {AARHUS}")
        expect(page.get_by_role("checkbox", name=str(Compartment.GENERAL.label), exact=True)).to_be_checked()
        click_button(page, _("Add to the team"))
        expect(main(page).get_by_role("region", name=_("Team"))).to_contain_text("Mads Kjærholm")
    mads_on_team = TeamMember.objects.get(case=case, user=people["mads"], is_active=True)
    assert mads_on_team.compartment_set() == {Compartment.GENERAL.value}

    # --- The mentor sees the general note but not the police note --------------------------
    with as_person(people["mads"]) as page:
        start_page_section(page, _("Cases on which you are a team member")).get_by_role(
            "link", name=case.reference
        ).click()
        timeline = page.get_by_test_id("timeline")
        expect(timeline).to_contain_text(GENERAL_NOTE)
        expect(timeline).not_to_contain_text(POLICE_NOTE)
        expect(timeline.locator(f"[data-compartment='{Compartment.POLICE.value}']")).to_have_count(0)
    assert Note.objects.filter(case=case, compartment=Compartment.POLICE.value, text=POLICE_NOTE).exists()

    # --- A mentor of another municipality is refused, and the refusal is audited -----------
    otto = people["otto"]
    case_url = live_server.url + reverse("cases:case_detail", args=[case.pk])
    with as_person(otto, refused_url=case_url) as page:
        expect(start_page_section(page, _("Cases on which you are a team member"))).not_to_contain_text(case.reference)
        response = page.goto(case_url)
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text(_("Page not found"))
        expect(main(page)).not_to_contain_text("Jonas")
    assert AuditEvent.objects.filter(action="case.refused", actor_id=otto.pk, object_id=str(case.pk)).exists()
    assert not AuditEvent.objects.filter(action="case.viewed", actor_id=otto.pk).exists()

    # --- The police liaison, not on the team, breaks the glass ------------------------------
    per = people["per"]
    assert not TeamMember.objects.filter(case=case, user=per).exists()
    assert mailoutbox == []
    with as_person(per, refused_url=case_url) as page:
        refused = page.goto(case_url)
        assert refused is not None and refused.status == 404
        page.goto(live_server.url + reverse("cases:case_break_glass", args=[case.pk]))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            _("Open case %(reference)s in an emergency") % {"reference": case.reference}
        )
        page.get_by_label(_("Why must you open this case now?")).fill(BREAK_GLASS_REASON)
        click_button(page, _("Break the glass and open the case"))
        expect(page).to_have_url(re.compile(re.escape(reverse("cases:case_detail", args=[case.pk])) + "$"))
        expect(page.get_by_test_id("break-glass-banner")).to_contain_text(_("Opened by breaking the glass"))
        expect(page.get_by_test_id("person-name")).to_have_text("Jonas Kragh")
    assert AuditEvent.objects.filter(
        action="case.break_glass", actor_id=per.pk, object_id=str(case.pk), purpose=BREAK_GLASS_REASON
    ).exists()

    # --- The data protection officer is alerted by e-mail and on her start page ------------
    dina = people["dina"]
    assert [message.to for message in mailoutbox] == [[dina.email]]
    assert case.reference in mailoutbox[0].subject
    assert BREAK_GLASS_REASON in mailoutbox[0].body
    with as_person(dina) as page:
        alerts = start_page_section(page, _("Break-the-glass alerts"))
        expect(alerts).to_contain_text(case.reference)
        expect(alerts).to_contain_text(re.compile(f"{re.escape(per.get_full_name())}|{re.escape(per.username)}"))
        alerts.get_by_role("link").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(_("Break-the-glass openings"))
        expect(main(page)).to_contain_text(BREAK_GLASS_REASON)
