"""The data protection officer and the analyst at work, in a real browser:

dina finds a person by a case reference, releases only the general compartment and downloads
the JSON export, which holds the person's case and general note and nothing from the police
compartment or about anyone else; she then places a legal hold from the person's page, and
subject access to that person is refused while it lasts.

anders opens the statistics, narrows them to one municipality with the filter, and sees each
chart drawn beside its table, with small numbers hidden.

No page on the way may log a console error (a CSP violation is one) or a page error.
"""

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Compartment
from infohus.cases.models import Note
from infohus.cases.tests.factories import make_case, make_person
from infohus.insights.demo import create_history
from infohus.privacy.models import LegalHold
from tests.browser.test_desk_flow import as_person, main  # noqa: F401

pytestmark = [pytest.mark.browser]


def test_subject_access_export_then_a_legal_hold(
        live_server: Any, as_person: Callable[..., Any], demo_people: dict[str, User]) -> None:  # noqa: F811
    person = make_person("Jonas", "Eksempelsen")
    case = make_case(person=person, lead=demo_people["carl"])
    Note.objects.create(case=case, text="Met at the library; wants help with a job.", author=demo_people["carl"])
    Note.objects.create(case=case, compartment=Compartment.POLICE, text="Police note not to release.",
                        author=demo_people["carl"])
    make_case(person=make_person("Other", "Somebody"), lead=demo_people["carl"])

    with as_person(demo_people["dina"]) as page:
        page.get_by_role("navigation", name=_("Main menu")).get_by_role("link", name=_("Subject access")).click()
        main(page).get_by_label(_("Case or concern reference")).fill(case.reference)
        main(page).get_by_role("button", name=_("Search"), exact=True).click()
        main(page).get_by_role("link", name="Jonas Eksempelsen").click()
        expect(main(page).get_by_role("heading", level=1)).to_contain_text("Jonas Eksempelsen")

        main(page).get_by_role("checkbox", name=str(Compartment.GENERAL.label)).check()
        main(page).get_by_role("radio", name=_("JSON (machine-readable)")).check()
        with page.expect_download() as download:
            main(page).get_by_role("button", name=_("Download the export")).click()
        exported = json.loads(open(download.value.path(), encoding="utf-8").read())
        text = json.dumps(exported, ensure_ascii=False)
        assert case.reference in text
        assert "Met at the library; wants help with a job." in text
        assert "Police note not to release." not in text
        assert "Somebody" not in text

        main(page).get_by_role("link", name=_("Place a legal hold on this person")).click()
        main(page).get_by_label(_("Why everything about the person must be kept")).fill(
            "A complaint to the Danish Data Protection Agency is being handled.")
        reference = main(page).get_by_label(re.compile("^" + re.escape(_("Reference (complaint, court case)"))))
        reference.fill("2026-31-0042")
        main(page).get_by_role("button", name=re.compile(_("Place"))).click()
        assert LegalHold.objects.filter(person=person, lifted_at__isnull=True).count() == 1

        page.goto(live_server.url + f"/privacy/subject-access/{person.pk}/")
        expect(main(page)).to_contain_text("2026-31-0042")
        expect(main(page).get_by_role("button", name=_("Download the export"))).to_have_count(0)


def test_analyst_narrows_the_statistics_to_a_municipality(
        live_server: Any, as_person: Callable[..., Any], demo_people: dict[str, User]) -> None:  # noqa: F811
    create_history(size=300)
    aarhus = Organisation.objects.get(name="Aarhus Kommune (demo)")

    with as_person(demo_people["anders"]) as page:
        page.get_by_role("navigation", name=_("Main menu")).get_by_role("link", name=_("Statistics")).click()
        filters = main(page).get_by_test_id("filter")
        filters.get_by_label(re.compile("^" + re.escape(_("Municipality")))).select_option(label=aarhus.name)
        filters.get_by_role("button", name=_("Show")).click()

        expect(page).to_have_url(re.compile(f"municipality={aarhus.pk}"))
        first_table = main(page).get_by_role("table").first
        expect(first_table.locator("caption")).to_contain_text(aarhus.name)
        charts = main(page).locator("canvas[data-insights-chart]")
        assert charts.count() >= 10
        expect(charts.first).to_be_visible()
        expect(main(page)).to_contain_text("<5")
