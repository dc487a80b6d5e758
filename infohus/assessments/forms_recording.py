"""Forms of the recording pages.

StartForm picks the instrument version, the compartment and the date of a new assessment.

AnswersForm is built from a version's fields. It does not judge the answers: it turns what the
browser sent into the raw answers of engine.py's shapes, which the recording services clean and
refuse, and it renders the inputs again with what was typed and the message of each field.
Input names: "a-<key>" (scale and choice: one name for the group), "a-<key>-<participant>" for a
participant's scale, "a-<key>-domain-<n>"/"a-<key>-judgement-<n>" for the rows of domain notes,
"a-<key>-holder"/"-reference"/"-expires_on" for a certification.
"""

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Compartment
from infohus.assessments.engine import SCALE_MAX, SCALE_MIN
from infohus.assessments.models import AssessmentAttachment, Field, FieldKind, InstrumentVersion

PREFIX = "a-"
EMPTY_DOMAIN_ROWS = 3
# Rows of domain notes read from a POST: the engine allows 20 domains; a few more rows let it
# say so instead of silently dropping them.
DOMAIN_ROWS_READ = 40
ASSESSED_ON = "assessed_on"


def _not_in_future(value: date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))


def compartment_choices(compartments: Iterable[str]) -> list[tuple[str, Any]]:
    seen = set(compartments)
    return [(value, label) for value, label in Compartment.choices if value in seen]


# --- starting an assessment ---------------------------------------------------------------------

