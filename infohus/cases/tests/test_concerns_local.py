"""The resource person's queue and local assessment: forward, handle locally, or no concern;
only concerns of their own institution; stale decisions refused."""

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern, ConcernAttachment, LocalAssessment
from infohus.cases.services.concerns import StaleConcern, record_local_assessment
from infohus.cases.tests.concerns_helpers import (  # noqa: F401
    AUDIT_EVENT,
    SIGNED_IN_OVERHEAD,
    ClientFor,
    count_queries,
    media_root,
    prison,
)
from infohus.cases.tests.factories import make_concern

pytestmark = pytest.mark.django_db

S = Concern.Status
D = LocalAssessment.Decision
QUEUE = "/desk/concerns/local/"


def _at_prison(people: dict[str, User], **fields: Any) -> Concern:
    fields.setdefault("status", S.LOCAL_ASSESSMENT)
    return make_concern(reporter=people["rasmus"], institution=prison(), **fields)


def _url(concern: Concern) -> str:
    return reverse("cases:local_concern", args=[concern.pk])


def _decide(decision: str, version: int = 1) -> dict[str, Any]:
    return {"participants": "Rikke (resource person), Ole (wing officer), Sanne (probation)",
            "conclusion": "We talked it through with the inmate's contact officer.", "decision": decision,
            "version": version}


def test_queue_lists_concerns_of_her_institution_urgent_first(people: dict[str, User], signed_in: ClientFor) -> None:
    old = _at_prison(people)
    urgent = _at_prison(people, urgent=True)
    elsewhere = make_concern(reporter=people["rasmus"], status=S.LOCAL_ASSESSMENT,
                             institution=Organisation.objects.get(kind=Organisation.Kind.SCHOOL))

    response = signed_in("rikke").get(QUEUE)

    assert [c.pk for c in response.context["page"]] == [urgent.pk, old.pk]
    assert elsewhere.reference not in response.content.decode()


def test_resource_person_sees_the_content_and_the_read_is_audited(
        people: dict[str, User], signed_in: ClientFor) -> None:
    concern = _at_prison(people)

    page = signed_in("rikke").get(_url(concern)).content.decode()

    assert concern.observed in page and concern.worries in page
    assert AuditEvent.objects.filter(action="concern.viewed", actor_username="rikke",
                                     object_id=str(concern.pk)).exists()


@pytest.mark.parametrize(("decision", "status", "told"), [
    (D.FORWARD, S.AWAITING_TRIAGE, ""),
    (D.HANDLE_LOCALLY, S.HANDLED_LOCALLY, "following it up itself"),
    (D.NO_CONCERN, S.NO_CONCERN, "No further action was needed"),
])
def test_local_assessment_decides_where_the_concern_goes(
        people: dict[str, User], signed_in: ClientFor, decision: str, status: str, told: str) -> None:
    concern = _at_prison(people)

    response = signed_in("rikke").post(_url(concern), _decide(decision))

    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == status
    assert concern.version == 2
    assert (told in concern.outcome_for_reporter) if told else concern.outcome_for_reporter == ""
    assessment = concern.local_assessment
    assert assessment.assessed_by == people["rikke"] and "Ole (wing officer)" in assessment.participants
    event = AuditEvent.objects.get(action="concern.local_assessment_recorded")
    assert event.details == {"decision": decision, "status": status}


def test_forwarded_concern_reaches_the_info_house_queue(people: dict[str, User], signed_in: ClientFor) -> None:
    from infohus.cases.selectors.need_to_know import concerns_for_triage

    concern = _at_prison(people)
    assert not concerns_for_triage(people["ida"]).filter(pk=concern.pk).exists()

    signed_in("rikke").post(_url(concern), _decide(D.FORWARD))

    assert concerns_for_triage(people["ida"]).filter(pk=concern.pk).exists()


def test_missing_conclusion_is_refused_and_input_kept(people: dict[str, User], signed_in: ClientFor) -> None:
    concern = _at_prison(people)

    response = signed_in("rikke").post(_url(concern), {**_decide(D.FORWARD), "conclusion": ""})

    assert response.status_code == 200
    assert "Ole (wing officer)" in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == S.LOCAL_ASSESSMENT


