"""The aggregates of interventions and mentor hours that the insights dashboard reads, counted by
hand from rows made with the factories."""

from datetime import date

import pytest
from django.db.models import Q

from infohus.accounts.models import Organisation, User
from infohus.cases.tests.factories import make_case
from infohus.interventions.models import Intervention, InterventionKind, LendingRequest, Outcome
from infohus.interventions.selectors import statistics as stats
from infohus.interventions.selectors.statistics import KindCount, Minutes
from infohus.interventions.tests.factories import make_intervention, make_lending, make_profile, make_session

pytestmark = pytest.mark.django_db

JAN, MAR = date(2025, 1, 1), date(2025, 3, 1)


def org(name: str) -> Organisation:
    return Organisation.objects.get(name__startswith=name)


def area_of(municipality: Organisation) -> object:
    return Organisation.objects.filter(Q(pk=municipality.pk) | Q(parent=municipality)).values("pk")


def test_interventions_by_kind_and_where_they_are_now(people: dict[str, User]) -> None:
    carl, rita = people["carl"], people["rita"]
    aarhus_case, randers_case = make_case(lead=carl), make_case(lead=rita)
    make_intervention(case=aarhus_case, started_on=date(2025, 1, 5))
    make_intervention(case=aarhus_case, started_on=date(2025, 2, 5))
    make_intervention(case=aarhus_case, started_on=date(2025, 2, 6), status=Intervention.Status.ENDED,
                      outcome=Outcome.DECLINED)
    make_intervention(case=randers_case, kind=InterventionKind.EXIT_TALKS, started_on=date(2025, 1, 9),
                      status=Intervention.Status.ENDED, outcome="")
    make_intervention(case=randers_case, started_on=date(2024, 12, 31))  # before the period
    make_intervention(provider_user=carl, started_on=date(2025, 1, 12))  # anonymous advice, ended at once

    rows = stats.interventions_by_kind(start=JAN, end=MAR, area=None)

    assert rows == [
        KindCount(InterventionKind.ADVICE_CONSULTATION, Outcome.ADVICE_GIVEN, 1),
        KindCount(InterventionKind.EXIT_TALKS, stats.NOT_RECORDED, 1),
        KindCount(InterventionKind.MENTORING, stats.ACTIVE, 2),
        KindCount(InterventionKind.MENTORING, Outcome.DECLINED, 1),
    ]
    assert {r.state for r in rows} <= {value for value, _label in stats.intervention_states()}
    randers = stats.interventions_by_kind(start=JAN, end=MAR, area=area_of(org("Randers")))
    assert randers == [KindCount(InterventionKind.EXIT_TALKS, stats.NOT_RECORDED, 1)]


def test_mentor_hours_lent_and_borrowed_per_municipality(people: dict[str, User]) -> None:
    aarhus, randers, odder = org("Aarhus"), org("Randers"), org("Odder")
    otto = make_profile(people["otto"])  # a mentor of Randers
    lent_to_aarhus = make_lending(case=make_case(lead=people["carl"]), lending_organisation=randers,
                                  status=LendingRequest.Status.ACCEPTED, offered_mentor=otto)
    lent_to_odder = make_lending(case=make_case(lead=people["pia"], owner=odder), lending_organisation=randers,
                                 status=LendingRequest.Status.ACCEPTED, offered_mentor=otto)
    for held_on, minutes in ((date(2025, 1, 7), 90), (date(2025, 2, 7), 60), (date(2025, 3, 7), 45)):
        assert lent_to_aarhus.intervention is not None
        make_session(lent_to_aarhus.intervention, held_on=held_on, duration_minutes=minutes, lending=lent_to_aarhus)
    assert lent_to_odder.intervention is not None
    make_session(lent_to_odder.intervention, held_on=date(2025, 1, 9), duration_minutes=30, lending=lent_to_odder)
    # A session of the borrowing municipality's own mentor is not lent.
    own = make_intervention(case=lent_to_aarhus.case, provider_user=people["mads"])
    make_session(own, held_on=date(2025, 1, 9), duration_minutes=600)

    lent = stats.minutes_lent(start=JAN, end=MAR, area=None)
    borrowed = stats.minutes_borrowed(start=JAN, end=MAR, area=None)

    assert lent == [Minutes(randers.pk, randers.name, 180)]
    assert borrowed == [Minutes(aarhus.pk, aarhus.name, 150), Minutes(odder.pk, odder.name, 30)]
    assert stats.minutes_lent(start=JAN, end=MAR, area=area_of(aarhus)) == []
    assert stats.minutes_borrowed(start=JAN, end=MAR, area=area_of(odder)) == [Minutes(odder.pk, odder.name, 30)]
