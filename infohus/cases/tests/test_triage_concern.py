"""One concern in triage: the Info house sees it and takes it in; another Info house gets a 404."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern, Disclosure, LegalBasis
from infohus.cases.tests.factories import make_concern, make_person
from infohus.cases.tests.triage_helpers import (
    REQUEST_QUERIES,
    audit_queries,
    concern_at_other_info_house,
    other_coordinator,
)

# The request's own queries, the user's Info houses, the concern with everything it shows
# joined, its meetings, the upcoming meetings it may be added to, its disclosures (organisations
# joined), and the audit event of the read.
DETAIL_QUERIES = REQUEST_QUERIES + 5 + audit_queries(1)


def url(concern: Concern) -> str:
    return f"/desk/triage/concerns/{concern.pk}/"


def test_coordinator_and_police_liaison_see_the_concern(signed_in: Callable[[str], Client]) -> None:
    concern = make_concern(person=make_person("Jonas", "Testesen"))
    for username in ("ida", "per"):
        response = signed_in(username).get(url(concern))
        assert response.status_code == 200
        assert "Jonas Testesen" in response.content.decode()
    assert AuditEvent.objects.filter(action="concern.viewed", object_id=str(concern.pk),
                                     person_id=str(concern.person_id)).count() == 2


def test_concern_of_another_info_house_is_404_and_audited(signed_in: Callable[[str], Client]) -> None:
    concern = concern_at_other_info_house(person=make_person())
    client = signed_in("ida")
    for path in ("", "take/", "person/", "person/new/", "disclosures/new/", "decide/"):
        response = client.post(url(concern) + path) if path == "take/" else client.get(url(concern) + path)
        assert response.status_code == 404, path
    assert AuditEvent.objects.filter(action="concern.refused", actor_username="ida",
                                     object_id=str(concern.pk)).count() == 6
    concern.refresh_from_db()
    assert concern.status == Concern.Status.AWAITING_TRIAGE


def test_concern_still_with_the_institution_is_404(signed_in: Callable[[str], Client]) -> None:
    concern = make_concern(status=Concern.Status.LOCAL_ASSESSMENT)
    assert signed_in("ida").get(url(concern)).status_code == 404


def test_coordinator_of_the_other_info_house_does_not_see_ours(people: dict[str, User]) -> None:
    from infohus.cases.selectors.triage import triage_queue

    make_concern()
    assert list(triage_queue(other_coordinator())) == []


def test_take_into_triage(signed_in: Callable[[str], Client]) -> None:
    concern = make_concern()
    response = signed_in("per").post(url(concern) + "take/")
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == Concern.Status.IN_TRIAGE
    assert concern.version == 2
    assert AuditEvent.objects.filter(action="concern.triage_started", object_id=str(concern.pk)).exists()


def test_take_is_post_only(signed_in: Callable[[str], Client]) -> None:
    assert signed_in("ida").get(url(make_concern()) + "take/").status_code == 405


def test_disclosures_in_compartments_outside_the_role_are_not_shown(people: dict[str, User],
                                                                     signed_in: Callable[[str], Client]) -> None:
    concern = make_concern(person=make_person())
    info_house = concern.info_house
    for compartment, summary in (("police", "Known to the police for threats"),
                                 ("intelligence", "Intelligence summary")):
        Disclosure.objects.create(person=concern.person, concern=concern, from_organisation=info_house,
                                  summary=summary, legal_basis=LegalBasis.S115_INFOHOUSE, purpose="Prevention",
                                  compartment=compartment, recorded_by=people["per"])
    ida_page = signed_in("ida").get(url(concern)).content.decode()
    per_page = signed_in("per").get(url(concern)).content.decode()
    assert "Known to the police for threats" in ida_page and "Intelligence summary" not in ida_page
    assert "Intelligence summary" in per_page


@pytest.mark.parametrize("disclosures", [1, 20])
def test_query_count_does_not_grow(people: dict[str, User], signed_in: Callable[[str], Client], disclosures: int,
                                   django_assert_max_num_queries: Any) -> None:
    client = signed_in("ida")
    concern = make_concern(person=make_person())
    for i in range(disclosures):
        Disclosure.objects.create(person=concern.person, concern=concern, from_organisation=concern.info_house,
                                  to_organisation=people["carl"].memberships.first().organisation,
                                  summary=f"Fact {i}", legal_basis=LegalBasis.S115_SSP, purpose="Prevention",
                                  recorded_by=people["ida"])
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(url(concern))
    assert response.status_code == 200
