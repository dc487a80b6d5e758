"""Authoring instruments: drafts, their sections and fields, publishing, and loading from files.

Only a draft changes. Publishing freezes it: from then on its sections and fields are what the
assessments made with it were answered against, so no function here touches a published version
except to copy it into a new draft. Every change is audited (instruments hold no personal data,
but who changed a method and when is part of the record).
"""

import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from infohus.accounts.models import User
from infohus.accounts.roles import Compartment
from infohus.assessments.models import Field, FieldKind, Instrument, InstrumentVersion, Section
from infohus.audit.services import record_event

PURPOSE = "instrument authoring"
SECTION_KEYS = ("key", "title_da", "title_en", "help_da", "help_en")
FIELD_KEYS = ("key", "kind", "label_da", "label_en", "help_da", "help_en", "required", "options")


def _audit(actor: User | None, action: str, version: InstrumentVersion, **details: Any) -> None:
    record_event(action=action, actor=actor, object_type="instrument_version", object_id=version.pk,
                 purpose=PURPOSE, details={"instrument": version.instrument.slug, "version": version.number, **details})


def require_draft(version: InstrumentVersion) -> None:
    if version.status != InstrumentVersion.Status.DRAFT:
        raise ValidationError(_("A published version cannot be changed. Start a new version from it."))


def check_options(kind: str, options: Any) -> dict[str, Any]:
    """The options a field of this kind needs, checked; a ValidationError says what is wrong."""
    if options in (None, ""):
        options = {}
    if not isinstance(options, dict):
        raise ValidationError(_("The options of a field must be an object."))
    if kind == FieldKind.CHOICE:
        choices = options.get("choices") or []
        values = [c.get("value") for c in choices if isinstance(c, dict)]
        if not choices or len(values) != len(choices) or not all(isinstance(v, str) and v for v in values):
            raise ValidationError(_("A choice needs at least one option, each with a value."))
        if len(set(values)) != len(values):
            raise ValidationError(_("The options of a choice must have different values."))
        return {"choices": [{"value": c["value"], "label_da": c.get("label_da", ""), "label_en": c.get("label_en", "")}
                            for c in choices], "multiple": bool(options.get("multiple"))}
    if kind == FieldKind.PARTICIPANT_SCALE:
        participants = options.get("participants") or []
        keys = [p.get("key") for p in participants if isinstance(p, dict)]
        if not participants or len(keys) != len(participants) or not all(isinstance(k, str) and k for k in keys):
            raise ValidationError(_("A scale for participants needs at least one participant, each with a key."))
        if len(set(keys)) != len(keys):
            raise ValidationError(_("The participants of a scale must have different keys."))
        return {"participants": [{"key": p["key"], "label_da": p.get("label_da", ""),
                                  "label_en": p.get("label_en", "")} for p in participants]}
    return {}


# --- instruments and versions -------------------------------------------------------------------

@transaction.atomic
def create_instrument(*, actor: User | None, slug: str, name_da: str, name_en: str, use: str = Instrument.Use.CASE,
                      default_compartment: str = Compartment.GENERAL, description_da: str = "",
                      description_en: str = "") -> InstrumentVersion:
    """A new instrument with an empty draft as its version 1."""
    slug = slugify(slug)
    if not slug:
        raise ValidationError(_("Give the instrument a short name of letters, digits and hyphens."))
    if Instrument.objects.filter(slug=slug).exists():
        raise ValidationError(_("An instrument with the short name “%(slug)s” exists already.") % {"slug": slug})
    instrument = Instrument.objects.create(slug=slug, name_da=name_da, name_en=name_en, use=use,
                                           default_compartment=default_compartment,
                                           description_da=description_da, description_en=description_en)
    version = InstrumentVersion.objects.create(instrument=instrument, number=1, created_by=actor)
    _audit(actor, "instrument.created", version)
    return version


def draft_of(instrument: Instrument) -> InstrumentVersion | None:
    return instrument.versions.filter(status=InstrumentVersion.Status.DRAFT).first()


