"""community.services.erasure: which participants, reports and contacts have expired, and what
erasing them blanks (the consent constraint on a parent's name still holds)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from infohus.accounts.models import User
from infohus.community.models import GoalProgress, PeerReport, YouthGoal, YouthParticipant
from infohus.community.services import erasure
from infohus.community.tests.factories import (
    make_ambassador,
    make_cohort,
    make_contact,
    make_participant,
    make_partner,
    make_report,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_participants_who_left_before_the_cutoff_are_erased_to_their_year_of_birth(
        people: dict[str, User]) -> None:
    kamal = people["kamal"]
    cohort = make_cohort(created_by=kamal)
    minor = make_participant(cohort, age=16, left_on=TODAY - timedelta(days=10), birth_date=date(2010, 8, 9))
    adult = make_participant(cohort, age=19, left_on=TODAY - timedelta(days=10))
    staying = make_participant(cohort)
    goal = YouthGoal.objects.create(participant=minor, text="Finish school", set_on=TODAY, recorded_by=kamal)
    GoalProgress.objects.create(goal=goal, noted_on=TODAY, progress="started", note="Good", recorded_by=kamal)

    expired = erasure.expired_participants(cutoff=TODAY)
    assert set(expired.values_list("pk", flat=True)) == {minor.pk, adult.pk}
    assert erasure.oldest_participant_clock(expired) == TODAY - timedelta(days=10)
    assert erasure.erase_participants([minor.pk, adult.pk]) == 2

    minor.refresh_from_db()
    assert (minor.first_name, minor.last_name, minor.parent_name, minor.birth_date) == ("", "", erasure.ERASED,
                                                                                       date(2010, 1, 1))
    assert YouthParticipant.objects.get(pk=adult.pk).parent_name == ""
    assert not YouthGoal.objects.filter(participant=minor).exists() and not GoalProgress.objects.exists()
    assert YouthParticipant.objects.get(pk=staying.pk).first_name
    assert not erasure.expired_participants(cutoff=TODAY).exists()


def test_an_active_ambassador_is_kept(people: dict[str, User]) -> None:
    cohort = make_cohort(created_by=people["kamal"], starts_on=TODAY - timedelta(days=400),
                         ends_on=TODAY - timedelta(days=100))
    ambassador = make_ambassador(make_participant(cohort))
    assert not erasure.expired_participants(cutoff=TODAY).exists()

    ambassador.ended_on = TODAY - timedelta(days=50)
    ambassador.save()
    assert list(erasure.expired_participants(cutoff=TODAY)) == [ambassador.participant]


def test_handled_reports_and_inactive_partners_contacts(people: dict[str, User]) -> None:
    kamal = people["kamal"]
    ambassador = make_ambassador(make_participant(make_cohort(created_by=kamal)))
    handled = make_report(ambassador, status=PeerReport.Status.DIALOGUE, handled_at=timezone.now(), reply="Thanks")
    new = make_report(ambassador)
    inactive_contact = make_contact(make_partner(created_by=kamal, is_active=False))
    active_contact = make_contact(make_partner(created_by=kamal))
    soon = timezone.now() + timedelta(minutes=1)

    assert list(erasure.expired_peer_reports(cutoff=soon)) == [handled]
    assert erasure.erase_peer_reports([handled.pk]) == 1
    handled.refresh_from_db()
    assert (handled.text, handled.reply) == ("", "")
    assert PeerReport.objects.get(pk=new.pk).text

    assert list(erasure.expired_contacts(cutoff=soon)) == [inactive_contact]
    assert erasure.erase_contacts([inactive_contact.pk]) == 1
    inactive_contact.refresh_from_db()
    assert (inactive_contact.name, inactive_contact.phone, inactive_contact.email) == ("", "", "")
    active_contact.refresh_from_db()
    assert active_contact.name
    assert not erasure.expired_contacts(cutoff=soon).exists()
