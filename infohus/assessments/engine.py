"""What an answer may be for each kind of field, and how it reads back.

Answers are kept as JSON, keyed by the field's key. The shape per kind:

    short_text, long_text   "text"
    statements              ["one statement", "another"]
    choice                  "value"  (or ["value", ...] when the field allows several)
    scale                   7        (an integer from 0 to 10)
    date                    "2026-11-27"  (not in the future)
    participant_scale       {"person": 4, "parent": 6}  (0–10 for each participant who answered)
    domain_notes            [{"domain": "…", "judgement": "…"}]
    certification           {"holder": "…", "reference": "…", "expires_on": "2027-05-01"}
    attachment              not kept in answers: the files are AssessmentAttachment rows

clean_answer() turns what a form or an API sends into that shape or raises ValidationError with
a message for the field. Nothing here combines answers into a figure about the person.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from infohus.assessments.models import Field, FieldKind

SCALE_MIN = 0
SCALE_MAX = 10
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 20_000
STATEMENT_MAX = 1_000
STATEMENTS_MAX = 50
DOMAINS_MAX = 20


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _text(raw: Any, limit: int) -> str:
    if not isinstance(raw, str):
        raise ValidationError(_("Write text here."))
    text = raw.strip()
    if len(text) > limit:
        raise ValidationError(_("Keep this to %(limit)d characters (it has %(count)d).")
                              % {"limit": limit, "count": len(text)})
    return text


def _scale(raw: Any) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValidationError(_("Give a whole number from 0 to 10."))
    if isinstance(raw, str):
        if not raw.strip().lstrip("-").isdigit():
            raise ValidationError(_("Give a whole number from 0 to 10."))
        raw = int(raw.strip())
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if not isinstance(raw, int):
        raise ValidationError(_("Give a whole number from 0 to 10."))
    if not SCALE_MIN <= raw <= SCALE_MAX:
        raise ValidationError(_("The scale goes from 0 to 10; %(value)d is outside it.") % {"value": raw})
    return raw


def _date(raw: Any, *, allow_future: bool = False) -> str | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        day = raw
    elif isinstance(raw, str):
        try:
            day = date.fromisoformat(raw.strip())
        except ValueError:
            raise ValidationError(_("Give a date as YYYY-MM-DD.")) from None
    else:
        raise ValidationError(_("Give a date as YYYY-MM-DD."))
    if not allow_future and day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    return day.isoformat()


def _statements(raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = raw.splitlines()
    if not isinstance(raw, list | tuple):
        raise ValidationError(_("Give a list of statements, one per line."))
    items = [_text(item, STATEMENT_MAX) for item in raw]
    items = [item for item in items if item]
    if len(items) > STATEMENTS_MAX:
        raise ValidationError(_("Keep this to %(limit)d statements.") % {"limit": STATEMENTS_MAX})
    return items


def _choice(field: Field, raw: Any) -> str | list[str] | None:
    allowed = {value for value, _label in field.choices()}
    multiple = bool(field.options.get("multiple"))
    if multiple:
        values = [raw] if isinstance(raw, str) else raw
        if values is None:
            return []
        if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
            raise ValidationError(_("Choose from the list."))
        unknown = [v for v in values if v and v not in allowed]
        if unknown:
            raise ValidationError(_("“%(value)s” is not one of the choices.") % {"value": unknown[0]})
        return [v for v, _label in field.choices() if v in values]
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or raw not in allowed:
        raise ValidationError(_("“%(value)s” is not one of the choices.") % {"value": raw})
    return raw


def _participant_scale(field: Field, raw: Any) -> dict[str, int]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ValidationError(_("Give a number from 0 to 10 for each participant."))
    known = dict(field.participants())
    values: dict[str, int] = {}
    for key, given in raw.items():
        if key not in known:
            raise ValidationError(_("“%(key)s” is not a participant of this scale.") % {"key": key})
        try:
            value = _scale(given)
        except ValidationError as error:
            raise ValidationError(f"{known[key]}: {error.messages[0]}") from None
        if value is not None:
            values[key] = value
    return {key: values[key] for key in known if key in values}


def _domain_notes(raw: Any) -> list[dict[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        raise ValidationError(_("Give each domain with its judgement."))
    rows = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise ValidationError(_("Give each domain with its judgement."))
        domain = _text(item.get("domain", ""), SHORT_TEXT_MAX)
        judgement = _text(item.get("judgement", ""), LONG_TEXT_MAX)
        if judgement and not domain:
            raise ValidationError(_("Name the domain of each judgement."))
        if domain:
            rows.append({"domain": domain, "judgement": judgement})
    if len(rows) > DOMAINS_MAX:
        raise ValidationError(_("Keep this to %(limit)d domains.") % {"limit": DOMAINS_MAX})
    return rows


def _certification(raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ValidationError(_("Give the assessor, the certificate and its expiry date."))
    holder = _text(raw.get("holder", ""), SHORT_TEXT_MAX)
    reference = _text(raw.get("reference", ""), SHORT_TEXT_MAX)
    expires_on = _date(raw.get("expires_on"), allow_future=True)
    if not (holder or reference or expires_on):
        return {}
    if not (holder and reference and expires_on):
        raise ValidationError(_("Give the assessor, the certificate and its expiry date."))
    return {"holder": holder, "reference": reference, "expires_on": expires_on}


def clean_answer(field: Field, raw: Any) -> Any:
    """The answer in its kept shape (None or empty when not answered), or ValidationError."""
    kind = field.kind
    if kind == FieldKind.SHORT_TEXT:
        return _text("" if raw is None else raw, SHORT_TEXT_MAX)
    if kind == FieldKind.LONG_TEXT:
        return _text("" if raw is None else raw, LONG_TEXT_MAX)
    if kind == FieldKind.STATEMENTS:
        return _statements([] if raw is None else raw)
    if kind == FieldKind.CHOICE:
        return _choice(field, raw)
    if kind == FieldKind.SCALE:
        return _scale(raw)
    if kind == FieldKind.DATE:
        return _date(raw)
    if kind == FieldKind.PARTICIPANT_SCALE:
        return _participant_scale(field, raw)
    if kind == FieldKind.DOMAIN_NOTES:
        return _domain_notes(raw)
    if kind == FieldKind.CERTIFICATION:
        return _certification(raw)
    if kind == FieldKind.ATTACHMENT:
        return None
    raise ValidationError(_("This field has an unknown kind."))


def clean_answers(fields: Iterable[Field], raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """All answers cleaned, and a message for each field whose answer does not fit.

    Keys that are not fields of the version are refused rather than dropped silently."""
    fields = list(fields)
    by_key = {f.key: f for f in fields}
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in raw:
        if key not in by_key:
            errors[key] = _("“%(key)s” is not a field of this instrument.") % {"key": key}
    for field in fields:
        if field.key not in raw:
            continue
        try:
            value = clean_answer(field, raw[field.key])
        except ValidationError as error:
            errors[field.key] = error.messages[0]
            continue
        if not is_empty(value):
            answers[field.key] = value
    return answers, errors


def signing_errors(fields: Iterable[Field], answers: Mapping[str, Any], *, assessed_on: date,
                   attached_keys: Iterable[str] = ()) -> dict[str, str]:
    """What stops an assessment from being signed: required answers that are missing, and a
    certification that had expired by the date of the assessment."""
    attached = set(attached_keys)
    errors: dict[str, str] = {}
    for field in fields:
        value = answers.get(field.key)
        if field.kind == FieldKind.ATTACHMENT:
            missing = field.key not in attached
        elif field.kind == FieldKind.PARTICIPANT_SCALE:
            # Not every participant takes part every time (there may be no parent in the work),
            # so a required scale needs at least one participant's answer.
            missing = not isinstance(value, Mapping) or not value
        else:
            missing = is_empty(value)
        if field.required and missing:
            errors[field.key] = _("This must be answered before the assessment is signed.")
        if field.kind == FieldKind.CERTIFICATION and value:
            expires_on = date.fromisoformat(value["expires_on"])
            if expires_on < assessed_on:
                errors[field.key] = _(
                    "The certification expired on %(expiry)s, before the assessment on %(day)s. An assessment "
                    "by an assessor without a valid certification cannot be recorded."
                ) % {"expiry": date_format(expires_on), "day": date_format(assessed_on)}
    return errors


def display(field: Field, value: Any) -> list[str]:
    """The answer as lines of text for a page, a comparison or a PDF, as given (no figure made
    from it). An empty list when not answered."""
    if is_empty(value):
        return []
    kind = field.kind
    if kind in (FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT):
        return str(value).splitlines() or [""]
    if kind == FieldKind.STATEMENTS:
        return [str(item) for item in value]
    if kind == FieldKind.CHOICE:
        labels = dict(field.choices())
        values = value if isinstance(value, list) else [value]
        return [labels.get(v) or str(v) for v in values]
    if kind == FieldKind.SCALE:
        return [f"{value} / {SCALE_MAX}"]
    if kind == FieldKind.DATE:
        return [date_format(date.fromisoformat(value))]
    if kind == FieldKind.PARTICIPANT_SCALE:
        labels = dict(field.participants())
        return [f"{labels.get(key, key)}: {given} / {SCALE_MAX}" for key, given in value.items()]
    if kind == FieldKind.DOMAIN_NOTES:
        return [f"{row['domain']}: {row['judgement']}" for row in value]
    if kind == FieldKind.CERTIFICATION:
        expiry = date_format(date.fromisoformat(value["expires_on"]))
        return [_("%(holder)s, certificate %(reference)s, valid until %(expiry)s")
                % {"holder": value["holder"], "reference": value["reference"], "expiry": expiry}]
    return [str(value)]


@dataclass(frozen=True)
class ComparedField:
    key: str
    label: str
    section: str
    left: list[str] | None   # None: the field is not in that assessment's version
    right: list[str] | None

    @property
    def changed(self) -> bool:
        return self.left != self.right


def compare(left_fields: Iterable[Field], left_answers: Mapping[str, Any],
            right_fields: Iterable[Field], right_answers: Mapping[str, Any]) -> list[ComparedField]:
    """Two assessments of one instrument side by side, field by field by key: the right-hand
    version's order first, then fields only the left-hand version has."""
    left_by_key = {f.key: f for f in left_fields}
    rows = []
    seen = set()
    for field in right_fields:
        seen.add(field.key)
        old = left_by_key.get(field.key)
        rows.append(ComparedField(
            key=field.key, label=field.label, section=field.section.title,
            left=display(old, left_answers.get(field.key)) if old is not None else None,
            right=display(field, right_answers.get(field.key)),
        ))
    for key, field in left_by_key.items():
        if key not in seen:
            rows.append(ComparedField(key=key, label=field.label, section=field.section.title,
                                      left=display(field, left_answers.get(key)), right=None))
    return rows