def test_a_stale_decision_is_refused_and_input_kept(people: dict[str, User], signed_in: ClientFor) -> None:
    concern = _at_prison(people)
    Concern.objects.filter(pk=concern.pk).update(version=2)  # someone else saved meanwhile

    response = signed_in("rikke").post(_url(concern), _decide(D.NO_CONCERN, version=1))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this concern" in page and "Ole (wing officer)" in page
    assert not LocalAssessment.objects.exists()


def test_service_refuses_a_second_assessment(people: dict[str, User]) -> None:
    concern = _at_prison(people)
    record_local_assessment(concern=concern, assessed_by=people["rikke"], participants="a", conclusion="b",
                            decision=D.FORWARD, expected_version=1)

    with pytest.raises(StaleConcern):
        record_local_assessment(concern=concern, assessed_by=people["rikke"], participants="a", conclusion="b",
                                decision=D.NO_CONCERN, expected_version=2)


def test_posting_to_an_assessed_concern_changes_nothing(people: dict[str, User], signed_in: ClientFor) -> None:
    concern = _at_prison(people, status=S.HANDLED_LOCALLY)

    response = signed_in("rikke").post(_url(concern), _decide(D.FORWARD))

    assert response.status_code == 409
    concern.refresh_from_db()
    assert concern.status == S.HANDLED_LOCALLY


def test_concern_of_another_institution_is_404_and_audited(people: dict[str, User], signed_in: ClientFor) -> None:
    concern = make_concern(reporter=people["rasmus"], status=S.LOCAL_ASSESSMENT, institution=None)

    response = signed_in("rikke").post(_url(concern), _decide(D.NO_CONCERN))

    assert response.status_code == 404
    concern.refresh_from_db()
    assert concern.status == S.LOCAL_ASSESSMENT
    assert AuditEvent.objects.get(action="concern.refused").actor_username == "rikke"


def test_others_cannot_open_the_local_pages(people: dict[str, User], signed_in: ClientFor) -> None:
    concern = _at_prison(people)

    assert signed_in("ida").get(_url(concern)).status_code == 403
    assert signed_in("rasmus").get(QUEUE).status_code == 403


# Queries of the queue: her institutions (the need-to-know selector), the paginator's count, the
# page of rows with their reporters; again her institutions, and the recently assessed concerns
# with their reporters and assessments.
QUEUE_QUERIES = SIGNED_IN_OVERHEAD + 5
# Queries of a concern page: her institutions, the concern with its reporter, organisations and
# assessment, its attachments, and the audit event of the read.
DETAIL_QUERIES = SIGNED_IN_OVERHEAD + 3 + AUDIT_EVENT


def test_queue_queries_do_not_grow_with_the_number_of_concerns(
        people: dict[str, User], signed_in: ClientFor, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    rikke = signed_in("rikke")
    _at_prison(people)
    _at_prison(people, status=S.AWAITING_TRIAGE)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        rikke.get(QUEUE)
    one = count_queries(rikke, QUEUE)
    for n in range(25):
        _at_prison(people, urgent=n % 3 == 0)
        _at_prison(people, status=S.NO_CONCERN)

    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = rikke.get(QUEUE)

    assert len(response.context["page"]) == 26 and len(response.context["assessed"]) == 20
    assert count_queries(rikke, QUEUE) == one


@pytest.mark.usefixtures("media_root")
def test_detail_queries_are_pinned(
        people: dict[str, User], signed_in: ClientFor, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    rikke = signed_in("rikke")
    concern = _at_prison(people, status=S.AWAITING_TRIAGE)
    LocalAssessment.objects.create(concern=concern, participants="a", conclusion="b", decision=D.FORWARD,
                                   assessed_by=people["rikke"])
    with django_assert_max_num_queries(DETAIL_QUERIES):
        rikke.get(_url(concern))
    one = count_queries(rikke, _url(concern))
    for n in range(5):
        attachment = ConcernAttachment(concern=concern, original_name=f"{n}.txt", content_type="text/plain", size=1)
        attachment.file.save(f"{n}.txt", ContentFile(b"x"), save=False)
        attachment.save()

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = rikke.get(_url(concern))

    assert len(response.context["attachments"]) == 5
    assert count_queries(rikke, _url(concern)) == one
