"""The kinds of record that retention erases: what each is, what starts its clock, how long it
is kept unless the data protection officer says otherwise, and the legal minimum below which
nobody may set it.

The minimums can be raised (never lowered below zero) per kind with the setting
RETENTION_MINIMUM_MONTHS, a mapping of kind key to months; the run never uses a period below
the minimum in force, even if a rule was saved under an older, lower one.
"""

import calendar
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RecordKind:
    key: str
    label: str | Promise
    clock: str | Promise
    erased: str | Promise
    default_months: int
    minimum_months: int


CONCERN = "concern_closed"
CASE = "case_closed"
PERSON = "person"
YOUTH = "youth_participant"
PEER_REPORT = "peer_report"
CONTACT = "community_contact"
ENROLMENT = "external_enrolment"
SUBMISSION = "directory_submission"
AUDIT = "audit_event"

# In the order the run takes them: a person goes only once their concerns and cases have gone,
# and the audit trail last, so that the run's own events follow the erasure they describe.
KINDS: tuple[RecordKind, ...] = (
    RecordKind(CONCERN, _("Concern closed without a case"),
               _("The decision date, or for a concern closed locally the date of the local assessment."),
               _("What the concern said, the caller, attachments and their files, the local assessment's and "
                 "the decision's text, meeting links and what disclosures said; the person is unlinked."),
               default_months=24, minimum_months=6),
    RecordKind(CASE, _("Closed case"),
               _("The date the case was closed."),
               _("Notes, attachments and their files, tasks, reviews, consents, the team, break-the-glass reasons, "
                 "what disclosures said, the closing reason, the interventions' text, goals and session notes, and "
                 "the assessments' answers and files; the concern that opened it as above."),
               default_months=60, minimum_months=24),
    RecordKind(PERSON, _("Person of concern"),
               _("Once none of their concerns or cases is left un-anonymised; a person with none, the date the "
                 "record was made."),
               _("Names, birth date, identifier, gender, telephone, e-mail, address, languages, the search name, "
                 "and their network."),
               default_months=6, minimum_months=1),
    RecordKind(YOUTH, _("Young participant of a cohort"),
               _("The date they left, or else the end of their cohort (an active ambassador is kept)."),
               _("Names and the consenting parent's name; the birth date is kept as its year; their goals and "
                 "progress notes."),
               default_months=12, minimum_months=3),
    RecordKind(PEER_REPORT, _("Ambassador's report"),
               _("The date a coordinator handled it (closed, taken to a dialogue meeting, or passed on)."),
               _("What the ambassador heard and the reply."),
               default_months=12, minimum_months=3),
    RecordKind(CONTACT, _("Contact person of an inactive partner"),
               _("The date the contact was recorded, once the partner is no longer active."),
               _("Name, role, telephone and e-mail address."),
               default_months=12, minimum_months=1),
    RecordKind(ENROLMENT, _("External course participant"),
               _("The last day of the course run."),
               _("Name and e-mail address; attendance and evaluations stay as counts."),
               default_months=60, minimum_months=12),
    RecordKind(SUBMISSION, _("Proposal sent through “Get involved”"),
               _("The date an editor last handled it (accepted, refused or sent back for changes); a proposal "
                 "waiting for an editor is kept."),
               _("The proposer's name and e-mail address, the contact details they gave, their hashed address and "
                 "the editors' notes; what the proposal said of the project stays."),
               default_months=12, minimum_months=1),
    RecordKind(AUDIT, _("Audit event"),
               _("The time of the event."),
               _("The oldest events of the trail; the chain is anchored where they ended."),
               default_months=60, minimum_months=36),
)

BY_KEY: dict[str, RecordKind] = {kind.key: kind for kind in KINDS}
MAXIMUM_MONTHS = 1200


def minimum_months(key: str) -> int:
    """The legal minimum in force for a kind: the setting's, where it is higher than the code's."""
    configured: dict[str, int] = getattr(settings, "RETENTION_MINIMUM_MONTHS", {}) or {}
    return max(BY_KEY[key].minimum_months, int(configured.get(key, 0)))


def months_before(moment: datetime, months: int) -> datetime:
    """The same time of day `months` calendar months earlier (the 31st becomes the month's last day)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