@transaction.atomic
def new_draft(*, actor: User | None, based_on: InstrumentVersion) -> InstrumentVersion:
    """A draft copied from a published version, numbered after the latest version. Field keys
    are copied too, which is what keeps answers comparable across versions."""
    if not based_on.is_published:
        raise ValidationError(_("A new version starts from a published one."))
    instrument = based_on.instrument
    if draft_of(instrument) is not None:
        raise ValidationError(_("This instrument has a draft already. Finish or discard it first."))
    number = (instrument.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            draft = InstrumentVersion.objects.create(instrument=instrument, number=number, based_on=based_on,
                                                     created_by=actor)
    except IntegrityError:
        raise ValidationError(_("Someone else started a new version at the same moment.")) from None
    _copy_content(based_on, draft)
    _audit(actor, "instrument.draft_started", draft, based_on=based_on.number)
    return draft


def _copy_content(source: InstrumentVersion, target: InstrumentVersion) -> None:
    for section in source.sections.prefetch_related("fields").order_by("order", "pk"):
        copy = Section.objects.create(version=target, order=section.order,
                                      **{k: getattr(section, k) for k in SECTION_KEYS})
        Field.objects.bulk_create([
            Field(version=target, section=copy, order=f.order, **{k: getattr(f, k) for k in FIELD_KEYS})
            for f in sorted(section.fields.all(), key=lambda f: (f.order, f.pk))
        ])


@transaction.atomic
def discard_draft(*, actor: User | None, version: InstrumentVersion) -> None:
    require_draft(version)
    _audit(actor, "instrument.draft_discarded", version)
    instrument = version.instrument
    version.fields.all().delete()
    version.sections.all().delete()
    version.delete()
    if not instrument.versions.exists():
        instrument.delete()


@transaction.atomic
def publish(*, actor: User | None, version: InstrumentVersion, change_note: str = "") -> InstrumentVersion:
    """Freeze a draft. It must have at least one field, and no two fields may share a key."""
    version = InstrumentVersion.objects.select_for_update().get(pk=version.pk)
    require_draft(version)
    if not version.fields.exists():
        raise ValidationError(_("Add at least one field before publishing."))
    version.status = InstrumentVersion.Status.PUBLISHED
    version.published_by = actor
    version.published_at = timezone.now()
    version.change_note = change_note.strip() or version.change_note
    version.save(update_fields=["status", "published_by", "published_at", "change_note"])
    _audit(actor, "instrument.published", version)
    return version


# --- sections and fields of a draft -------------------------------------------------------------
#
# Each function locks the version row first, so a change and a publish of the same draft cannot
# cross, and refuses through require_draft once the version is published. Errors about one input
# come as a ValidationError keyed by the name of the argument ("key", "kind", "options"), so a
# form can show them at the field.

KEY_MAX = 60
_KEY = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
UP, DOWN = "up", "down"


def is_key(value: Any) -> bool:
    """A key is a slug in lowercase: letters, digits, and single hyphens or underscores between them."""
    return isinstance(value, str) and len(value) <= KEY_MAX and bool(_KEY.match(value))


def _locked_draft(version: InstrumentVersion) -> InstrumentVersion:
    locked = InstrumentVersion.objects.select_for_update().select_related("instrument").get(pk=version.pk)
    require_draft(locked)
    return locked


def _checked_key(key: str) -> str:
    key = (key or "").strip()
    if not is_key(key):
        raise ValidationError({"key": _("Write the key in lowercase letters and digits, with hyphens or "
                                        "underscores between words, at most %(max)d characters.") % {"max": KEY_MAX}})
    return key


def _section_key(version: InstrumentVersion, key: str, *, other_than: int | None = None) -> str:
    key = _checked_key(key)
    if version.sections.filter(key=key).exclude(pk=other_than or 0).exists():
        raise ValidationError({"key": _("Another section of this version has the key “%(key)s”.") % {"key": key}})
    return key


def _field_key(version: InstrumentVersion, key: str, *, other_than: int | None = None) -> str:
    key = _checked_key(key)
    if version.fields.filter(key=key).exclude(pk=other_than or 0).exists():
        raise ValidationError({"key": _("Another field of this version has the key “%(key)s”.") % {"key": key}})
    return key


def _checked_field(kind: str, options: Any) -> dict[str, Any]:
    if kind not in FieldKind.values:
        raise ValidationError({"kind": _("“%(kind)s” is not a kind of field.") % {"kind": kind}})
    try:
        return check_options(kind, options)
    except ValidationError as error:
        raise ValidationError({"options": error.messages}) from None


def _clean(instance: Section | Field, exclude: list[str]) -> None:
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _changed(before: dict[str, Any], instance: Section | Field) -> list[str]:
    return [name for name, value in before.items() if getattr(instance, name) != value]


def _renumber(items: list[Any], model: type[Section] | type[Field]) -> None:
    for order, item in enumerate(items):
        item.order = order
    model.objects.bulk_update(items, ["order"])


def _moved(items: list[Any], pk: int, direction: str) -> list[Any]:
    """The list with one item swapped with its neighbour; a ValidationError at either end."""
    if direction not in (UP, DOWN):
        raise ValidationError(_("Move up or down."))
    index = next(i for i, item in enumerate(items) if item.pk == pk)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(items):
        raise ValidationError(_("It is first already.") if direction == UP else _("It is last already."))
    items[index], items[other] = items[other], items[index]
    return items


@transaction.atomic
def add_section(*, actor: User | None, version: InstrumentVersion, key: str, title_da: str, title_en: str,
                help_da: str = "", help_en: str = "") -> Section:
    """A new section at the end of a draft."""
    version = _locked_draft(version)
    key = _section_key(version, key)
    order = (version.sections.aggregate(n=Max("order"))["n"] or 0) + 1
    section = Section(version=version, order=order, key=key, title_da=title_da.strip(), title_en=title_en.strip(),
                      help_da=help_da.strip(), help_en=help_en.strip())
    _clean(section, ["version"])
    section.save()
    _audit(actor, "instrument.section_added", version, section=key)
    return section


@transaction.atomic
def update_section(*, actor: User | None, section: Section, key: str, title_da: str, title_en: str,
                   help_da: str = "", help_en: str = "") -> Section:
    """New wording (or a new key) for a section of a draft."""
    version = _locked_draft(section.version)
    section = version.sections.get(pk=section.pk)
    before = {name: getattr(section, name) for name in SECTION_KEYS}
    section.key = _section_key(version, key, other_than=section.pk)
    section.title_da, section.title_en = title_da.strip(), title_en.strip()
    section.help_da, section.help_en = help_da.strip(), help_en.strip()
    _clean(section, ["version"])
    changed = _changed(before, section)
    if changed:
        section.save(update_fields=changed)
        _audit(actor, "instrument.section_changed", version, section=section.key, was=before["key"], changed=changed)
    return section


@transaction.atomic
def remove_section(*, actor: User | None, section: Section) -> None:
    """Take a section and its fields out of a draft."""
    version = _locked_draft(section.version)
    section = version.sections.get(pk=section.pk)
    field_keys = list(section.fields.order_by("order", "pk").values_list("key", flat=True))
    section.delete()
    _audit(actor, "instrument.section_removed", version, section=section.key, fields=field_keys)


@transaction.atomic
def move_section(*, actor: User | None, section: Section, direction: str) -> None:
    """Swap a section of a draft with the one before (up) or after it (down)."""
    version = _locked_draft(section.version)
    section = version.sections.get(pk=section.pk)
    sections = _moved(list(version.sections.order_by("order", "pk")), section.pk, direction)
    _renumber(sections, Section)
    _audit(actor, "instrument.section_moved", version, section=section.key, direction=direction)


@transaction.atomic
def add_field(*, actor: User | None, section: Section, key: str, kind: str, label_da: str, label_en: str,
              help_da: str = "", help_en: str = "", required: bool = False,
              options: dict[str, Any] | None = None) -> Field:
    """A new field at the end of a section of a draft."""
    version = _locked_draft(section.version)
    section = version.sections.get(pk=section.pk)
    key = _field_key(version, key)
    checked = _checked_field(kind, options)
    order = (section.fields.aggregate(n=Max("order"))["n"] or 0) + 1
    field = Field(version=version, section=section, order=order, key=key, kind=kind, label_da=label_da.strip(),
                  label_en=label_en.strip(), help_da=help_da.strip(), help_en=help_en.strip(), required=required,
                  options=checked)
    _clean(field, ["version", "section", "options"])
    field.save()
    _audit(actor, "instrument.field_added", version, section=section.key, field=key, kind=kind)
    return field


@transaction.atomic
def update_field(*, actor: User | None, field: Field, key: str, kind: str, label_da: str, label_en: str,
                 help_da: str = "", help_en: str = "", required: bool = False,
                 options: dict[str, Any] | None = None, section: Section | None = None) -> Field:
    """New wording, kind, options or key for a field of a draft; given a section of the same draft,
    the field moves to its end. Answers are compared across versions by key, so a key is best
    changed only when the question asks something new."""
    version = _locked_draft(field.version)
    field = version.fields.select_related("section").get(pk=field.pk)
    before = {name: getattr(field, name) for name in FIELD_KEYS} | {"section_id": field.section_id}
    field.key = _field_key(version, key, other_than=field.pk)
    field.options = _checked_field(kind, options)
    field.kind = kind
    field.label_da, field.label_en = label_da.strip(), label_en.strip()
    field.help_da, field.help_en = help_da.strip(), help_en.strip()
    field.required = required
    if section is not None and section.pk != field.section_id:
        target = version.sections.filter(pk=section.pk).first()
        if target is None:
            raise ValidationError({"section": _("Choose a section of this version.")})
        field.section = target
        field.order = (target.fields.aggregate(n=Max("order"))["n"] or 0) + 1
    _clean(field, ["version", "section", "options"])
    changed = _changed(before, field)
    if changed:
        field.save(update_fields=changed + (["order"] if "section_id" in changed else []))
        _audit(actor, "instrument.field_changed", version, field=field.key, was=before["key"], changed=changed)
    return field


@transaction.atomic
def remove_field(*, actor: User | None, field: Field) -> None:
    """Take a field out of a draft."""
    version = _locked_draft(field.version)
    field = version.fields.select_related("section").get(pk=field.pk)
    field.delete()
    _audit(actor, "instrument.field_removed", version, section=field.section.key, field=field.key)


@transaction.atomic
def move_field(*, actor: User | None, field: Field, direction: str) -> None:
    """Swap a field of a draft with the one before (up) or after it (down) in its section."""
    version = _locked_draft(field.version)
    field = version.fields.get(pk=field.pk)
    fields = _moved(list(Field.objects.filter(section_id=field.section_id).order_by("order", "pk")),
                    field.pk, direction)
    _renumber(fields, Field)
    _audit(actor, "instrument.field_moved", version, field=field.key, direction=direction)


# --- definitions (files shipped with the project) -------------------------------------------------

def definition_of(version: InstrumentVersion) -> dict[str, Any]:
    """A version as a plain dict, in the shape of the files in infohus/assessments/instruments/."""
    instrument = version.instrument
    return {
        "slug": instrument.slug, "name_da": instrument.name_da, "name_en": instrument.name_en,
        "description_da": instrument.description_da, "description_en": instrument.description_en,
        "use": instrument.use, "default_compartment": instrument.default_compartment,
        "sections": [
            {**{k: getattr(s, k) for k in SECTION_KEYS},
             "fields": [{k: getattr(f, k) for k in FIELD_KEYS}
                        for f in sorted(s.fields.all(), key=lambda f: (f.order, f.pk))]}
            for s in version.sections.prefetch_related("fields").order_by("order", "pk")
        ],
    }


def _field_content(f: dict[str, Any]) -> dict[str, Any]:
    kind = f.get("kind", "")
    options: Any = f.get("options")
    try:
        options = check_options(kind, options)
    except ValidationError:
        pass  # a file with bad options differs, and loading it says why
    return {"key": f.get("key", ""), "kind": kind, "label_da": f.get("label_da", ""),
            "label_en": f.get("label_en", ""), "help_da": f.get("help_da", ""), "help_en": f.get("help_en", ""),
            "required": bool(f.get("required")), "options": options}


def _content(definition: dict[str, Any]) -> list[Any]:
    """What a version consists of, for telling whether a file differs from the published version.
    Options are compared as they would be stored, so a file that leaves out a default (such as
    "multiple": false) reads as unchanged."""
    return [
        ({k: s.get(k, "") for k in SECTION_KEYS}, [_field_content(f) for f in s.get("fields", [])])
        for s in definition.get("sections", [])
    ]


def _check_shape(definition: Any) -> None:
    """The outline of a definition, so a malformed file is refused with a message, not a crash."""
    if not isinstance(definition, dict):
        raise ValidationError(_("A definition is one JSON object."))
    sections = definition.get("sections")
    if not isinstance(sections, list) or not sections:
        raise ValidationError(_("A definition needs a list of sections."))
    for s in sections:
        if not isinstance(s, dict) or not isinstance(s.get("fields", []), list):
            raise ValidationError(_("Each section is an object with a list of fields."))
        if not all(isinstance(f, dict) for f in s.get("fields", [])):
            raise ValidationError(_("Section “%(key)s”: each field is an object.") % {"key": s.get("key")})


def _valid(instance: Section | Field, where: str, exclude: list[str]) -> None:
    """The model's own checks (labels present, lengths), with the field names spelt out."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = []
        for name, messages in error.message_dict.items():
            label = name if name == NON_FIELD_ERRORS else getattr(instance._meta.get_field(name), "verbose_name", name)
            problems.append(f"{label}: {' '.join(messages)}")
        raise ValidationError(f"{where}: {'; '.join(problems)}") from None


def _fill(version: InstrumentVersion, definition: dict[str, Any]) -> None:
    section_keys: set[str] = set()
    field_keys: set[str] = set()
    for s_order, s in enumerate(definition.get("sections", [])):
        key = s.get("key", "")
        if not is_key(key) or key in section_keys:
            raise ValidationError(_("Each section needs a key of its own, in lowercase letters, digits, hyphens "
                                    "and underscores (“%(key)s”).") % {"key": key})
        section_keys.add(key)
        section = Section(version=version, order=s_order, key=key, title_da=s.get("title_da", ""),
                          title_en=s.get("title_en", ""), help_da=s.get("help_da", ""), help_en=s.get("help_en", ""))
        _valid(section, _("section “%(key)s”") % {"key": key}, ["version"])
        section.save()
        for f_order, f in enumerate(s.get("fields", [])):
            f_key = f.get("key", "")
            if not is_key(f_key) or f_key in field_keys:
                raise ValidationError(_("Each field needs a key of its own, in lowercase letters, digits, hyphens "
                                        "and underscores (“%(key)s”).") % {"key": f_key})
            if f.get("kind") not in FieldKind.values:
                raise ValidationError(_("Field “%(key)s”: “%(kind)s” is not a kind of field.")
                                      % {"key": f_key, "kind": f.get("kind")})
            field_keys.add(f_key)
            try:
                options = check_options(f["kind"], f.get("options"))
            except ValidationError as error:
                raise ValidationError(_("Field “%(key)s”: %(problem)s")
                                      % {"key": f_key, "problem": " ".join(error.messages)}) from None
            field = Field(version=version, section=section, order=f_order, key=f_key, kind=f["kind"],
                          label_da=f.get("label_da", ""), label_en=f.get("label_en", ""),
                          help_da=f.get("help_da", ""), help_en=f.get("help_en", ""),
                          required=bool(f.get("required")), options=options)
            _valid(field, _("field “%(key)s”") % {"key": f_key}, ["version", "section", "options"])
            field.save()


@transaction.atomic
def load_definition(*, definition: dict[str, Any], actor: User | None = None) -> tuple[InstrumentVersion, bool]:
    """Publish a definition as the instrument's next version, unless the latest published version
    already says the same. Returns the version and whether it is new. Existing versions and the
    assessments made with them are left as they are."""
    _check_shape(definition)
    slug = slugify(definition.get("slug", ""))
    if not slug:
        raise ValidationError(_("The definition has no short name (slug)."))
    instrument = Instrument.objects.filter(slug=slug).first()
    if instrument is None:
        instrument = Instrument.objects.create(slug=slug, name_da=definition.get("name_da", slug),
                                               name_en=definition.get("name_en", slug))
    for attribute in ("name_da", "name_en", "description_da", "description_en", "use", "default_compartment"):
        if attribute in definition:
            setattr(instrument, attribute, definition[attribute])
    instrument.full_clean(exclude=["slug"])
    instrument.save()
    latest = (instrument.versions.filter(status=InstrumentVersion.Status.PUBLISHED)
              .order_by("-number").first())
    if latest is not None and _content(definition_of(latest)) == _content(definition):
        return latest, False
    if draft_of(instrument) is not None:
        raise ValidationError(_("“%(slug)s” has a draft in the browser; publish or discard it before loading "
                                "a new version from a file.") % {"slug": slug})
    number = (instrument.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = InstrumentVersion.objects.create(instrument=instrument, number=number, based_on=latest,
                                               created_by=actor, change_note=definition.get("change_note", ""))
    _fill(version, definition)
    _audit(actor, "instrument.loaded", version)
    return publish(actor=actor, version=version), True
