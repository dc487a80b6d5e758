"""Retention in the training app: participants from outside the platform (enrolled by name and
e-mail, without an account) are erased some years after their course run; their attendance,
completion and evaluations stay, so the run's counts and effect are still reported.

The privacy app's retention run takes the expired queryset in batches of ids and calls
erase_external_enrolments inside its transaction; no audit event of its own."""

from datetime import date

from django.db.models import Min, QuerySet

from infohus.training.models import Enrolment


def expired_external_enrolments(*, cutoff: date) -> QuerySet[Enrolment]:
    """Enrolments without an account whose run ended before the cutoff and still carry a name or
    an e-mail address."""
    return Enrolment.objects.filter(user__isnull=True, run__ends_on__lt=cutoff).exclude(name="", email="")


def oldest_enrolment_clock(enrolments: QuerySet[Enrolment]) -> date | None:
    ended: date | None = enrolments.aggregate(first=Min("run__ends_on"))["first"]
    return ended


def erase_external_enrolments(ids: list[int]) -> int:
    return Enrolment.objects.filter(pk__in=ids, user__isnull=True).exclude(name="", email="").update(name="", email="")
