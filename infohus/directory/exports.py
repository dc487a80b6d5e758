"""The directory as a download: CSV (one row a project) and JSON (the API's shape).

Both stream, so the whole directory is never held in memory, and both read through
selectors.projects_for_export (published projects only)."""

import csv
import json
from collections.abc import Callable, Iterable, Iterator

from infohus.directory.models import Project, Tag
from infohus.directory.selectors import project_as_dict, published_organisation_or_none, tags_by_facet

# A spreadsheet treats a cell that begins with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_HEADER = (
    "title", "url", "organisation", "organisation_website", "countries", "website", "summary", "description",
    "prevention_level", "target_groups", "themes", "extremism", "status", "funding", "period_start", "period_end",
    "contact_names", "contact_emails", "contact_phones", "contact_addresses",
)


def neutralise(cell: str) -> str:
    """A cell that a spreadsheet would run as a formula, prefixed with an apostrophe so that it
    is shown as text."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _joined(values: Iterable[str]) -> str:
    return "; ".join(value for value in values if value)


def csv_row(project: Project, url: str) -> list[str]:
    """One project as CSV cells, from its prefetched details."""
    organisation = published_organisation_or_none(project)
    contacts = list(project.contacts.all())
    tags = tags_by_facet(project)
    row = [
        project.title, url, organisation.name if organisation else "", organisation.website if organisation else "",
        _joined(country.code for country in project.countries.all()),
        project.website, project.summary, project.description, project.prevention_level,
        _joined(tag.slug for tag in tags[Tag.Facet.TARGET_GROUP]),
        _joined(tag.slug for tag in tags[Tag.Facet.THEME]),
        _joined(tag.slug for tag in tags[Tag.Facet.EXTREMISM]),
        project.status, project.funding,
        project.period_start.isoformat() if project.period_start else "",
        project.period_end.isoformat() if project.period_end else "",
        _joined(c.name for c in contacts), _joined(c.email for c in contacts),
        _joined(c.phone for c in contacts), _joined(c.address.replace("\n", ", ") for c in contacts),
    ]
    return [neutralise(cell) for cell in row]


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer in a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(projects: Iterable[Project], url_for: Callable[[Project], str]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for project in projects:
        yield writer.writerow(csv_row(project, url_for(project)))


def json_chunks(projects: Iterable[Project], url_for: Callable[[Project], str]) -> Iterator[str]:
    yield '{"projects": ['
    for index, project in enumerate(projects):
        data = {**project_as_dict(project), "url": url_for(project)}
        yield ("," if index else "") + json.dumps(data, ensure_ascii=False)
    yield "]}"
