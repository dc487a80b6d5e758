"""Reads for the authoring pages: instruments with their versions, and one version's content.

Instruments hold no personal data, so these reads are not audited; the counts of assessments
made with each version are counts of rows, never their answers. Each function runs a fixed
number of queries, whatever the number of instruments, versions, sections or fields.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from infohus.assessments.models import Field, Instrument, InstrumentVersion, Section


def _versions_with_counts() -> QuerySet[InstrumentVersion]:
    return (InstrumentVersion.objects.annotate(assessment_count=Count("assessments"))
            .select_related("published_by").order_by("-number"))


def instruments_with_versions() -> QuerySet[Instrument]:
    """Every instrument, each with its versions (newest first) and the number of assessments made
    with each version. Two queries."""
    return Instrument.objects.prefetch_related(Prefetch("versions", queryset=_versions_with_counts()))


def version_for_author(pk: int) -> InstrumentVersion:
    """One version with its instrument, or 404."""
    return get_object_or_404(InstrumentVersion.objects.select_related("instrument", "created_by", "published_by",
                                                                      "based_on"), pk=pk)


def section_of(version: InstrumentVersion, section_pk: int) -> Section:
    """A section of this version, or 404 (a section of another version is not reached through this one)."""
    return get_object_or_404(Section.objects.select_related("version__instrument"), version=version, pk=section_pk)


def field_of(version: InstrumentVersion, field_pk: int) -> Field:
    return get_object_or_404(Field.objects.select_related("version__instrument", "section"), version=version,
                             pk=field_pk)


def sections_of(version: InstrumentVersion) -> list[Section]:
    """The version's sections in order, each with its fields in order (section.fields.all()). Two queries."""
    fields = Field.objects.order_by("order", "pk")
    return list(version.sections.order_by("order", "pk").prefetch_related(Prefetch("fields", queryset=fields)))


def keys_of(version: InstrumentVersion | None) -> set[str]:
    """The field keys of a version (of the one a draft was started from, to mark what is new)."""
    if version is None:
        return set()
    return set(version.fields.values_list("key", flat=True))


@dataclass(frozen=True)
class VersionsOfInstrument:
    versions: list[InstrumentVersion]  # newest first, each with assessment_count
    draft: InstrumentVersion | None

    @property
    def latest_number(self) -> int:
        return self.versions[0].number if self.versions else 0


def versions_of(instrument: Instrument) -> VersionsOfInstrument:
    """An instrument's versions with their counts, and its draft if it has one. One query."""
    versions = list(_versions_with_counts().filter(instrument=instrument))
    draft = next((v for v in versions if v.status == InstrumentVersion.Status.DRAFT), None)
    return VersionsOfInstrument(versions=versions, draft=draft)


def drafts_waiting(limit: int = 10) -> QuerySet[InstrumentVersion]:
    """Drafts not yet published, for the authors' start pages. One query."""
    return (InstrumentVersion.objects.filter(status=InstrumentVersion.Status.DRAFT)
            .select_related("instrument").order_by("instrument__slug")[:limit])
