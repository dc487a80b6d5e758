"""Changing a retention rule: the data protection officer sets how many months a kind of record
is kept. Never below the legal minimum in force (refused at the field, the minimum named), never
over someone else's save (StaleEdit), and audited with the old and new period."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from infohus.accounts.permissions import organisations_with
from infohus.accounts.roles import Capability
from infohus.audit.services import record_event
from infohus.core.concurrency import StaleEdit
from infohus.privacy.models import RetentionRule
from infohus.privacy.retention import MAXIMUM_MONTHS
from infohus.privacy.selectors.retention import Rule
from infohus.privacy.selectors.retention import rule as read_rule

ACTION_CHANGED = "privacy.retention_rule.changed"


def require_data_protection_officer(actor: Any) -> None:
    if not organisations_with(actor, Capability.AUDIT).exists():
        raise PermissionDenied(_("Only a data protection officer keeps retention rules and legal holds."))


def check_months(current: Rule, months: int) -> None:
    if months < current.minimum:
        raise ValidationError({"months": _(
            "The law requires “%(kind)s” to be kept for at least %(minimum)d months. Give %(minimum)d or more."
        ) % {"kind": current.kind.label, "minimum": current.minimum}})
    if months > MAXIMUM_MONTHS:
        raise ValidationError({"months": _("Give at most %(maximum)d months.") % {"maximum": MAXIMUM_MONTHS}})


@transaction.atomic
def set_rule(*, actor: Any, key: str, months: int, expected_version: int, organisation: Any = None) -> Rule:
    """Keep records of kind `key` for `months`, if nobody saved the rule since the editor opened
    version `expected_version` (0: the default, no rule saved yet)."""
    require_data_protection_officer(actor)
    current = read_rule(key)
    check_months(current, months)
    previous = current.months
    if expected_version == 0:
        try:
            with transaction.atomic():
                RetentionRule.objects.create(kind=key, months=months, changed_by=actor)
        except IntegrityError:
            raise StaleEdit(read_rule(key)) from None
    else:
        updated = RetentionRule.objects.filter(kind=key, version=expected_version).update(
            months=months, changed_by=actor, version=F("version") + 1)
        if not updated:
            raise StaleEdit(read_rule(key))
    saved = read_rule(key)
    record_event(action=ACTION_CHANGED, actor=actor, organisation=organisation, object_type="retention_rule",
                 object_id=key, details={"kind": key, "months": months, "previous_months": previous,
                                         "version": saved.version})
    return saved
