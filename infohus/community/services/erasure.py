"""Retention in the community app: which young participants, ambassadors' reports and partners'
contact people have been kept long enough, and their irreversible anonymisation.

The privacy app's retention run asks for the expired querysets, takes them in batches of ids and
calls the erase functions inside its transaction; these write no audit event of their own (the
run writes one per kind, with the count). A row that has been erased is recognised by its blank
name or text, so a second run does not count it again.
"""

from datetime import date, datetime

from django.db.models import Min, Q, QuerySet
from django.db.models.functions import TruncYear
from django.utils import timezone

from infohus.community.models import (
    AmbassadorActivity,
    ContactPerson,
    PeerReport,
    YouthGoal,
    YouthParticipant,
)

# The constraint "parental_consent_names_the_parent" wants a non-empty name where a parent
# consented; this is what stands in its place once the name is erased.
ERASED = "—"
HANDLED = [PeerReport.Status.CLOSED, PeerReport.Status.DIALOGUE, PeerReport.Status.DESK]


# --- young participants -------------------------------------------------------------------------------

def expired_participants(*, cutoff: date) -> QuerySet[YouthParticipant]:
    """Participants who left, or whose cohort ended, before the cutoff and are not (or no longer,
    since before the cutoff) ambassadors; not yet erased."""
    ended = Q(left_on__lt=cutoff) | Q(left_on__isnull=True, cohort__ends_on__lt=cutoff)
    still_ambassador = Q(ambassador__isnull=False) & (
        Q(ambassador__ended_on__isnull=True) | Q(ambassador__ended_on__gte=cutoff))
    return YouthParticipant.objects.filter(ended).exclude(still_ambassador).exclude(first_name="", last_name="")


def oldest_participant_clock(participants: QuerySet[YouthParticipant]) -> date | None:
    found = participants.aggregate(left=Min("left_on"), ended=Min("cohort__ends_on", filter=Q(left_on__isnull=True)))
    return min((d for d in (found["left"], found["ended"]) if d is not None), default=None)


def erase_participants(ids: list[int]) -> int:
    """Blank the names and the consenting parent's name, keep only the year of birth (for age
    bands), delete the young person's goals (their progress notes go with them) and blank the
    notes of their activities as an ambassador; attendance stays as counts."""
    YouthGoal.objects.filter(participant_id__in=ids).delete()
    AmbassadorActivity.objects.filter(ambassador__participant_id__in=ids).update(note="")
    erased = YouthParticipant.objects.filter(pk__in=ids).exclude(first_name="", last_name="")
    by_parent = erased.filter(consent_by=YouthParticipant.ConsentBy.PARENT).update(
        first_name="", last_name="", parent_name=ERASED, birth_date=TruncYear("birth_date"))
    by_self = erased.update(first_name="", last_name="", parent_name="", birth_date=TruncYear("birth_date"))
    return by_parent + by_self


# --- ambassadors' reports --------------------------------------------------------------------------------

def expired_peer_reports(*, cutoff: datetime) -> QuerySet[PeerReport]:
    """Reports handled (closed, taken to a meeting, or passed on) before the cutoff, not yet erased."""
    return PeerReport.objects.filter(status__in=HANDLED, handled_at__lt=cutoff).exclude(text="")


def oldest_peer_report_clock(reports: QuerySet[PeerReport]) -> date | None:
    handled = reports.aggregate(first=Min("handled_at"))["first"]
    return timezone.localdate(handled) if handled else None


def erase_peer_reports(ids: list[int]) -> int:
    return PeerReport.objects.filter(pk__in=ids).exclude(text="").update(text="", reply="")


# --- contact people ----------------------------------------------------------------------------------------

def expired_contacts(*, cutoff: datetime) -> QuerySet[ContactPerson]:
    """Contacts of partners no longer active, recorded before the cutoff, whose details are not
    erased yet. (A partner keeps no date of when it stopped being active: the contact's own date
    is the clock.)"""
    return (ContactPerson.objects.filter(partner__is_active=False, created_at__lt=cutoff)
            .exclude(name="", role_at_partner="", phone="", email=""))


def oldest_contact_clock(contacts: QuerySet[ContactPerson]) -> date | None:
    recorded = contacts.aggregate(first=Min("created_at"))["first"]
    return timezone.localdate(recorded) if recorded else None


def erase_contacts(ids: list[int]) -> int:
    return (ContactPerson.objects.filter(pk__in=ids).exclude(name="", role_at_partner="", phone="", email="")
            .update(name="", role_at_partner="", phone="", email=""))
