"""The requirement services: only the trainers of an organisation keep its requirements; every
rule refuses at its field; an edit over someone else's answers StaleEdit and changes
nothing; each write is audited. And the demo requirement, made once."""

from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Role
from infohus.audit.models import AuditEvent
from infohus.core.concurrency import StaleEdit
from infohus.training.demo_compliance import RESOURCE_PERSON_REQUIREMENT, create_demo_requirements
from infohus.training.models import CourseKind, Requirement
from infohus.training.services import requirements as services
from infohus.training.tests.factories import centre

pytestmark = pytest.mark.django_db
People = dict[str, User]

DATA = services.RequirementData(
    name=" Resource persons ", role=Role.RESOURCE_PERSON, organisation_kind=Organisation.Kind.PRISON_PROBATION,
    satisfied_by=(CourseKind.RESOURCE_PERSON_FOLLOW_UP, CourseKind.RESOURCE_PERSON, CourseKind.RESOURCE_PERSON),
    interval_months=6)


def test_create_keeps_the_kinds_in_catalogue_order_once(people: People) -> None:
    requirement = services.create_requirement(actor=people["tina"], organisation=centre(), data=DATA)
    assert requirement.name == "Resource persons"
    assert requirement.satisfied_by == [CourseKind.RESOURCE_PERSON, CourseKind.RESOURCE_PERSON_FOLLOW_UP]
    event = AuditEvent.objects.get(action="training.requirement_created")
    assert (event.actor_username, event.organisation_name) == ("tina", centre().name)


@pytest.mark.parametrize(("who", "organisation"), [("carl", "Aarhus"), ("tina", "Aarhus"), ("rikke", "Statsf")])
def test_only_the_trainers_of_the_organisation(people: People, who: str, organisation: str) -> None:
    with pytest.raises(PermissionDenied):
        services.create_requirement(actor=people[who], organisation=Organisation.objects.get(
            name__startswith=organisation), data=DATA)
    assert not Requirement.objects.exists()


def test_every_rule_at_its_field(people: People) -> None:
    bad = replace(DATA, name="", role="king", organisation_kind="castle", satisfied_by=(), interval_months=121,
                  remind_days_before=366, minimum_per_organisation=-1)
    with pytest.raises(ValidationError) as refused:
        services.create_requirement(actor=people["tina"], organisation=centre(), data=bad)
    assert set(refused.value.message_dict) == {"name", "role", "organisation_kind", "satisfied_by", "interval_months",
                                               "remind_days_before", "minimum_per_organisation"}
    with pytest.raises(ValidationError) as unknown:
        services.create_requirement(actor=people["tina"], organisation=centre(),
                                    data=replace(DATA, satisfied_by=("karate",)))
    assert unknown.value.message_dict == {"satisfied_by": ["Choose kinds of course from the list."]}
    assert not Requirement.objects.exists()


def test_the_edges_are_allowed(people: People) -> None:
    for months, days in ((1, 0), (120, 365)):
        services.create_requirement(actor=people["tina"], organisation=centre(),
                                    data=replace(DATA, interval_months=months, remind_days_before=days))
    assert Requirement.objects.count() == 2


def test_an_edit_with_the_version_seen(people: People) -> None:
    requirement = services.create_requirement(actor=people["tina"], organisation=centre(), data=DATA)
    services.update_requirement(actor=people["tina"], requirement=requirement, expected_version=1,
                                data=replace(DATA, interval_months=12, is_active=False))
    requirement.refresh_from_db()
    assert (requirement.interval_months, requirement.is_active, requirement.version) == (12, False, 2)
    event = AuditEvent.objects.get(action="training.requirement_changed")
    assert event.details == {"changed": ["interval_months", "is_active"], "version": 2}
    with pytest.raises(StaleEdit) as stale:
        services.update_requirement(actor=people["tina"], requirement=requirement, expected_version=1,
                                    data=replace(DATA, interval_months=3))
    assert stale.value.current.interval_months == 12 and stale.value.current.version == 2
    requirement.refresh_from_db()
    assert requirement.interval_months == 12
    assert AuditEvent.objects.filter(action="training.requirement_changed").count() == 1


def test_the_demo_requirement_is_made_once(people: People) -> None:
    first = create_demo_requirements()
    again = create_demo_requirements()
    assert [r.pk for r in first] == [r.pk for r in again]
    requirement = Requirement.objects.get()
    assert requirement.name == RESOURCE_PERSON_REQUIREMENT and requirement.organisation == centre()
    assert (requirement.role, requirement.organisation_kind, requirement.interval_months,
            requirement.remind_days_before, requirement.minimum_per_organisation) == (
        Role.RESOURCE_PERSON, Organisation.Kind.PRISON_PROBATION, 6, 30, 1)
    assert requirement.satisfied_by == [CourseKind.RESOURCE_PERSON, CourseKind.RESOURCE_PERSON_FOLLOW_UP]
    assert requirement.created_by == people["tina"]
