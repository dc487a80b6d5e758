"""The dry run page (the DPO starts it and sees what would go; nothing is erased), the list of
runs and one run, with their query counts pinned at a few and at many rows."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import User
from infohus.cases.models import Concern, LocalAssessment
from infohus.cases.tests.factories import make_concern
from infohus.privacy import retention as kinds
from infohus.privacy.models import RetentionRun

pytestmark = pytest.mark.django_db


def old_concern(people: dict[str, User]) -> Concern:
    concern = make_concern(reporter=people["rikke"], status=Concern.Status.NO_CONCERN)
    local = LocalAssessment.objects.create(concern=concern, participants="Staff", conclusion="None",
                                           decision=LocalAssessment.Decision.NO_CONCERN, assessed_by=people["rikke"])
    LocalAssessment.objects.filter(pk=local.pk).update(assessed_at=timezone.now() - timedelta(days=4 * 365))
    return concern


def test_the_dpo_starts_a_dry_run_and_sees_what_would_go(signed_in: Callable[[str], Client],
                                                         people: dict[str, User]) -> None:
    concern = old_concern(people)
    dina = signed_in("dina")
    assert dina.get("/privacy/retention/dry-run/").status_code == 200

    response = dina.post("/privacy/retention/dry-run/")

    assert response.status_code == 200
    page = response.content.decode()
    row = page[page.index(f'data-kind="{kinds.CONCERN}"'):]
    assert '<td data-testid="count">1</td>' in row[:400]
    concern.refresh_from_db()
    assert concern.anonymised_at is None and concern.worries
    run = RetentionRun.objects.get()
    assert run.dry_run and run.started_by == people["dina"] and run.counts[kinds.CONCERN] == 1


@pytest.mark.parametrize("count", [2, 60])
def test_the_runs_list_is_a_fixed_number_of_queries(signed_in: Callable[[str], Client], people: dict[str, User],
                                                    count: int, django_assert_max_num_queries: object) -> None:
    RetentionRun.objects.bulk_create(RetentionRun(dry_run=bool(n % 2), started_by=people["dina"] if n % 2 else None,
                                                  counts={kinds.CONCERN: n}) for n in range(count))
    dina = signed_in("dina")

    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = dina.get("/privacy/retention/runs/")

    assert response.status_code == 200
    assert response.content.decode().count("data-run=") == min(count, 50)


def test_one_run_shows_its_counts_per_kind(signed_in: Callable[[str], Client],
                                           django_assert_max_num_queries: object) -> None:
    run = RetentionRun.objects.create(status=RetentionRun.Status.FAILED, error="case_closed: OperationalError",
                                      counts={k.key: n for n, k in enumerate(kinds.KINDS)},
                                      held={kinds.CONCERN: 4})
    dina = signed_in("dina")

    with django_assert_max_num_queries(11):  # type: ignore[operator]
        response = dina.get(f"/privacy/retention/runs/{run.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("data-kind=") == len(kinds.KINDS)
    assert "OperationalError" in page


@pytest.mark.parametrize("who", ["anders", "sofie"])
def test_the_analyst_and_the_administrator_cannot_start_a_dry_run(signed_in: Callable[[str], Client],
                                                                  who: str) -> None:
    assert signed_in(who).post("/privacy/retention/dry-run/").status_code == 403
    assert not RetentionRun.objects.exists()
