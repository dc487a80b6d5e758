"""The work on each case of a research extract, summed in the database: kinds, outcomes, treatment,
the first start, sessions and their hours. Never a description, goal or session note."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from infohus.accounts.models import User
from infohus.cases.models import Case
from infohus.cases.tests.factories import make_case
from infohus.interventions.models import Intervention, InterventionKind
from infohus.interventions.selectors.research import CaseWork, work_per_case
from infohus.interventions.tests.factories import make_intervention, make_session

pytestmark = pytest.mark.django_db


def test_the_work_on_a_case_is_summed_per_case(people: dict[str, User]) -> None:
    carl, mads = people["carl"], people["mads"]
    case, other = make_case(lead=carl), make_case(lead=carl)
    mentoring = make_intervention(case=case, provider_user=mads, started_on=date(2025, 3, 4),
                                  description="Meets him at the football club")
    ended = make_intervention(case=case, kind=InterventionKind.TREATMENT_REFERRAL, provider_user=mads,
                              started_on=date(2025, 2, 1), status=Intervention.Status.ENDED, outcome="partly_met",
                              treatment="motivational")
    make_intervention(case=case, provider_user=mads, started_on=date(2025, 5, 1))  # a second mentoring
    make_session(mentoring, duration_minutes=90, notes="Talked about his brother")
    make_session(mentoring, duration_minutes=45)
    make_session(ended, duration_minutes=50)
    make_session(make_intervention(case=other, provider_user=mads), duration_minutes=600)

    work = work_per_case([case.pk])

    assert work == {case.pk: CaseWork(
        intervention_kinds="mentoring;treatment_referral", intervention_outcomes="partly_met",
        treatment_kinds="motivational", first_intervention=date(2025, 2, 1), session_count=3,
        session_hours=Decimal("3.1"))}  # 185 minutes
    assert "football" not in repr(asdict(work[case.pk])) and "brother" not in repr(asdict(work[case.pk]))


def test_a_case_without_interventions_is_left_out_and_active_ones_have_no_outcome(people: dict[str, User]) -> None:
    quiet, active = make_case(lead=people["carl"]), make_case(lead=people["carl"])
    make_intervention(case=active, provider_user=people["mads"])

    work = work_per_case(Case.objects.filter(pk__in=[quiet.pk, active.pk]).values_list("pk", flat=True))

    assert set(work) == {active.pk}
    assert (work[active.pk].intervention_outcomes, work[active.pk].session_count) == ("", 0)
    assert work[active.pk].session_hours == Decimal("0.0")


@pytest.mark.parametrize("cases", [2, 25])
def test_two_queries_whatever_the_number_of_cases(people: dict[str, User], cases: int,
                                                  django_assert_num_queries: Any) -> None:
    made = []
    for _ in range(cases):
        case = make_case(lead=people["carl"])
        make_session(make_intervention(case=case, provider_user=people["mads"]))
        made.append(case.pk)
    with django_assert_num_queries(2):  # interventions grouped by case, then sessions grouped by case
        work = work_per_case(Case.objects.filter(pk__in=made).values_list("pk", flat=True))
    assert len(work) == cases
