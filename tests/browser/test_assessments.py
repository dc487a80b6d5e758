"""Structured assessments in a real browser, each person in their own English context:

the national centre's trainer drafts version 2 of the Balanced Risk Assessment from version 1,
adds a field and publishes it; an assessment signed with version 1 stays readable as it was; the
case worker fills in and signs a Balanced Risk Assessment (version 2) with three participants'
scales; the progress page draws the scale chart with both dates and holds the same values in its
table; a mentor on the team, who does not see the health compartment, is refused a
health-compartment assessment as if it did not exist. No page may log a console error (a CSP
violation is one) or a page error, except the refused page's own 404."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from playwright.sync_api import Page, expect

from infohus.accounts.models import User
from infohus.assessments.models import Assessment, InstrumentVersion
from infohus.assessments.tests.factories import instrument, make_assessment
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case
from infohus.cases.tests.factories import make_case
from tests.browser.test_desk_flow import as_person, click_button, main  # noqa: F401  (as_person is a fixture)

pytestmark = [pytest.mark.browser]

NEW_FIELD_LABEL = "What has helped since last time?"
HARM = "He has threatened a classmate with a knife."


@pytest.fixture
def bra_case(demo_people: dict[str, User]) -> dict[str, Any]:
    """The shipped instruments, a case led by carl with mads (general) and signe (general and
    health) on the team, a Balanced Risk Assessment signed with version 1 a month ago, and an
    assessment in the health compartment."""
    call_command("load_instruments", verbosity=0)
    bra = instrument("balanced-risk-assessment")
    v1 = bra.versions.get(number=1)
    case = make_case(lead=demo_people["carl"], team={demo_people["mads"]: "general",
                                                     demo_people["signe"]: "general,health"})
    month_ago = timezone.localdate() - timedelta(days=30)
    earlier = make_assessment(
        version=v1, author=demo_people["carl"], case=case, assessed_on=month_ago, signed=True,
        answers={"harm": ["He spends his nights on extremist forums."],
                 "scale": {"person": 3, "parent": 2, "mentor": 4}})
    health = make_assessment(
        version=instrument("three-houses").versions.get(number=1), author=demo_people["signe"], case=case,
        compartment="health", signed=True, answers={"worries": ["Sleeps badly since the medication changed."]})
    return {"case": case, "v1": v1, "earlier": earlier, "health": health, "month_ago": month_ago}


def pick_scale(page: Page, participant: str, value: int) -> None:
    """Choose a value on one participant's 0–10 scale, inside that participant's group."""
    group = main(page).get_by_role("group", name=re.compile(re.escape(participant)))
    radio = group.get_by_role("radio", name=str(value), exact=True)
    radio.check()
    expect(radio).to_be_checked()


def test_version_2_signing_progress_and_a_refused_compartment(
        live_server: Any, as_person: Callable[..., Any], bra_case: dict[str, Any],  # noqa: F811
        demo_people: dict[str, User]) -> None:
    case: Case = bra_case["case"]
    v1: InstrumentVersion = bra_case["v1"]

    # The trainer at the national centre drafts version 2, adds a field and publishes it.
    with as_person(demo_people["tina"]) as page:
        page.get_by_role("navigation").get_by_role("link", name=_("Instruments"), exact=True).first.click()
        main(page).get_by_role("link", name=re.compile("^Version 1")).first.wait_for()
        page.goto(live_server.url + reverse("assessments:version_detail", args=[v1.pk]))
        click_button(page, "Start version 2 from this")
        expect(page.get_by_test_id("version-status")).to_have_text(_("Draft"))
        main(page).get_by_role("link", name=re.compile(r"^Add a field\s+to Scale")).click()
        page.get_by_label(_("Key"), exact=True).fill("what-helped")
        page.get_by_label(_("Kind of answer")).select_option("long_text")
        page.get_by_label(_("Question or label in Danish")).fill("Hvad har hjulpet siden sidst?")
        page.get_by_label(_("Question or label in English")).fill(NEW_FIELD_LABEL)
        main(page).get_by_role("button").filter(has_text=re.compile("^(Add|Save)")).first.click()
        expect(main(page).get_by_test_id("new-key")).to_have_count(1)
        page.get_by_label(re.compile("^" + re.escape(_("What changed")))).fill("A question on what has helped.")
        click_button(page, "Publish version 2")
        expect(page.get_by_test_id("version-status")).to_have_text(_("Published"))
    v2 = InstrumentVersion.objects.get(instrument=v1.instrument, number=2)
    assert v2.is_published and v2.fields.filter(key="what-helped").exists()
    assert not v1.fields.filter(key="what-helped").exists()

    with as_person(demo_people["carl"]) as page:
        # The assessment made with version 1 reads as it was made.
        page.goto(live_server.url + reverse("assessments:assessment_detail", args=[bra_case["earlier"].pk]))
        expect(main(page)).to_contain_text("He spends his nights on extremist forums.")
        expect(main(page)).to_contain_text("version 1")
        expect(main(page)).not_to_contain_text(NEW_FIELD_LABEL)

        # Carl starts a Balanced Risk Assessment from the case page; version 2 is the one offered.
        page.goto(live_server.url + reverse("cases:case_detail", args=[case.pk]))
        main(page).get_by_role("region", name=_("Assessments")).get_by_role(
            "link", name=_("Start an assessment")).click()
        page.get_by_label(_("Instrument")).select_option(label="Balanced Risk Assessment (version 2)")
        click_button(page, "Start the assessment")
        expect(main(page)).to_contain_text(NEW_FIELD_LABEL)
        main(page).get_by_label(re.compile("^Harm and danger statements")).fill(HARM)
        pick_scale(page, "The person", 6)
        pick_scale(page, "A parent", 5)
        pick_scale(page, "The mentor", 7)
        click_button(page, "Sign the assessment")
        expect(main(page)).to_contain_text(_("Signed"))
        signed = Assessment.objects.get(case=case, version=v2)
        assert signed.is_signed and signed.answers["scale"] == {"person": 6, "parent": 5, "mentor": 7}
        assert signed.answers["harm"] == [HARM]

        # The progress page charts both dates, and its table holds the values as given.
        page.goto(live_server.url + reverse("cases:case_detail", args=[case.pk]))
        main(page).get_by_role("link", name=_("All assessments and progress")).click()
        chart = main(page).get_by_test_id("scale-chart").first
        canvas = chart.locator("canvas")
        expect(canvas).to_be_visible()
        labels = canvas.evaluate("c => window.Chart.getChart(c).data.labels")
        today = timezone.localdate()
        assert len(labels) == 2
        assert any(bra_case["month_ago"].isoformat() in str(label) for label in labels), labels
        assert any(today.isoformat() in str(label) for label in labels), labels
        table = chart.locator("table")
        expect(table).to_contain_text(bra_case["month_ago"].isoformat())
        expect(table).to_contain_text(today.isoformat())
        expect(table.get_by_role("row").filter(has_text=today.isoformat())).to_contain_text("6")

    # The mentor on the team does not see the health compartment: refused as if it did not exist.
    health_url = reverse("assessments:assessment_detail", args=[bra_case["health"].pk])
    with as_person(demo_people["mads"], refused_url=live_server.url + health_url) as page:
        response = page.goto(live_server.url + health_url)
        assert response is not None and response.status == 404
        expect(page.get_by_text("Sleeps badly since the medication changed.")).to_have_count(0)
    assert AuditEvent.objects.filter(action="assessment.refused", actor_id=demo_people["mads"].pk,
                                     object_id=str(bra_case["health"].pk)).exists()
