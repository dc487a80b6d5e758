"""Fixtures shared by the assessments tests.

team_case: carl leads; mads (mentor) sees general; signe (psychiatry liaison) general and health;
per (police liaison) general and police. small_version: the small test instrument with a field of
every kind (tests/factories.py), published; licensed_version: the licensed-instrument record."""

import pytest

from infohus.accounts.models import User
from infohus.assessments.models import InstrumentVersion
from infohus.assessments.tests.factories import licensed_definition, published, small_definition
from infohus.cases.models import Case
from infohus.cases.tests.factories import make_case


@pytest.fixture
def team_case(people: dict[str, User]) -> Case:
    return make_case(lead=people["carl"], team={
        people["mads"]: "general", people["signe"]: "general,health", people["per"]: "general,police",
    })


@pytest.fixture
def small_version(db: None) -> InstrumentVersion:
    return published(small_definition())


@pytest.fixture
def licensed_version(db: None) -> InstrumentVersion:
    return published(licensed_definition())