class StartForm(forms.Form):
    instrument_version = forms.TypedChoiceField(label=_("Instrument"), coerce=int)
    compartment = forms.ChoiceField(
        label=_("Compartment"), required=False,
        help_text=_("Who on the team may read the assessment. Left as it is, it goes in the compartment the "
                    "instrument is usually recorded in."))
    assessed_on = forms.DateField(label=_("Date of the assessment"), validators=[_not_in_future],
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, versions: list[InstrumentVersion], compartments: Iterable[str],
                 preselected: InstrumentVersion | None = None, **kwargs: Any) -> None:
        self.versions = {v.pk: v for v in versions}
        self.compartments = frozenset(compartments)
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("assessed_on", timezone.localdate())
        if preselected is not None:
            initial.setdefault("instrument_version", preselected.pk)
            if preselected.instrument.default_compartment in self.compartments:
                initial.setdefault("compartment", preselected.instrument.default_compartment)
        super().__init__(*args, **kwargs)
        self.fields["instrument_version"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose an instrument")),
            *[(v.pk, gettext("%(name)s (version %(number)d)") % {"name": v.instrument.name, "number": v.number})
              for v in versions],
        ]
        self.fields["compartment"].choices = [  # type: ignore[attr-defined]
            ("", _("The instrument's usual compartment")), *compartment_choices(self.compartments)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        version = self.versions.get(cleaned.get("instrument_version") or 0)
        cleaned["version"] = version
        if version is not None and not cleaned.get("compartment"):
            usual = version.instrument.default_compartment
            if usual in self.compartments:
                cleaned["compartment"] = usual
            else:
                self.add_error("compartment", gettext(
                    "This instrument is usually recorded in the compartment “%(compartment)s”, which you do not "
                    "see. Choose one of yours.") % {"compartment": Compartment(usual).label})
        return cleaned


# --- answering ------------------------------------------------------------------------------------

@dataclass
class Option:
    value: str
    label: str
    id: str
    checked: bool


@dataclass
class ParticipantRow:
    key: str
    label: str
    name: str
    chosen: str
    options: list[Option]
    sent: str  # a value sent that is none of the options (kept so the editor sees it)


@dataclass
class DomainRow:
    domain: str
    judgement: str
    domain_name: str
    judgement_name: str


@dataclass
class AnswerInput:
    """One field as the edit page renders it."""

    field: Field
    name: str
    value: str = ""
    values: list[str] = dataclasses.field(default_factory=list)
    options: list[Option] = dataclasses.field(default_factory=list)
    participants: list[ParticipantRow] = dataclasses.field(default_factory=list)
    domain_rows: list[DomainRow] = dataclasses.field(default_factory=list)
    certification: dict[str, str] = dataclasses.field(default_factory=dict)
    files: list[AssessmentAttachment] = dataclasses.field(default_factory=list)
    sent: str = ""
    error: str = ""

    @property
    def kind(self) -> str:
        return self.field.kind

    @property
    def id(self) -> str:
        """The element the error summary links to: the input, or the first of a group."""
        if self.kind == FieldKind.SCALE:
            return f"{self.name}-none"
        if self.kind == FieldKind.PARTICIPANT_SCALE and self.participants:
            return f"{self.participants[0].name}-none"
        if self.kind == FieldKind.CHOICE and self.multiple and self.options:
            return self.options[0].id
        if self.kind == FieldKind.DOMAIN_NOTES:
            return f"{self.name}-domain-0"
        if self.kind == FieldKind.CERTIFICATION:
            return f"{self.name}-holder"
        return self.name

    @property
    def help_id(self) -> str:
        return f"{self.name}-help"

    @property
    def error_id(self) -> str:
        return f"{self.name}-error"

    @property
    def describedby(self) -> str:
        ids = [self.help_id] if self.field.help else []
        if self.format_hint:
            ids.append(self.format_id)
        if self.error:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def multiple(self) -> bool:
        return bool(self.field.options.get("multiple"))

    @property
    def format_hint(self) -> str:
        if self.kind == FieldKind.STATEMENTS:
            return gettext("One statement per line.")
        if self.kind == FieldKind.SCALE or self.kind == FieldKind.PARTICIPANT_SCALE:
            return gettext("Choose a value from %(low)d to %(high)d, or leave it not answered.") % {
                "low": SCALE_MIN, "high": SCALE_MAX}
        return ""

    @property
    def format_id(self) -> str:
        return f"{self.name}-format"

    @property
    def uses_fieldset(self) -> bool:
        return self.kind in (FieldKind.SCALE, FieldKind.PARTICIPANT_SCALE, FieldKind.DOMAIN_NOTES,
                             FieldKind.CERTIFICATION) or (self.kind == FieldKind.CHOICE and self.multiple)


@dataclass
class SectionInputs:
    section: Any
    inputs: list[AnswerInput]

    @property
    def help_id(self) -> str:
        return f"section-{self.section.key}-help"


def _scale_options(name: str, chosen: str) -> list[Option]:
    return [Option(value=str(n), label=str(n), id=f"{name}-{n}", checked=chosen == str(n))
            for n in range(SCALE_MIN, SCALE_MAX + 1)]


def _scale_sent(chosen: str) -> str:
    return chosen if chosen and chosen not in {str(n) for n in range(SCALE_MIN, SCALE_MAX + 1)} else ""


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


class AnswersForm:
    """The answers of one assessment: from its saved answers (unbound) or from a POST (bound)."""

    def __init__(self, fields: list[Field], *, data: Mapping[str, Any] | None = None,
                 answers: Mapping[str, Any] | None = None, assessed_on: date | None = None, revision: int = 0,
                 files: Mapping[str, list[AssessmentAttachment]] | None = None) -> None:
        self.fields = fields
        self.data = data
        self.is_bound = data is not None
        self.errors: dict[str, str] = {}
        self.files = files or {}
        if data is not None:
            self.revision_value = str(data.get("revision", ""))
            self.assessed_on_value = str(data.get(ASSESSED_ON, "")).strip()
        else:
            self.revision_value = str(revision)
            self.assessed_on_value = assessed_on.isoformat() if assessed_on else ""
        self._saved = answers or {}
        self._sections: list[SectionInputs] | None = None

    # What the services get ------------------------------------------------------------------

    @property
    def revision(self) -> int:
        try:
            return int(self.revision_value)
        except ValueError:
            return 0

    @property
    def assessed_on(self) -> date | None:
        try:
            return date.fromisoformat(self.assessed_on_value)
        except ValueError:
            return None

    def raw_answers(self) -> dict[str, Any]:
        """The POST as answers of engine.py's shapes, one key per field (attachments aside)."""
        assert self.data is not None
        raw: dict[str, Any] = {}
        for f in self.fields:
            name = PREFIX + f.key
            if f.kind == FieldKind.ATTACHMENT:
                continue
            if f.kind == FieldKind.CHOICE and f.options.get("multiple"):
                raw[f.key] = self._getlist(name)
            elif f.kind == FieldKind.PARTICIPANT_SCALE:
                raw[f.key] = {key: self._get(f"{name}-{key}") for key, _label in f.participants()}
            elif f.kind == FieldKind.DOMAIN_NOTES:
                raw[f.key] = [{"domain": domain, "judgement": judgement}
                              for domain, judgement in self._domain_rows(name)]
            elif f.kind == FieldKind.CERTIFICATION:
                raw[f.key] = {part: self._get(f"{name}-{part}") for part in ("holder", "reference", "expires_on")}
            else:
                raw[f.key] = self._get(name)
        return raw

    def add_errors(self, errors: Mapping[str, str]) -> None:
        self.errors.update(errors)
        self._sections = None

    def set_assessed_on_error(self) -> None:
        """A date the browser sent that is not a date reads better than "give the date"."""
        if self.assessed_on_value and self.assessed_on is None:
            self.errors[ASSESSED_ON] = gettext("Give a date as YYYY-MM-DD.")
            self._sections = None

    # What the page shows ------------------------------------------------------------------------

    def sections(self) -> list[SectionInputs]:
        if self._sections is None:
            sections: list[SectionInputs] = []
            for f in self.fields:
                if not sections or sections[-1].section.pk != f.section_id:
                    sections.append(SectionInputs(section=f.section, inputs=[]))
                sections[-1].inputs.append(self._input(f))
            self._sections = sections
        return self._sections

    def error_list(self) -> list[tuple[str, str, str]]:
        """(element id, label, message) for the error summary, in the order of the page."""
        items = []
        if ASSESSED_ON in self.errors:
            items.append((ASSESSED_ON, gettext("Date of the assessment"), self.errors[ASSESSED_ON]))
        for section in self.sections():
            for answer in section.inputs:
                if answer.error:
                    items.append((answer.id, answer.field.label, answer.error))
        known = {f.key for f in self.fields} | {ASSESSED_ON}
        items.extend(("", key, message) for key, message in self.errors.items() if key not in known)
        return items

    def _get(self, name: str) -> str:
        assert self.data is not None
        value = self.data.get(name, "")
        return value if isinstance(value, str) else ""

    def _getlist(self, name: str) -> list[str]:
        assert self.data is not None
        getlist = getattr(self.data, "getlist", None)
        values = getlist(name) if getlist else self.data.get(name, [])
        if isinstance(values, str):
            values = [values]
        return [v for v in values if isinstance(v, str)]

    def _domain_rows(self, name: str) -> list[tuple[str, str]]:
        assert self.data is not None
        pattern = re.compile(rf"^{re.escape(name)}-(domain|judgement)-(\d+)$")
        numbers = sorted({int(m.group(2)) for key in self.data if (m := pattern.match(key))})
        return [(self._get(f"{name}-domain-{n}"), self._get(f"{name}-judgement-{n}"))
                for n in numbers[:DOMAIN_ROWS_READ]]

    def _input(self, f: Field) -> AnswerInput:
        name = PREFIX + f.key
        answer = AnswerInput(field=f, name=name, error=self.errors.get(f.key, ""),
                             files=list(self.files.get(f.key, [])))
        bound = self.data is not None
        saved = self._saved.get(f.key)
        kind = f.kind
        if kind in (FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT, FieldKind.DATE):
            answer.value = self._get(name) if bound else _as_text(saved)
        elif kind == FieldKind.STATEMENTS:
            answer.value = self._get(name) if bound else "\n".join(saved or [])
        elif kind == FieldKind.CHOICE:
            if f.options.get("multiple"):
                chosen = self._getlist(name) if bound else list(saved or [])
            else:
                chosen = [self._get(name)] if bound else ([saved] if isinstance(saved, str) else [])
            answer.values = chosen
            answer.options = [Option(value=value, label=label, id=f"{name}-{n}", checked=value in chosen)
                              for n, (value, label) in enumerate(f.choices())]
        elif kind == FieldKind.SCALE:
            answer.value = self._get(name).strip() if bound else _as_text(saved)
            answer.options = _scale_options(name, answer.value)
            answer.sent = _scale_sent(answer.value)
        elif kind == FieldKind.PARTICIPANT_SCALE:
            given = saved if isinstance(saved, Mapping) else {}
            for key, label in f.participants():
                row_name = f"{name}-{key}"
                picked = self._get(row_name).strip() if bound else _as_text(given.get(key))
                answer.participants.append(ParticipantRow(key=key, label=label, name=row_name, chosen=picked,
                                                          options=_scale_options(row_name, picked),
                                                          sent=_scale_sent(picked)))
        elif kind == FieldKind.DOMAIN_NOTES:
            if bound:
                rows = [(d, j) for d, j in self._domain_rows(name) if d.strip() or j.strip()]
            else:
                rows = [(r.get("domain", ""), r.get("judgement", "")) for r in (saved or [])]
            rows += [("", "")] * EMPTY_DOMAIN_ROWS
            answer.domain_rows = [DomainRow(domain=d, judgement=j, domain_name=f"{name}-domain-{n}",
                                            judgement_name=f"{name}-judgement-{n}")
                                  for n, (d, j) in enumerate(rows)]
        elif kind == FieldKind.CERTIFICATION:
            given = saved if isinstance(saved, Mapping) else {}
            answer.certification = {part: (self._get(f"{name}-{part}") if bound else _as_text(given.get(part)))
                                    for part in ("holder", "reference", "expires_on")}
        return answer


# --- files ----------------------------------------------------------------------------------------

class FileForm(forms.Form):
    field_key = forms.ChoiceField(label=_("For the field"))
    file = forms.FileField(
        label=_("File"), max_length=200,
        help_text=_("PDF, Word (.docx), OpenDocument (.odt), text, PNG or JPEG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt,.txt,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, fields: list[Field], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(f.key, f.label) for f in fields if f.kind == FieldKind.ATTACHMENT]
        self.fields["field_key"].choices = choices  # type: ignore[attr-defined]
        if len(choices) == 1:
            # One place for a file: nothing to choose (and a form that leaves it out still works).
            self.fields["field_key"].widget = forms.HiddenInput()
            self.fields["field_key"].required = False
            self.fields["field_key"].initial = choices[0][0]
            self._only = choices[0][0]
        else:
            self._only = ""

    def clean_field_key(self) -> str:
        return str(self.cleaned_data.get("field_key") or self._only)
