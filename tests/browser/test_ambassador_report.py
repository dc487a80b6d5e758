"""An ambassador's reported need reaches a coordinator and goes on into a dialogue meeting, in a real
browser, each person in their own English context:

yasmin (a youth ambassador of Aarhus, ready to act) opens her ambassador page from her start page
and reports a need in her peer group; kamal (community coordinator of Aarhus) finds it, new, in the
ambassadors' reports, opens it (it is now read) and takes it to a new dialogue meeting as a topic;
the meeting's page shows the topic, linked to the report; yasmin's page now says that it will be
raised at a dialogue meeting on that date, and shows nothing of the meeting or the topic.

No page on the way may log a console error (a CSP violation is one) or a page error.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from infohus.accounts.models import User
from infohus.community.models import Ambassador, PeerReport, Topic
from infohus.community.tests.factories import make_ambassador, make_cohort, make_participant
from tests.browser.test_desk_flow import as_person, choose, click_button, main, starts_with  # noqa: F401

pytestmark = [pytest.mark.browser]

NEED = "Many on our team have nowhere to meet in the evening after the youth club closes at nine."
TOPIC = "A place for young people to meet in the evening"


@pytest.fixture
def yasmin_ambassador(demo_people: dict[str, User]) -> Ambassador:
    """Yasmin's ambassador record, ready to act, in a cohort of Aarhus kept by kamal."""
    cohort = make_cohort(created_by=demo_people["kamal"], name="Gellerup spring")
    participant = make_participant(cohort, age=19, first_name="Yasmin", last_name="Bakkegaard")
    return make_ambassador(participant, user=demo_people["yasmin"])


@pytest.fixture
def again(as_person: Callable[..., Any]) -> Callable[..., Any]:  # noqa: F811
    """as_person for someone who signs in twice: an authenticator code is taken once."""

    def sign_in(user: User, **kwargs: Any) -> Any:
        TOTPDevice.objects.filter(user=user).update(last_t=-1)
        return as_person(user, **kwargs)

    return sign_in


def test_an_ambassadors_need_goes_to_a_dialogue_meeting(
        live_server: Any, again: Callable[..., Any], demo_people: dict[str, User],
        yasmin_ambassador: Ambassador) -> None:
    meeting_on = timezone.localdate() + timedelta(days=21)

    # --- Yasmin reports a need from her ambassador page ---------------------------------------------
    with again(demo_people["yasmin"]) as page:
        main(page).get_by_role("link", name=_("Your ambassador page")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(_("Your ambassador work"))
        main(page).get_by_role("link", name=_("Report a need or a worry")).click()
        expect(page.get_by_test_id("notice")).to_contain_text("112")
        choose(page, str(PeerReport.Kind.NEED.label))
        page.get_by_label(_("What you heard")).fill(NEED)
        click_button(page, _("Send the report"))
        report = PeerReport.objects.get()
        mine = page.locator(f"#report-{report.pk}")
        expect(mine.get_by_test_id("report-status")).to_have_text(str(PeerReport.Status.NEW.label))
        expect(mine).to_contain_text(NEED)
    assert (report.ambassador, report.kind, report.someone_at_risk) == (yasmin_ambassador, "need", False)

    # --- Kamal finds it in the inbox and takes it to a new dialogue meeting -----------------------------
    with again(demo_people["kamal"]) as page:
        page.get_by_role("navigation", name=_("Main menu")).get_by_role("link", name=_("Ambassadors’ reports")).click()
        row = page.get_by_test_id("inbox-row")
        expect(row).to_have_count(1)
        expect(row).to_contain_text(str(PeerReport.Status.NEW.label))
        expect(row).to_contain_text("Yasmin Bakkegaard")
        row.get_by_role("link").click()
        expect(page.get_by_test_id("report-text")).to_have_text(NEED)
        expect(page.get_by_test_id("status")).to_have_text(str(PeerReport.Status.READ.label))
        main(page).get_by_role("link", name=_("Take it to a dialogue meeting")).click()
        page.get_by_label(starts_with(_("Or a new meeting on"))).fill(meeting_on.isoformat())
        page.get_by_label(starts_with(_("Place of the new meeting"))).fill("Globus1")
        page.get_by_label(_("Topic"), exact=True).fill(TOPIC)
        click_button(page, _("Add it to the meeting"))
        expect(page.get_by_test_id("status")).to_have_text(str(PeerReport.Status.DIALOGUE.label))
        page.get_by_test_id("topics").get_by_role("link").click()
        topic = page.get_by_test_id("topic")
        expect(topic).to_contain_text(TOPIC)
        expect(topic.get_by_test_id("from-report")).to_be_visible()
    made = Topic.objects.select_related("meeting").get()
    assert (made.peer_report_id, made.meeting.held_on, made.meeting.place) == (report.pk, meeting_on, "Globus1")

    # --- Yasmin reads what happens next ---------------------------------------------------------------
    with again(demo_people["yasmin"]) as page:
        main(page).get_by_role("link", name=_("Your ambassador page")).click()
        mine = page.locator(f"#report-{report.pk}")
        expect(mine.get_by_test_id("report-status")).to_have_text(str(PeerReport.Status.DIALOGUE.label))
        expect(mine.get_by_test_id("report-reply")).to_contain_text(
            f"will be raised at a dialogue meeting on {meeting_on.isoformat()}")
        expect(main(page)).not_to_contain_text(TOPIC)
