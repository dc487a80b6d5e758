"""training.services.erasure: external participants lose name and e-mail after their run;
participants with an account, and runs after the cutoff, are kept; completion stays."""

from datetime import timedelta

import pytest
from django.utils import timezone

from infohus.accounts.models import User
from infohus.training.models import Enrolment
from infohus.training.services.erasure import (
    erase_external_enrolments,
    expired_external_enrolments,
    oldest_enrolment_clock,
)
from infohus.training.tests.factories import make_course, make_enrolment, make_run

pytestmark = pytest.mark.django_db


def test_external_participants_of_old_runs_lose_name_and_email(people: dict[str, User]) -> None:
    today = timezone.localdate()
    course = make_course(created_by=people["tina"], units=1)
    old = make_run(course, starts_on=today - timedelta(days=100))
    external = make_enrolment(old, email="x@example.org", completed_on=old.ends_on)
    with_account = make_enrolment(old, people["rikke"])
    recent = make_enrolment(make_run(course, starts_on=today))

    expired = expired_external_enrolments(cutoff=today - timedelta(days=50))
    assert list(expired) == [external]
    assert oldest_enrolment_clock(expired) == old.ends_on
    assert erase_external_enrolments([external.pk, with_account.pk]) == 1  # never one with an account

    external.refresh_from_db()
    assert (external.name, external.email, external.completed_on) == ("", "", old.ends_on)
    assert Enrolment.objects.get(pk=with_account.pk).name
    assert Enrolment.objects.get(pk=recent.pk).name
    assert not expired_external_enrolments(cutoff=today - timedelta(days=50)).exists()
