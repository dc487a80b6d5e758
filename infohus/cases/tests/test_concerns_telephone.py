"""Info-house staff record a concern received by telephone, also from an anonymous relative."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern
from infohus.cases.selectors.need_to_know import concerns_for_triage
from infohus.cases.services.concerns import Caller, ConcernFacts, record_telephone_concern
from infohus.cases.tests.concerns_helpers import (  # noqa: F401
    SIGNED_IN_OVERHEAD,
    ClientFor,
    concern_post,
    media_root,
)
from infohus.cases.tests.factories import info_house

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

URL = "/desk/concerns/telephone/"


def _call(**overrides: str) -> dict[str, str]:
    return concern_post(caller_relation="Aunt", **overrides)


def test_anonymous_relative_is_recorded_and_waits_for_triage(people: dict[str, User], signed_in: ClientFor) -> None:
    response = signed_in("ida").post(URL, _call(caller_anonymous="on"), follow=True)

    concern = Concern.objects.get()
    assert concern.recorded_by == people["ida"]  # who took the call
    assert concern.channel == Concern.Channel.TELEPHONE
    assert concern.status == Concern.Status.AWAITING_TRIAGE
    assert concern.info_house == info_house()
    assert concern.caller_anonymous and concern.caller_name == "" and concern.caller_relation == "Aunt"
    assert concern.reported_by is None
    assert concerns_for_triage(people["per"]).filter(pk=concern.pk).exists()
    assert f"recorded as {concern.reference}" in response.content.decode()
    event = AuditEvent.objects.get(action="concern.telephone_recorded")
    assert event.actor_username == "ida" and event.details["anonymous"] is True


def test_named_caller_is_kept(signed_in: ClientFor) -> None:
    signed_in("per").post(URL, _call(caller_name="Birthe Holm", caller_contact="+45 20 00 00 00",
                                     immediate_danger="on"))

    concern = Concern.objects.get()
    assert concern.caller_name == "Birthe Holm" and not concern.caller_anonymous
    assert concern.urgent


def test_caller_must_be_named_or_anonymous(signed_in: ClientFor) -> None:
    response = signed_in("ida").post(URL, _call())

    assert "Give the caller&#x27;s name, or tick that they want to stay anonymous." in response.content.decode()
    assert not Concern.objects.exists()


def test_anonymous_caller_with_a_name_is_refused_and_input_kept(signed_in: ClientFor) -> None:
    response = signed_in("ida").post(URL, _call(caller_anonymous="on", caller_name="Birthe Holm"))

    page = response.content.decode()
    assert "The caller is anonymous: leave the name and contact details empty." in page
    assert "Birthe Holm" in page and "Class 8B, during the break" in page
    assert not Concern.objects.exists()


def test_future_date_is_refused(signed_in: ClientFor) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = signed_in("ida").post(URL, _call(caller_anonymous="on", observed_on=tomorrow))

    assert "The date cannot be in the future" in response.content.decode()
    assert not Concern.objects.exists()


def test_reporters_and_resource_people_cannot_take_calls(signed_in: ClientFor) -> None:
    assert signed_in("rasmus").get(URL).status_code == 403
    assert signed_in("rikke").post(URL, _call(caller_anonymous="on")).status_code == 403
    assert not Concern.objects.exists()


def test_service_refuses_staff_of_another_info_house(people: dict[str, User]) -> None:
    other = Organisation.objects.create(name="Fyns Politi (test)", kind=Organisation.Kind.POLICE_DISTRICT)
    facts = ConcernFacts(observed="x", observed_on=timezone.localdate(), observed_where="y", worries="z")

    with pytest.raises(PermissionDenied):
        record_telephone_concern(recorded_by=people["ida"], info_house=other, facts=facts,
                                 caller=Caller(anonymous=True))


# The intake forms read nothing of their own: only the signed-in overhead.
FORM_QUERIES = SIGNED_IN_OVERHEAD


@pytest.mark.parametrize(("who", "url"), [("ida", URL), ("rasmus", "/desk/concerns/new/")])
def test_form_page_queries_are_pinned(signed_in: ClientFor, django_assert_max_num_queries,  # type: ignore[no-untyped-def]
                                      who: str, url: str) -> None:
    client = signed_in(who)
    with django_assert_max_num_queries(FORM_QUERIES):
        assert client.get(url).status_code == 200
