"""The records of processing as the page and its download show them: each app's declarations,
the fields read from the models, the retention period in force and the roles behind each
capability. One query (the retention rules), however many models or rules there are."""

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from infohus.accounts.roles import CAPABILITIES, NATIONAL_CENTRE_CAPABILITIES, Capability
from infohus.core.exports import Cell, Table
from infohus.privacy.models import RetentionRule
from infohus.privacy.processing import FieldInfo, NoPersonalData, Personal, declarations, describe_fields


@dataclass(frozen=True)
class Retention:
    """How long a kind of record is kept. `months` is None when no period is set."""

    key: str
    label: str
    months: int | None
    by_rule: bool  # the data protection officer's rule, rather than the default in code
    clock: str
    note: str

    @property
    def period(self) -> str:
        if self.months is None:
            return _("Not set")
        if self.months and self.months % 12 == 0:
            years = self.months // 12
            return ngettext("%(years)d year", "%(years)d years", years) % {"years": years}
        return ngettext("%(months)d month", "%(months)d months", self.months) % {"months": self.months}

    def as_text(self) -> str:
        """The whole rule as lines of one cell, for the download."""
        parts = []
        if self.key:
            rule = _("set by the data protection officer") if self.by_rule else _("the default")
            parts.append(f"{self.label or self.key}: {self.period} ({rule})" if self.months is not None
                         else f"{self.label or self.key}: {self.period}")
            if self.clock:
                parts.append(_("Counted from: %(clock)s") % {"clock": self.clock})
        if self.note:
            parts.append(self.note)
        return "\n".join(parts)


@dataclass(frozen=True)
class Reader:
    capability: str
    roles: list[str]


@dataclass(frozen=True)
class Record:
    anchor: str
    title: str
    model: str
    fields: list[FieldInfo]
    subjects: list[str]
    purpose: str
    legal_basis: list[str]
    readers: list[Reader]
    scope: str
    retention: Retention


@dataclass(frozen=True)
class Unrecorded:
    """A kind of record that holds no personal data."""

    title: str
    model: str
    why: str


@dataclass(frozen=True)
class Area:
    anchor: str
    title: str
    records: list[Record]
    without_personal_data: list[Unrecorded]


def _retention_module() -> ModuleType | None:
    try:
        return import_module("infohus.privacy.retention")
    except ImportError:
        return None


def record_kinds() -> dict[str, Any]:
    """privacy.retention's record kinds by key: each has a key, label and default_months (and may
    say what starts its clock). Empty if there are none, so every period reads "not set"."""
    module = _retention_module()
    kinds = getattr(module, "KINDS", ()) if module is not None else ()
    values = kinds.values() if isinstance(kinds, Mapping) else kinds
    return {kind.key: kind for kind in values if hasattr(kind, "key")}


def _in_force(key: str, months: int) -> int:
    """The run never keeps a record for less than the legal minimum in force, whatever a rule says."""
    module = _retention_module()
    minimum = getattr(module, "minimum_months", None) if module is not None else None
    return max(months, int(minimum(key))) if callable(minimum) else months


def _retention(declaration: Personal, kinds: Mapping[str, Any], rules: Mapping[str, int]) -> Retention:
    note = str(declaration.kept)
    kind = kinds.get(declaration.retention) if declaration.retention else None
    if kind is None:
        return Retention(key=declaration.retention, label="", months=None, by_rule=False, clock="", note=note)
    by_rule = kind.key in rules
    months = rules[kind.key] if by_rule else getattr(kind, "default_months", None)
    return Retention(key=kind.key, label=str(capfirst(str(kind.label))),
                     months=None if months is None else _in_force(kind.key, months), by_rule=by_rule,
                     clock=str(getattr(kind, "clock", "")), note=note)


def _readers(capabilities: tuple[Capability, ...]) -> list[Reader]:
    readers = []
    for capability in capabilities:
        roles = [str(role.label) for role, caps in CAPABILITIES.items() if capability in caps]
        roles += [_("%(role)s at a national centre") % {"role": role.label}
                  for role, caps in NATIONAL_CENTRE_CAPABILITIES.items() if capability in caps]
        readers.append(Reader(capability=str(capability.label), roles=roles))
    return readers


# The work with people of concern first, then the programmes around it, then the platform itself.
AREA_ORDER = ("cases", "assessments", "interventions", "community", "training", "directory", "insights",
              "accounts", "audit", "privacy")


def _area_rank(label: str) -> int:
    return AREA_ORDER.index(label) if label in AREA_ORDER else len(AREA_ORDER)


def records_of_processing() -> list[Area]:
    """Every app's records, the apps in AREA_ORDER (any other after them), each app's records in
    the order it declares them."""
    found = declarations()
    keys = {d.retention for app in found.values() for d in app if isinstance(d, Personal) and d.retention}
    # The only query: the periods the data protection officer has set.
    rules = dict(RetentionRule.objects.filter(kind__in=keys).values_list("kind", "months"))
    kinds = record_kinds()
    areas = []
    for label, app_declarations in sorted(found.items(), key=lambda item: _area_rank(item[0])):
        records, unrecorded = [], []
        for declaration in app_declarations:
            model = apps.get_model(declaration.model)
            meta = model._meta
            # The singular: several models have no plural of their own ("import batchs").
            title = str(capfirst(str(meta.verbose_name)))
            if isinstance(declaration, NoPersonalData):
                unrecorded.append(Unrecorded(title=title, model=meta.label, why=str(declaration.why)))
                continue
            records.append(Record(
                anchor=f"{meta.app_label}-{meta.model_name}", title=title, model=meta.label,
                fields=describe_fields(model, declaration.fields),
                subjects=[str(s) for s in declaration.subjects], purpose=str(declaration.purpose),
                legal_basis=[str(b) for b in declaration.legal_basis], readers=_readers(declaration.seen_by),
                scope=str(declaration.scope), retention=_retention(declaration, kinds, rules),
            ))
        areas.append(Area(anchor=f"area-{label}", title=str(apps.get_app_config(label).verbose_name),
                          records=records, without_personal_data=unrecorded))
    return areas


def _readers_text(record: Record) -> str:
    readers = [f"{r.capability} ({', '.join(r.roles)})" if r.roles else r.capability for r in record.readers]
    return "\n".join([*readers, record.scope] if record.scope else readers)


def processing_table(areas: list[Area]) -> Table:
    """The same records as one table: a row for each kind of record, personal or not. A cell that
    holds a list has an item a line (the items themselves contain semicolons)."""
    header = [_("Area"), _("Kind of record"), _("Personal data"), _("Data subjects"), _("Purpose"),
              _("Legal basis"), _("Retention"), _("Who may see it")]
    rows: list[list[Cell]] = []
    for area in areas:
        for record in area.records:
            fields = "\n".join(f"{f.label} ({f.kind})" for f in record.fields)
            rows.append([area.title, record.title, fields, "\n".join(capfirst(s) for s in record.subjects),
                         record.purpose, "\n".join(record.legal_basis), record.retention.as_text(),
                         _readers_text(record)])
        for item in area.without_personal_data:
            rows.append([area.title, item.title, _("No personal data"), "", item.why, "", "", ""])
    return Table(title=_("Records of processing"), header=header, rows=rows)
