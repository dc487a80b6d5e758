"""Authoring instruments: drafts, their sections and fields, publishing, and loading from files.

Only a draft changes. Publishing freezes it: from then on its sections and fields are what the
assessments made with it were answered against, so no function here touches a published version
except to copy it into a new draft. Every change is audited (instruments hold no personal data,
but who changed a method and when is part of the record).
"""

from typing import Any

from django.core.exceptions import ValidationError
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


def _content(definition: dict[str, Any]) -> list[Any]:
    """What a version consists of, for telling whether a file differs from the published version."""
    return [
        ({k: s.get(k, "") for k in SECTION_KEYS},
         [{k: f.get(k, {} if k == "options" else False if k == "required" else "") for k in FIELD_KEYS}
          for f in s.get("fields", [])])
        for s in definition.get("sections", [])
    ]


def _fill(version: InstrumentVersion, definition: dict[str, Any]) -> None:
    section_keys: set[str] = set()
    field_keys: set[str] = set()
    for s_order, s in enumerate(definition.get("sections", [])):
        key = slugify(s.get("key", ""))
        if not key or key in section_keys:
            raise ValidationError(_("Each section needs a key of its own (“%(key)s”).") % {"key": s.get("key")})
        section_keys.add(key)
        section = Section.objects.create(version=version, order=s_order, key=key, title_da=s.get("title_da", ""),
                                         title_en=s.get("title_en", ""), help_da=s.get("help_da", ""),
                                         help_en=s.get("help_en", ""))
        for f_order, f in enumerate(s.get("fields", [])):
            f_key = slugify(f.get("key", ""))
            if not f_key or f_key in field_keys:
                raise ValidationError(_("Each field needs a key of its own (“%(key)s”).") % {"key": f.get("key")})
            if f.get("kind") not in FieldKind.values:
                raise ValidationError(_("“%(kind)s” is not a kind of field.") % {"kind": f.get("kind")})
            field_keys.add(f_key)
            Field.objects.create(version=version, section=section, order=f_order, key=f_key, kind=f["kind"],
                                 label_da=f.get("label_da", ""), label_en=f.get("label_en", ""),
                                 help_da=f.get("help_da", ""), help_en=f.get("help_en", ""),
                                 required=bool(f.get("required")), options=check_options(f["kind"], f.get("options")))


@transaction.atomic
def load_definition(*, definition: dict[str, Any], actor: User | None = None) -> tuple[InstrumentVersion, bool]:
    """Publish a definition as the instrument's next version, unless the latest published version
    already says the same. Returns the version and whether it is new. Existing versions and the
    assessments made with them are left as they are."""
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
