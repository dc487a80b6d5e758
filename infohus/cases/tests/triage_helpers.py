"""Shared pieces of the triage tests: a second Info house with its own coordinator, and concerns
placed at a chosen time."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.cases.models import Concern, Person
from infohus.cases.tests.factories import make_concern


def other_info_house() -> Organisation:
    # Its name must not contain "Infohus": factories.info_house() finds the demo one by that word.
    organisation, _ = Organisation.objects.get_or_create(
        name="Fyns Politi — Informationshus (test)", defaults={"kind": Organisation.Kind.POLICE_DISTRICT})
    return organisation


def other_coordinator() -> User:
    """olga, the coordinator of the other Info house."""
    user, created = User.objects.get_or_create(username="olga", defaults={"first_name": "Olga"})
    if created:
        Membership.objects.create(user=user, organisation=other_info_house(), role=Role.INFOHOUSE_COORDINATOR)
    return user


def concern_at_other_info_house(*, person: Person | None = None, **fields: object) -> Concern:
    concern = make_concern(person=person, **fields)  # type: ignore[arg-type]
    Concern.objects.filter(pk=concern.pk).update(info_house=other_info_house())
    concern.refresh_from_db()
    return concern


def received_ago(concern: Concern, **delta: float) -> Concern:
    Concern.objects.filter(pk=concern.pk).update(received_at=timezone.now() - timedelta(**delta))
    concern.refresh_from_db()
    return concern


# Every request of a signed-in user: session, user, second-factor device, memberships (once per
# request), and the session saved at the end (savepoint, update, release).
REQUEST_QUERIES = 7


def audit_queries(events: int = 1) -> int:
    """Queries of writing audit events inside the test's transaction: savepoint, last row,
    insert, release; PostgreSQL also takes the chain's advisory lock."""
    return events * (5 if connection.vendor == "postgresql" else 4)
