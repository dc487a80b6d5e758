"""Records of processing for the audit trail (see privacy.processing)."""

from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Capability as C
from infohus.privacy.processing import (
    LEGAL_OBLIGATION,
    PEOPLE_OF_CONCERN,
    SECURITY,
    STAFF,
    Declaration,
    NoPersonalData,
    Personal,
)

RECORDS: list[Declaration] = [
    Personal(
        model="audit.AuditEvent",
        fields=("occurred_at", "actor_id", "actor_username", "organisation_name", "action", "object_type",
                "object_id", "person_id", "purpose", "ip_address", "details"),
        subjects=(STAFF, PEOPLE_OF_CONCERN),
        purpose=_("An append-only, hash-chained trail of every read and write of personal data and every security "
                  "event: who, when, what and why; it answers a person's question of who read their data."),
        legal_basis=(SECURITY, LEGAL_OBLIGATION),
        seen_by=(C.AUDIT,),
        scope=_("The data protection officer; the details never hold names or free text."),
        retention="audit_event",
        kept=_("Its own period; the oldest events are then deleted and the chain goes on from an anchor."),
    ),
    NoPersonalData("audit.ChainAnchor", _("Where the audit chain begins after its oldest events were erased: a "
                                          "sequence number, a hash and a count.")),
]
