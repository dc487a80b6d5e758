"""Importing a country page into the directory: the one service that the command, the upload
form and the sample loader call.

Behaviour, in short:
- all or nothing: the page is read completely before anything is written, and everything is
  written in one transaction;
- projects are keyed by the slug of their title, so the same project on several country
  pages is one project linked to each of those countries; a page never unlinks a country;
- an entry whose stored project already says what the page says is "unchanged" and nothing
  of it is written; otherwise the fields that differ are updated (contacts are replaced as a
  whole, tags and prevention level only when the page gives them);
- every import that gets past reading, including one that changes nothing, is recorded as an
  ImportBatch with one "directory.imported" audit event: the history of who imported which
  file is worth keeping even when the file was already in;
- a dry run does all of the above and then rolls it back, so its report is exactly what a
  real import would report, and nothing at all is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from infohus.audit.services import record_event
from infohus.directory.importer import (
    SLUG_LENGTH,
    Contact,
    CountryPage,
    Entry,
    Notice,
    PageFormatError,
    parse_country_page,
    website_host,
)
from infohus.directory.models import ContactPoint, Country, ImportBatch, Organisation, Project, Tag
from infohus.directory.search_document import refresh_search_document

ACTION_IMPORTED = "directory.imported"
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
_CONTACT_FIELDS = ("name", "role", "email", "phone", "phone_original", "address", "original_text")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class EntryOutcome:
    line: int
    title: str
    slug: str
    outcome: str
    changes: tuple[str, ...] = ()


@dataclass
class ImportReport:
    source_name: str
    source_sha256: str
    country_code: str
    country_name: str
    dry_run: bool
    entries: list[EntryOutcome] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    organisations_created: list[str] = field(default_factory=list)
    batch_id: int | None = None

    def _count(self, outcome: str) -> int:
        return sum(1 for entry in self.entries if entry.outcome == outcome)

    @property
    def created(self) -> int:
        return self._count(CREATED)

    @property
    def updated(self) -> int:
        return self._count(UPDATED)

    @property
    def unchanged(self) -> int:
        return self._count(UNCHANGED)


class _RollBack(Exception):
    def __init__(self, report: ImportReport) -> None:
        self.report = report


def import_country_page(
    *,
    text: str,
    source_name: str,
    imported_by: Any = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    organisation: Any = None,
) -> ImportReport:
    """Import one country page (see importer.py for the format). Raises PageFormatError,
    having written nothing, for a page it cannot read. `organisation` is the account
    organisation the importer acts for, recorded in the audit trail."""
    page = parse_country_page(text)
    report = ImportReport(
        source_name=source_name[:300], source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        country_code=page.country_code, country_name=page.country_name, dry_run=dry_run,
    )
    try:
        with transaction.atomic():
            _apply(page, report, imported_by=imported_by, organisation=organisation, progress=progress)
            if dry_run:
                raise _RollBack(report)
    except _RollBack as rollback:
        rollback.report.batch_id = None
        return rollback.report
    return report


def _apply(page: CountryPage, report: ImportReport, *, imported_by: Any, organisation: Any,
           progress: Progress | None) -> None:
    country = Country.objects.filter(code=page.country_code).first()
    if country is None:
        raise PageFormatError(page.country_line, _("the country %(code)s is missing from the directory's list of "
                                                   "countries") % {"code": page.country_code})
    user = imported_by if getattr(imported_by, "is_authenticated", False) else None
    batch = ImportBatch.objects.create(source_name=report.source_name, source_sha256=report.source_sha256,
                                       country=country, imported_by=user)
    entries = page.entries
    total = len(entries)
    if progress:
        progress(0, total)

    projects = {
        project.slug: project
        for project in Project.objects.filter(slug__in=[entry.slug for entry in entries])
        .prefetch_related("countries", "tags", "contacts")
    }
    organisations = _organisations_for(entries)
    tags = {tag.slug: tag for tag in Tag.objects.filter(slug__in={slug for e in entries for slug in e.tags or ()})}
    notices = list(page.notices) + _websites_used_elsewhere(entries)

    for done, entry in enumerate(entries, start=1):
        owner = _organisation(entry, organisations, country, report)
        project = projects.get(entry.slug)
        if project is None:
            project = _create_project(entry, owner, country, tags, batch)
            report.entries.append(EntryOutcome(entry.line, entry.title, entry.slug, CREATED))
        else:
            changes = _update_project(project, entry, owner, country, tags, batch)
            outcome = UPDATED if changes else UNCHANGED
            report.entries.append(EntryOutcome(entry.line, entry.title, entry.slug, outcome, changes))
        if report.entries[-1].outcome != UNCHANGED:
            refresh_search_document(Project.objects.select_related("organisation").get(pk=project.pk))
        if progress:
            progress(done, total)

    report.warnings = sorted(notices, key=lambda notice: notice.line)
    batch.created, batch.updated, batch.unchanged = report.created, report.updated, report.unchanged
    batch.warnings = [notice.as_dict() for notice in report.warnings]
    batch.save(update_fields=["created", "updated", "unchanged", "warnings"])
    report.batch_id = batch.pk
    record_event(
        action=ACTION_IMPORTED, actor=user, organisation=organisation,
        object_type="directory.importbatch", object_id=batch.pk,
        details={"source_name": report.source_name, "source_sha256": report.source_sha256,
                 "country": page.country_code, "created": report.created, "updated": report.updated,
                 "unchanged": report.unchanged, "warnings": len(report.warnings),
                 "organisations_created": len(report.organisations_created)},
    )


def _organisation_slug(name: str) -> str:
    return slugify(name)[:SLUG_LENGTH].strip("-") or "organisation"


def _organisations_for(entries: tuple[Entry, ...]) -> dict[str, Organisation]:
    """Existing directory organisations for the names the page gives, by slug or exact name."""
    names = {entry.organisation_name for entry in entries if entry.organisation_name}
    slugs = {_organisation_slug(name) for name in names}
    found: dict[str, Organisation] = {}
    for organisation in Organisation.objects.filter(Q(slug__in=slugs) | Q(name__in=names)).order_by("pk"):
        found.setdefault(organisation.slug, organisation)
        found.setdefault(_organisation_slug(organisation.name), organisation)
    return found


def _organisation(entry: Entry, organisations: dict[str, Organisation], country: Country,
                  report: ImportReport) -> Organisation | None:
    if not entry.organisation_name:
        return None
    slug = _organisation_slug(entry.organisation_name)
    organisation = organisations.get(slug)
    if organisation is None:
        organisation = Organisation.objects.create(name=entry.organisation_name[:300], slug=slug,
                                                   website=entry.website, country=country)
        organisations[slug] = organisation
        report.organisations_created.append(organisation.name)
    elif not organisation.website and entry.website:
        # Fill a gap; never overwrite what an editor or an earlier page set.
        organisation.website = entry.website
        organisation.save(update_fields=["website", "updated_at"])
    return organisation


def _websites_used_elsewhere(entries: tuple[Entry, ...]) -> list[Notice]:
    """Entries whose website another organisation, not named on this page, already uses."""
    hosts = {website_host(entry.website): entry for entry in entries if entry.website}
    if not hosts:
        return []
    page_slugs = {_organisation_slug(entry.organisation_name) for entry in entries}
    matches = Q()
    for host in hosts:
        matches |= Q(website__icontains=host)
    notices = []
    for other in Organisation.objects.filter(matches).exclude(slug__in=page_slugs).order_by("name"):
        host = website_host(other.website)
        if host in hosts:
            entry = hosts[host]
            notices.append(Notice(entry.website_line, _(
                "the website %(host)s is shared by two organisations: “%(this)s” and “%(other)s”, "
                "already in the directory") % {"host": host, "this": entry.organisation_name, "other": other.name}))
    return notices


def _create_project(entry: Entry, owner: Organisation | None, country: Country, tags: dict[str, Tag],
                    batch: ImportBatch) -> Project:
    project = Project.objects.create(
        title=entry.title[:300], slug=entry.slug, summary=entry.summary, description=entry.description,
        website=entry.website, website_original=entry.website_original[:500], organisation=owner,
        prevention_level=entry.prevention_level, source_batch=batch, source_line=entry.line,
    )
    project.countries.add(country)
    if entry.tags:
        project.tags.set([tags[slug] for slug in entry.tags if slug in tags])
    _write_contacts(project, entry)
    return project


def _update_project(project: Project, entry: Entry, owner: Organisation | None, country: Country,
                    tags: dict[str, Tag], batch: ImportBatch) -> tuple[str, ...]:
    """Bring a stored project in line with its entry; the names of what changed."""
    wanted: dict[str, object] = {
        "title": entry.title[:300], "summary": entry.summary, "description": entry.description,
        "website": entry.website, "website_original": entry.website_original[:500],
        "organisation_id": owner.pk if owner else None,
    }
    if entry.prevention_level:
        wanted["prevention_level"] = entry.prevention_level
    changed = [name for name, value in wanted.items() if getattr(project, name) != value]
    linked = any(linked.pk == country.pk for linked in project.countries.all())
    tags_differ = entry.tags is not None and {tag.slug for tag in project.tags.all()} != set(entry.tags)
    stored_contacts = [tuple(getattr(c, name) for name in _CONTACT_FIELDS) for c in project.contacts.all()]
    contacts_differ = stored_contacts != [tuple(_contact_row(contact).values()) for contact in entry.contacts]

    changes = [name.removesuffix("_id") for name in changed]
    changes += [] if linked else ["countries"]
    changes += ["tags"] if tags_differ else []
    changes += ["contacts"] if contacts_differ else []
    if not changes:
        return ()

    for name in changed:
        setattr(project, name, wanted[name])
    project.source_batch = batch
    project.source_line = entry.line
    project.save(update_fields=[*changed, "source_batch", "source_line", "updated_at"])
    if not linked:
        project.countries.add(country)
    if tags_differ and entry.tags is not None:
        project.tags.set([tags[slug] for slug in entry.tags if slug in tags])
    if contacts_differ:
        project.contacts.all().delete()
        _write_contacts(project, entry)
    return tuple(changes)


def _contact_row(contact: Contact) -> dict[str, str]:
    """A contact as it is stored, cut to the columns' lengths."""
    return {"name": contact.name[:200], "role": contact.role[:200], "email": contact.email,
            "phone": contact.phone, "phone_original": contact.phone_original[:64],
            "address": contact.address, "original_text": contact.original_text}


def _write_contacts(project: Project, entry: Entry) -> None:
    ContactPoint.objects.bulk_create(
        ContactPoint(project=project, position=position, **_contact_row(contact))
        for position, contact in enumerate(entry.contacts)
    )
