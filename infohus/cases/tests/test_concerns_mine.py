"""My concerns: a reporter sees the status of their own concerns and the general outcome, never
the case or the assessments; anyone else's concern is a 404, and the attempt is audited."""

import pytest
from django.urls import reverse

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern, LocalAssessment
from infohus.cases.services.concerns import OUTCOME_NO_CONCERN
from infohus.cases.tests.concerns_helpers import SIGNED_IN_OVERHEAD, ClientFor, count_queries, prison
from infohus.cases.tests.factories import make_concern, make_person

pytestmark = pytest.mark.django_db

LIST = "/desk/concerns/mine/"


def _detail(concern: Concern) -> str:
    return reverse("cases:my_concern", args=[concern.pk])


def test_reporter_sees_own_concerns_with_their_status(people: dict[str, User], signed_in: ClientFor) -> None:
    mine = make_concern(reporter=people["rasmus"], status=Concern.Status.IN_TRIAGE)
    others = make_concern(reporter=people["carl"])

    page = signed_in("rasmus").get(LIST).content.decode()

    assert mine.reference in page and "Being assessed by the Info house" in page
    assert others.reference not in page


def test_status_page_shows_status_and_general_outcome_only(people: dict[str, User], signed_in: ClientFor) -> None:
    person = make_person("Jonas", "Testesen")
    concern = make_concern(reporter=people["rasmus"], status=Concern.Status.NO_CONCERN, institution=prison(),
                           person=person, outcome_for_reporter=OUTCOME_NO_CONCERN)
    LocalAssessment.objects.create(concern=concern, participants="Rikke and the wing officer",
                                   conclusion="A quarrel about football, nothing more.",
                                   decision=LocalAssessment.Decision.NO_CONCERN, assessed_by=people["rikke"])

    page = signed_in("rasmus").get(_detail(concern)).content.decode()

    assert "Closed: no concern" in page
    assert "No further action was needed" in page
    for detail in ("Testesen", "quarrel about football", "wing officer", concern.observed, concern.worries):
        assert detail not in page


def test_another_reporters_concern_is_404_and_audited(people: dict[str, User], signed_in: ClientFor) -> None:
    concern = make_concern(reporter=people["carl"])

    response = signed_in("rasmus").get(_detail(concern))

    assert response.status_code == 404
    event = AuditEvent.objects.get(action="concern.refused")
    assert event.actor_username == "rasmus"
    assert event.object_id == str(concern.pk)
    assert event.details == {"exists": True}


def test_a_concern_that_does_not_exist_gets_the_same_answer(signed_in: ClientFor) -> None:
    response = signed_in("rasmus").get(reverse("cases:my_concern", args=[987654]))

    assert response.status_code == 404
    assert AuditEvent.objects.get(action="concern.refused").details == {"exists": False}


def test_info_house_staff_do_not_see_concerns_through_the_reporters_page(
        people: dict[str, User], signed_in: ClientFor) -> None:
    concern = make_concern(reporter=people["rasmus"])

    assert signed_in("ida").get(_detail(concern)).status_code == 404


# Queries of "My concerns": the paginator's count and the page of rows.
LIST_QUERIES = SIGNED_IN_OVERHEAD + 2
# Queries of a status page: the concern (the messages framework reads the session it already has).
DETAIL_QUERIES = SIGNED_IN_OVERHEAD + 1


def test_list_queries_do_not_grow_with_the_number_of_concerns(
        people: dict[str, User], signed_in: ClientFor, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    rasmus = signed_in("rasmus")
    make_concern(reporter=people["rasmus"])
    with django_assert_max_num_queries(LIST_QUERIES):
        rasmus.get(LIST)
    one = count_queries(rasmus, LIST)
    for _ in range(30):
        make_concern(reporter=people["rasmus"], status=Concern.Status.DECIDED, outcome_for_reporter="x")

    with django_assert_max_num_queries(LIST_QUERIES):
        response = rasmus.get(LIST)

    assert len(response.context["page"]) == 31
    assert count_queries(rasmus, LIST) == one


def test_status_page_queries_are_pinned(
        people: dict[str, User], signed_in: ClientFor, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    rasmus = signed_in("rasmus")
    concern = make_concern(reporter=people["rasmus"])
    with django_assert_max_num_queries(DETAIL_QUERIES):
        rasmus.get(_detail(concern))
    one = count_queries(rasmus, _detail(concern))
    for _ in range(30):
        make_concern(reporter=people["rasmus"])

    assert count_queries(rasmus, _detail(concern)) == one
