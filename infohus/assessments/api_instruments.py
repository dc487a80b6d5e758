"""The instruments an assessment can be recorded with, and one version's sections and fields.

Instruments hold no personal data, so there is no need-to-know and no audit: the capability to
record or author assessments is enough. Everyone who may record sees the published versions;
authors also see drafts (as on the authoring pages).
"""

from datetime import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field as Describe

from infohus.accounts.permissions import has_capability, require_capability
from infohus.accounts.roles import Capability as C
from infohus.api.auth import scope
from infohus.api.schemas import Paging, page_of, page_schema
from infohus.api.scopes import Scope
from infohus.assessments.api_common import Filters, PathId, answers, known_query, listed, only
from infohus.assessments.models import Field, Instrument, InstrumentVersion
from infohus.assessments.selectors import instruments as reads

router = Router(tags=["assessments"])
READ = scope(Scope.ASSESSMENTS_READ)
PUBLISHED = InstrumentVersion.Status.PUBLISHED
InstrumentUse = Annotated[str, only(Instrument.Use.values), listed(Instrument.Use.values)]


class InstrumentVersionRef(Schema):
    id: int = Describe(description="The version's id: the instrument_version to start an assessment with")
    number: int
    published_at: datetime | None


class InstrumentOut(Schema):
    """An instrument with its latest published version."""

    slug: str
    name: str
    description: str
    use: str = Describe(description="case, triage or training")
    default_compartment: str = Describe(description="The compartment its assessments usually go in")
    latest_version: InstrumentVersionRef


InstrumentPage = page_schema(InstrumentOut, "InstrumentPage")


class InstrumentFilters(Filters):
    use: InstrumentUse | None = Describe(None, description="Only instruments used this way")


def _latest_published(instrument: Instrument) -> InstrumentVersion:
    # Versions are prefetched newest first; the filter below keeps instruments with a published one.
    return next(v for v in instrument.versions.all() if v.status == PUBLISHED)


def _instrument_out(instrument: Instrument) -> InstrumentOut:
    version = _latest_published(instrument)
    return InstrumentOut(
        slug=instrument.slug, name=instrument.name, description=instrument.description, use=instrument.use,
        default_compartment=instrument.default_compartment,
        latest_version=InstrumentVersionRef(id=version.pk, number=version.number, published_at=version.published_at),
    )


@router.get("/instruments", response=answers({200: InstrumentPage}), auth=READ,
            summary="Instruments available to record assessments with",
            description="Each instrument that has a published version, with its latest one. Needs a role that "
                        "works on cases, triages or authors instruments.")
def instrument_list(request: HttpRequest, filters: Query[InstrumentFilters],
                    paging: Query[Paging]) -> dict[str, Any]:
    known_query(request, InstrumentFilters, Paging)
    require_capability(request, C.WORK_ON_CASE, C.TRIAGE, C.AUTHOR_INSTRUMENTS)
    instruments = reads.instruments_with_versions().filter(versions__status=PUBLISHED).distinct()
    if filters.use:
        instruments = instruments.filter(use=filters.use)
    return page_of(instruments.order_by("slug"), paging, _instrument_out)


class InstrumentChoiceOut(Schema):
    value: str
    label: str


class InstrumentParticipantOut(Schema):
    key: str
    label: str


class InstrumentFieldOut(Schema):
    key: str = Describe(description="The key an answer is given under")
    kind: str = Describe(description="short_text, long_text, statements, choice, scale, date, participant_scale, "
                                     "domain_notes, certification or attachment")
    label: str
    help: str
    required: bool = Describe(description="Must be answered before the assessment is signed")
    multiple: bool = Describe(description="A choice that takes several values")
    choices: list[InstrumentChoiceOut]
    participants: list[InstrumentParticipantOut]


class InstrumentSectionOut(Schema):
    key: str
    title: str
    help: str
    fields: list[InstrumentFieldOut]


class InstrumentVersionOut(Schema):
    id: int
    instrument: str = Describe(description="The instrument's short name (slug)")
    name: str
    number: int
    status: str = Describe(description="draft or published")
    published_at: datetime | None
    change_note: str
    sections: list[InstrumentSectionOut]


def _field_out(field: Field) -> InstrumentFieldOut:
    return InstrumentFieldOut(
        key=field.key, kind=field.kind, label=field.label, help=field.help, required=field.required,
        multiple=bool(field.options.get("multiple")),
        choices=[InstrumentChoiceOut(value=value, label=label) for value, label in field.choices()],
        participants=[InstrumentParticipantOut(key=key, label=label) for key, label in field.participants()],
    )


@router.get("/instrument-versions/{version_id}", response=answers({200: InstrumentVersionOut}, 404), auth=READ,
            summary="One version of an instrument, with its sections and fields",
            description="The fields say under which key and in which shape each answer is given. A draft is "
                        "found only by those who author instruments.")
def instrument_version_detail(request: HttpRequest, version_id: PathId) -> InstrumentVersionOut:
    require_capability(request, C.WORK_ON_CASE, C.TRIAGE, C.AUTHOR_INSTRUMENTS)
    version = reads.version_for_author(version_id)
    if not version.is_published and not has_capability(request, C.AUTHOR_INSTRUMENTS):
        raise Http404
    sections = reads.sections_of(version)
    return InstrumentVersionOut(
        id=version.pk, instrument=version.instrument.slug, name=version.instrument.name, number=version.number,
        status=version.status, published_at=version.published_at, change_note=version.change_note,
        sections=[InstrumentSectionOut(key=s.key, title=s.title, help=s.help,
                                       fields=[_field_out(f) for f in s.fields.all()])
                  for s in sections],
    )
