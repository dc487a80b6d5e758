"""Helpers that make directory data for tests, with the search document filled in as the
services would."""

import itertools
from collections.abc import Iterable

from django.utils.text import slugify

from infohus.directory.models import ContactPoint, Country, Organisation, Project, Tag
from infohus.directory.search_document import refresh_search_document

_serial = itertools.count(1)


def make_organisation(
    name: str = "", *, country: str = "DK", published: bool = True, website: str = ""
) -> Organisation:
    name = name or f"Organisation {next(_serial)}"
    return Organisation.objects.create(
        name=name, slug=f"{slugify(name)[:100]}-{next(_serial)}", website=website,
        country=Country.objects.get(code=country), is_published=published,
    )


def make_project(
    title: str = "",
    *,
    summary: str = "",
    description: str = "",
    countries: Iterable[str] = ("DK",),
    organisation: Organisation | None = None,
    tags: Iterable[str] = (),
    prevention_level: str = "",
    published: bool = True,
    website: str = "",
    contacts: Iterable[dict[str, str]] = (),
) -> Project:
    """A project with its countries, tags (by slug) and contacts, and its search document."""
    title = title or f"Project {next(_serial)}"
    project = Project.objects.create(
        title=title, slug=f"{slugify(title)[:100]}-{next(_serial)}", summary=summary, description=description,
        organisation=organisation, prevention_level=prevention_level, is_published=published, website=website,
    )
    project.countries.set(Country.objects.filter(code__in=list(countries)))
    project.tags.set(Tag.objects.filter(slug__in=list(tags)))
    for position, contact in enumerate(contacts):
        ContactPoint.objects.create(project=project, position=position, **contact)
    refresh_search_document(project)
    return project


def make_projects(count: int, *, country: str = "DK", word: str = "mentor") -> list[Project]:
    """`count` published projects in one country, each with an organisation, two contacts and
    tags, all holding `word`: enough variety to reveal a query per row."""
    organisation = make_organisation(f"{word.title()} organisation", country=country)
    return [
        make_project(
            f"{word.title()} project {i}",
            summary=f"Work with {word}s, number {i}.",
            countries=(country, "SE"),
            organisation=organisation if i % 2 else make_organisation(country=country),
            tags=("young-people", "mentoring", "religious"),
            prevention_level="targeted",
            contacts=(
                {"name": f"Contact {i}", "email": f"contact{i}@example.org", "phone": "+4512345678",
                 "address": "Street 1\n8000 Aarhus"},
                {"name": f"Deputy {i}", "email": f"deputy{i}@example.org"},
            ),
        )
        for i in range(count)
    ]
