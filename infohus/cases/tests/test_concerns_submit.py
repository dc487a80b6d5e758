"""A reporter submits a concern: where it goes, urgency, and refusals of bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Membership, Organisation, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern
from infohus.cases.services.concerns import ConcernError, ConcernFacts, submit_concern
from infohus.cases.tests.concerns_helpers import (  # noqa: F401
    PDF,
    ClientFor,
    concern_post,
    media_root,
    prison,
    school,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

S = Concern.Status
URL = "/desk/concerns/new/"


def _facts(**overrides: object) -> ConcernFacts:
    fields: dict[str, object] = {
        "observed": "Said the attack was deserved.", "observed_on": timezone.localdate() - timedelta(days=1),
        "observed_where": "Wing B", "worries": "New contacts inside.",
    }
    fields.update(overrides)
    return ConcernFacts(**fields)  # type: ignore[arg-type]


def test_concern_from_a_school_goes_to_the_info_house(people: dict[str, User]) -> None:
    concern = submit_concern(reporter=people["rasmus"], organisation=school(), facts=_facts())

    assert concern.status == S.AWAITING_TRIAGE
    assert concern.info_house == school().info_house
    assert concern.institution is None
    assert concern.reference.startswith(f"B-{timezone.now().year}-")
    event = AuditEvent.objects.get(action="concern.submitted")
    assert event.actor_username == "rasmus" and event.object_id == str(concern.pk)


def test_concern_from_a_prison_with_a_resource_person_goes_to_local_assessment(people: dict[str, User]) -> None:
    officer = User.objects.create(username="officer")
    Membership.objects.create(user=officer, organisation=prison(), role="reporter")

    concern = submit_concern(reporter=officer, organisation=prison(), facts=_facts())

    assert concern.status == S.LOCAL_ASSESSMENT
    assert concern.institution == prison()
    assert concern.info_house == prison().info_house


def test_concern_from_a_prison_without_an_active_resource_person_goes_to_the_info_house(
        people: dict[str, User]) -> None:
    Membership.objects.filter(user=people["rikke"]).update(is_active=False)
    officer = User.objects.create(username="officer")
    Membership.objects.create(user=officer, organisation=prison(), role="reporter")

    concern = submit_concern(reporter=officer, organisation=prison(), facts=_facts())

    assert concern.status == S.AWAITING_TRIAGE
    assert concern.institution is None


def test_organisation_without_an_info_house_is_refused_with_a_clear_message(people: dict[str, User]) -> None:
    Organisation.objects.filter(pk=school().pk).update(info_house=None)

    with pytest.raises(ConcernError, match="has no Info house"):
        submit_concern(reporter=people["rasmus"], organisation=school(), facts=_facts())
    assert not Concern.objects.exists()


def test_immediate_danger_marks_the_concern_urgent(people: dict[str, User]) -> None:
    concern = submit_concern(reporter=people["rasmus"], organisation=school(), facts=_facts(immediate_danger=True))

    assert concern.urgent and concern.immediate_danger


def test_future_date_is_refused_by_the_service(people: dict[str, User]) -> None:
    with pytest.raises(ConcernError, match="future"):
        submit_concern(reporter=people["rasmus"], organisation=school(),
                       facts=_facts(observed_on=timezone.localdate() + timedelta(days=1)))


def test_form_submits_and_shows_the_status_page(signed_in: ClientFor) -> None:
    rasmus = signed_in("rasmus")

    response = rasmus.post(URL, concern_post(attachments=[upload("notes.pdf", PDF)]), follow=True)

    concern = Concern.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cases:my_concern", args=[concern.pk])
    assert concern.reference in response.content.decode()
    assert concern.person_described == "Jonas, 15, class 8B"
    assert concern.extremism == "right_wing"
    assert concern.attachments.get().content_type == "application/pdf"


def test_form_always_carries_the_emergency_guidance(signed_in: ClientFor) -> None:
    # It is on the page without JavaScript; the script only highlights it.
    page = signed_in("rasmus").get(URL).content.decode()

    assert 'data-testid="emergency-guidance"' in page
    assert "112" in page
    assert "<script>" not in page and "style=" not in page


def test_urgent_concern_shows_emergency_guidance_after_sending(signed_in: ClientFor) -> None:
    response = signed_in("rasmus").post(URL, concern_post(immediate_danger="on"), follow=True)

    assert Concern.objects.get().urgent
    page = response.content.decode()
    assert "Call 112 now" in page and 'role="alert"' in page


def test_future_date_is_refused_and_everything_typed_is_kept(signed_in: ClientFor) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = signed_in("rasmus").post(URL, concern_post(observed_on=tomorrow,
                                                          attachments=[upload("notes.pdf", PDF)]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "The date cannot be in the future" in page
    assert "He showed classmates videos" in page and "Class 8B, during the break" in page
    assert 'data-testid="files-dropped"' in page
    assert not Concern.objects.exists()


def test_missing_facts_are_named(signed_in: ClientFor) -> None:
    response = signed_in("rasmus").post(URL, concern_post(worries="", person_described=""))

    page = response.content.decode()
    assert "What worries you?: This field is required." in page
    assert "Describe the person concerned, or tick that you do not know who they are." in page
    assert 'data-testid="files-dropped"' not in page


def test_unknown_person_is_accepted(signed_in: ClientFor) -> None:
    signed_in("rasmus").post(URL, concern_post(person_described="", person_unknown="on"))

    concern = Concern.objects.get()
    assert concern.person_described == "" and concern.person is None


def test_someone_who_cannot_report_is_refused(signed_in: ClientFor) -> None:
    assert signed_in("mads").post(URL, concern_post()).status_code == 403
    assert not Concern.objects.exists()
