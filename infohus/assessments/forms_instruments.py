"""Forms of the authoring pages. They check and shape the input; services/instruments.py makes the
changes and holds the rules (only a draft changes, keys are unique in a version)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Compartment
from infohus.assessments.models import Field, FieldKind, Instrument, Section
from infohus.assessments.services.instruments import DOWN, KEY_MAX, UP, is_key

TEXT_MAX = 5_000
LINES_MAX = 50

KEY_HELP = _(
    "Lowercase letters and digits, with hyphens or underscores between words. Answers are stored "
    "under this key: when a new version keeps a field's key, its answers stay comparable with the "
    "answers given to earlier versions. Keep the key when you only change the wording; change it "
    "only when the question asks something new."
)


def _text(label: Any, *, required: bool = True, help_text: Any = "", rows: int = 0) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, required=required, max_length=TEXT_MAX if rows else 300,
                           help_text=help_text, widget=widget)


class KeyField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=_("Key"), max_length=KEY_MAX, help_text=KEY_HELP, **kwargs)

    def clean(self, value: Any) -> str:
        key = str(super().clean(value)).strip().lower()
        if not is_key(key):
            raise ValidationError(_("Write the key in lowercase letters and digits, with hyphens or underscores "
                                    "between words (for example “next-steps”)."))
        return key


class InstrumentForm(forms.Form):
    slug = forms.SlugField(label=_("Short name"), max_length=60,
                           help_text=_("Letters, digits and hyphens, for example “balanced-risk-assessment”. "
                                       "It cannot be changed later."))
    name_da = _text(_("Name in Danish"))
    name_en = _text(_("Name in English"))
    description_da = _text(_("Description in Danish"), required=False, rows=3)
    description_en = _text(_("Description in English"), required=False, rows=3)
    use = forms.ChoiceField(label=_("Used"), choices=Instrument.Use.choices, initial=Instrument.Use.CASE,
                            widget=forms.RadioSelect)
    default_compartment = forms.ChoiceField(
        label=_("Compartment"), choices=Compartment.choices, initial=Compartment.GENERAL,
        help_text=_("Where an assessment made with the instrument is kept, unless the assessor chooses another."))

    def clean_slug(self) -> str:
        return str(self.cleaned_data["slug"]).lower()


class SectionForm(forms.Form):
    key = KeyField()
    title_da = _text(_("Title in Danish"))
    title_en = _text(_("Title in English"))
    help_da = _text(_("Guidance in Danish"), required=False, rows=3)
    help_en = _text(_("Guidance in English"), required=False, rows=3)

    @classmethod
    def initial_from(cls, section: Section) -> dict[str, Any]:
        return {name: getattr(section, name) for name in ("key", "title_da", "title_en", "help_da", "help_en")}


def _lines(text: str) -> list[tuple[int, str]]:
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]


def parse_rows(text: str, *, first: str) -> list[dict[str, str]]:
    """Lines of "key | Danish label | English label" as dicts with `first` as the name of the key,
    or a ValidationError naming each line that does not fit."""
    rows: list[dict[str, str]] = []
    problems: list[str] = []
    seen: set[str] = set()
    lines = _lines(text)
    if len(lines) > LINES_MAX:
        raise ValidationError(_("Keep this to %(max)d lines.") % {"max": LINES_MAX})
    for number, line in lines:
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or not all(parts):
            problems.append(str(_("Line %(n)d: write it as three parts separated by |, none of them empty.")
                                % {"n": number}))
            continue
        value, label_da, label_en = parts
        if not is_key(value):
            problems.append(str(_("Line %(n)d: “%(value)s” must be lowercase letters and digits, with hyphens or "
                                  "underscores between words.") % {"n": number, "value": value}))
        elif value in seen:
            problems.append(str(_("Line %(n)d: “%(value)s” is on an earlier line already.")
                                % {"n": number, "value": value}))
        seen.add(value)
        rows.append({first: value, "label_da": label_da, "label_en": label_en})
    if problems:
        raise ValidationError(problems)
    return rows


def format_rows(rows: list[dict[str, Any]], *, first: str) -> str:
    return "\n".join(f"{row.get(first, '')} | {row.get('label_da', '')} | {row.get('label_en', '')}" for row in rows)


class FieldForm(forms.Form):
    key = KeyField()
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=FieldKind.choices)
    label_da = _text(_("Question or label in Danish"))
    label_en = _text(_("Question or label in English"))
    help_da = _text(_("Guidance in Danish"), required=False, rows=3)
    help_en = _text(_("Guidance in English"), required=False, rows=3)
    required = forms.BooleanField(label=_("Must be answered before the assessment is signed"), required=False)
    choices = _text(
        _("Options of a choice"), required=False, rows=5,
        help_text=_("Only for a choice. One option per line: value | Danish label | English label, for example "
                    "“family | Familie | Family”. The value is stored with the answer; keep it when you reword "
                    "the labels."))
    multiple = forms.BooleanField(label=_("Several options may be chosen"), required=False,
                                  help_text=_("Only for a choice."))
    participants = _text(
        _("Participants of the scale"), required=False, rows=5,
        help_text=_("Only for a scale for each participant. One participant per line: key | Danish label | "
                    "English label, for example “parent | Forælder | A parent”."))

    def __init__(self, *args: Any, sections: list[Section] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if sections is not None:
            # Editing: the field may move to another section of the same draft.
            self.fields["section"] = forms.TypedChoiceField(
                label=_("Section"), coerce=int, choices=[(s.pk, s.title) for s in sections])
            self.order_fields(["section", "key"])

    @classmethod
    def initial_from(cls, field: Field) -> dict[str, Any]:
        return {
            "section": field.section_id, "key": field.key, "kind": field.kind, "label_da": field.label_da,
            "label_en": field.label_en, "help_da": field.help_da, "help_en": field.help_en,
            "required": field.required, "multiple": bool(field.options.get("multiple")),
            "choices": format_rows(field.options.get("choices", []), first="value"),
            "participants": format_rows(field.options.get("participants", []), first="key"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        options: dict[str, Any] = {}
        if kind == FieldKind.CHOICE:
            try:
                choices = parse_rows(data.get("choices", ""), first="value")
            except ValidationError as error:
                self.add_error("choices", error)
            else:
                if not choices:
                    self.add_error("choices", _("A choice needs at least one option, one per line."))
                options = {"choices": choices, "multiple": bool(data.get("multiple"))}
        elif kind == FieldKind.PARTICIPANT_SCALE:
            try:
                participants = parse_rows(data.get("participants", ""), first="key")
            except ValidationError as error:
                self.add_error("participants", error)
            else:
                if not participants:
                    self.add_error("participants", _("Name at least one participant, one per line."))
                options = {"participants": participants}
        data["options"] = options
        return data

    def add_service_error(self, error: ValidationError) -> None:
        """A refusal of the service, at the field it is about (the options at the lines that made them)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            if name == "options":
                name = "participants" if self.cleaned_data.get("kind") == FieldKind.PARTICIPANT_SCALE else "choices"
            self.add_error(name if name in self.fields else None, errors)


class PublishForm(forms.Form):
    change_note = _text(_("What changed"), rows=4,
                        help_text=_("A sentence or two for those who use the instrument: what is new or different "
                                    "in this version, and why."))


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[(UP, _("Up")), (DOWN, _("Down"))])
