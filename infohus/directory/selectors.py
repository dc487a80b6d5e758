"""Reads for the public practice network: what anyone may see, and search.

published_projects() is the one place that decides what the public sees; every page, export
and API route starts from it. Search ranks with each database's own full-text engine (see
fulltext.py): PostgreSQL's tsvector and ts_rank, SQLite's FTS5 and bm25.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, overload

from django.contrib.postgres.search import SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from infohus.directory import fulltext
from infohus.directory.highlight import has_match, highlight, snippet
from infohus.directory.models import ContactPoint, Country, Organisation, Project, Tag

PAGE_SIZE = 20
# The facet counts of the plain search page (no words, no filters) are cached this long.
FACET_CACHE_SECONDS = 60
FACET_CACHE_KEY = "directory:search-facets"
UrlFor = Callable[[Project], str]
TAG_FACETS = (Tag.Facet.TARGET_GROUP, Tag.Facet.THEME, Tag.Facet.EXTREMISM)


def published_projects() -> QuerySet[Project]:
    """Projects the public may see: published ones only."""
    return Project.objects.filter(is_published=True)


def with_public_details(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Everything a list or detail page shows of a project, fetched in a fixed number of
    queries: the organisation with the project, then countries, tags and contacts."""
    return projects.select_related("organisation").prefetch_related(
        "countries",
        "tags",
        Prefetch("contacts", queryset=ContactPoint.objects.order_by("position", "pk")),
    )


def project_for_public(slug: str) -> Project:
    """A published project with its details, or 404."""
    return get_object_or_404(with_public_details(published_projects()), slug=slug)


def organisation_for_public(slug: str) -> Organisation:
    """A published organisation, or 404."""
    return get_object_or_404(Organisation.objects.filter(is_published=True).select_related("country"), slug=slug)


def projects_of_organisation(organisation: Organisation) -> QuerySet[Project]:
    return with_public_details(published_projects().filter(organisation=organisation)).order_by("title", "pk")


def country_for_public(code: str) -> Country:
    """A country by its ISO code (either case), or 404."""
    return get_object_or_404(Country, code=code.upper())


def projects_in_country(country: Country) -> QuerySet[Project]:
    return with_public_details(published_projects().filter(countries=country)).order_by("title", "pk")


def organisations_with_counts() -> QuerySet[Organisation]:
    """Published organisations with project_count, their number of published projects."""
    return Organisation.objects.filter(is_published=True).select_related("country").annotate(
        project_count=Count("projects", filter=Q(projects__is_published=True))
    ).order_by("name", "pk")


def project_url(project: Project) -> str:
    return reverse("directory:project", kwargs={"slug": project.slug})


def published_organisation_or_none(project: Project) -> Organisation | None:
    """The project's organisation when the public may see it."""
    organisation = project.organisation
    return organisation if organisation is not None and organisation.is_published else None


def countries_with_counts() -> QuerySet[Country]:
    """Every country with project_count, its number of published projects (zero included),
    in one query: the map, the country list and the API read it."""
    return Country.objects.annotate(
        project_count=Count("projects", filter=Q(projects__is_published=True))
    ).order_by("name")


def map_countries() -> list[dict[str, object]]:
    """Each country for the map and the list beside it: codes, name, count and its page."""
    return [
        {"code": country.code, "numeric": country.numeric_code, "name": country.name,
         "count": country.project_count,  # type: ignore[attr-defined]
         "url": reverse("directory:country", kwargs={"code": country.code.lower()})}
        for country in countries_with_counts()
    ]


@dataclass(frozen=True)
class DirectoryTotals:
    projects: int
    organisations: int
    countries: int


def directory_totals() -> DirectoryTotals:
    """How big the public directory is, for the front page (one query)."""
    published = published_projects()
    totals = published.aggregate(
        projects=Count("pk", distinct=True),
        organisations=Count("organisation", distinct=True, filter=Q(organisation__is_published=True)),
        countries=Count("countries", distinct=True),
    )
    return DirectoryTotals(**totals)


# --- search ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    country: str = ""           # ISO alpha-2
    target_group: str = ""      # tag slug
    prevention_level: str = ""  # Project.PreventionLevel
    theme: str = ""             # tag slug
    extremism: str = ""         # tag slug

    def tag_filters(self) -> dict[str, str]:
        # Keyed by the facet's plain value.
        return {
            Tag.Facet.TARGET_GROUP.value: self.target_group,
            Tag.Facet.THEME.value: self.theme,
            Tag.Facet.EXTREMISM.value: self.extremism,
        }

    def without(self, name: str) -> "SearchFilters":
        return SearchFilters(**{**self.__dict__, name: ""})

    @property
    def active(self) -> bool:
        return any(self.__dict__.values())


_FACET_FIELDS: dict[str, str] = {
    Tag.Facet.TARGET_GROUP.value: "target_group",
    Tag.Facet.THEME.value: "theme",
    Tag.Facet.EXTREMISM.value: "extremism",
}


def _facet_field(facet: str) -> str:
    return _FACET_FIELDS[facet]


def _filtered(filters: SearchFilters) -> QuerySet[Project]:
    # Exists() rather than joins: a project is counted once whatever it is tagged with.
    projects = published_projects()
    if filters.country:
        projects = projects.filter(Exists(Project.countries.through.objects.filter(
            project_id=OuterRef("pk"), country__code=filters.country.upper())))
    if filters.prevention_level:
        projects = projects.filter(prevention_level=filters.prevention_level)
    for facet, slug in filters.tag_filters().items():
        if slug:
            projects = projects.filter(Exists(Project.tags.through.objects.filter(
                project_id=OuterRef("pk"), tag__facet=facet, tag__slug=slug)))
    return projects


def _matching(projects: QuerySet[Project], terms: list[str]) -> QuerySet[Project]:
    """Narrow to the projects whose text holds every term (as a prefix)."""
    if not terms:
        return projects
    if connection.vendor == "postgresql":
        return projects.alias(fulltext=fulltext.SearchVectorColumn()).filter(fulltext=fulltext.postgres_query(terms))
    if connection.vendor == "sqlite":
        return projects.filter(pk__in=RawSQL(  # noqa: S611 - constant SQL, the query is a parameter
            "SELECT rowid FROM directory_project_fts WHERE directory_project_fts MATCH %s",
            [fulltext.fts5_query(terms)],
        ))
    raise NotImplementedError(f"no full-text search for {connection.vendor}")


_SQLITE_RANKED = (
    "SELECT directory_project_fts.rowid FROM directory_project_fts"
    " JOIN directory_project p ON p.id = directory_project_fts.rowid"
    " WHERE directory_project_fts MATCH %s AND p.id IN ({allowed})"
    " ORDER BY bm25(directory_project_fts, %s, %s), p.title, p.id LIMIT %s OFFSET %s"
)


def _ranked_ids(filtered: QuerySet[Project], terms: list[str], offset: int, limit: int) -> list[int]:
    """Ids of one page of results, best first (by title without a query)."""
    if not terms:
        return list(filtered.order_by("title", "pk").values_list("pk", flat=True)[offset:offset + limit])
    if connection.vendor == "postgresql":
        ranked = _matching(filtered, terms).annotate(
            rank=SearchRank(fulltext.SearchVectorColumn(), fulltext.postgres_query(terms))
        ).order_by("-rank", "title", "pk")
        return list(ranked.values_list("pk", flat=True)[offset:offset + limit])
    # SQLite: bm25 is only available in a query on the FTS5 table itself, so the ranking is a
    # raw query; the filters come in as the ORM's own SQL for the ids they allow.
    allowed_sql, allowed_params = filtered.order_by().values("pk").query.sql_with_params()
    # Constant SQL around the ORM's own SQL for the filters; every value is a parameter.
    sql = _SQLITE_RANKED.replace("{allowed}", allowed_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [fulltext.fts5_query(terms), *allowed_params, *fulltext.FTS_WEIGHTS, limit, offset])
        return [row[0] for row in cursor.fetchall()]


@dataclass(frozen=True)
class SearchHit:
    project: Project
    title_html: SafeString
    snippet_html: SafeString
    organisation: Organisation | None


@dataclass(frozen=True)
class FacetChoice:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facets:
    """For each filter, its choices with the number of results each would give (counted with
    the visitor's other filters applied, so that a choice shows what picking it would do)."""

    country: list[FacetChoice]
    prevention_level: list[FacetChoice]
    target_group: list[FacetChoice]
    theme: list[FacetChoice]
    extremism: list[FacetChoice]


@dataclass
class SearchResults:
    """The result of a search, sliceable like a list so that Django's Paginator pages it.

    count() is one query (shared with the prevention-level facet when no level is chosen); each
    page is one query for the ranked ids and one with the details of those projects (plus their
    prefetches), whatever the number of results.
    """

    terms: list[str]
    filters: SearchFilters
    _count: int | None = field(default=None, init=False, repr=False)
    _levels: dict[str, int] | None = field(default=None, init=False, repr=False)

    def _filtered(self) -> QuerySet[Project]:
        return _filtered(self.filters)

    def matching(self) -> QuerySet[Project]:
        return _matching(self._filtered(), self.terms)

    def count(self) -> int:
        if self._count is None:
            if self.filters.prevention_level:
                self._count = self.matching().count()
            else:
                # Without a level filter the level facet counts exactly the matching projects,
                # grouped: one query gives both the total and that facet.
                self._count = sum(self._level_counts().values())
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, item: int) -> SearchHit: ...

    @overload
    def __getitem__(self, item: slice) -> list[SearchHit]: ...

    def __getitem__(self, item: int | slice) -> SearchHit | list[SearchHit]:
        if isinstance(item, int):
            hits = self[item:item + 1]
            if not hits:
                raise IndexError(item)
            return hits[0]
        offset = item.start or 0
        limit = (item.stop if item.stop is not None else self.count()) - offset
        if limit <= 0:
            return []
        ids = _ranked_ids(self._filtered(), self.terms, offset, limit)
        return self._hits(ids)

    def _hits(self, ids: list[int]) -> list[SearchHit]:
        if not ids:
            return []
        by_id = {project.pk: project for project in with_public_details(Project.objects.filter(pk__in=ids))}
        hits = []
        for pk in ids:
            project = by_id[pk]
            text = project.summary or project.description
            if project.description and not has_match(text, self.terms) and has_match(project.description, self.terms):
                # The words are in the description, not the summary: show them where they are.
                text = project.description
            hits.append(SearchHit(
                project=project,
                title_html=highlight(project.title, self.terms),
                snippet_html=snippet(text, self.terms),
                organisation=published_organisation_or_none(project),
            ))
        return hits

    def __iter__(self) -> Iterator[SearchHit]:
        return iter(self[0:self.count()])

    def facets(self) -> Facets:
        """At most five queries whatever the size of the directory: one grouped count over the
        project–country table, one grouped count of prevention levels (the one count() already
        made, when no level is chosen), one grouped count of all three kinds of tag over the
        project–tag table, and the lists of countries and of tags (so that choices nobody
        picked still show, with 0). Each grouped count reads only the rows of matching
        projects; the earlier per-facet queries joined every project–tag or project–country
        row of the directory.

        The facets of the plain search page (no words, no filters) are the same for every
        visitor, so they are kept in Django's cache for FACET_CACHE_SECONDS per language. They
        are not invalidated when projects change: with so short a time a count that is a minute
        old is harmless, and the result list itself is never cached.
        """
        if self.terms or self.filters.active:
            return self._count_facets()
        key = f"{FACET_CACHE_KEY}:{get_language() or ''}"
        facets = cache.get(key)
        if not isinstance(facets, Facets):
            facets = self._count_facets()
            cache.set(key, facets, FACET_CACHE_SECONDS)
        return facets

    def _count_facets(self) -> Facets:
        return Facets(country=self._country_facet(), prevention_level=self._level_facet(), **self._tag_facets())

    def _matching_without(self, name: str) -> QuerySet[Project]:
        return _matching(_filtered(self.filters.without(name)), self.terms)

    def _country_facet(self) -> list[FacetChoice]:
        ids = self._matching_without("country").order_by().values("pk")
        counted: dict[int, int] = dict(
            Project.countries.through.objects.filter(project_id__in=ids).order_by()
            .values_list("country_id").annotate(n=Count("*"))
        )
        return [FacetChoice(c.code, c.name, counted.get(c.pk, 0)) for c in Country.objects.order_by("name")]

    def _level_counts(self) -> dict[str, int]:
        """Matching projects by prevention level (the visitor's level filter left out), blank
        and any other value included."""
        if self._levels is None:
            self._levels = dict(
                self._matching_without("prevention_level").order_by().values_list("prevention_level")
                .annotate(n=Count("pk"))
            )
        return self._levels

    def _level_facet(self) -> list[FacetChoice]:
        counted = self._level_counts()
        levels = Project.PreventionLevel.choices
        return [FacetChoice(value, str(label), counted.get(value, 0)) for value, label in levels]

    def _tag_facets(self) -> dict[str, list[FacetChoice]]:
        """All three kinds of tag in one grouped count over the project–tag table.

        The projects are those that match the words, the country and the prevention level; a
        row (project, tag) then counts for its tag when the project also passes the visitor's
        tag filters of the two OTHER kinds (a choice is counted without its own filter)."""
        tags = list(Tag.objects.filter(facet__in=TAG_FACETS))
        through = Project.tags.through
        chosen = {facet: slug for facet, slug in self.filters.tag_filters().items() if slug}
        rows = Q()
        if chosen:
            for facet in TAG_FACETS:
                row = Q(tag_id__in=[tag.pk for tag in tags if tag.facet == facet])
                for other, slug in chosen.items():
                    if other != facet.value:
                        row &= Q(Exists(through.objects.filter(
                            project_id=OuterRef("project_id"), tag__facet=other, tag__slug=slug)))
                rows |= row
        untagged = SearchFilters(country=self.filters.country, prevention_level=self.filters.prevention_level)
        ids = _matching(_filtered(untagged), self.terms).order_by().values("pk")
        counted: dict[int, int] = dict(
            through.objects.filter(rows, project_id__in=ids).order_by()
            .values_list("tag_id").annotate(n=Count("*"))
        )
        grouped: dict[str, list[FacetChoice]] = {_facet_field(facet.value): [] for facet in TAG_FACETS}
        for tag in tags:
            grouped[_facet_field(tag.facet)].append(FacetChoice(tag.slug, tag_label(tag), counted.get(tag.pk, 0)))
        return {name: sorted(choices, key=lambda choice: choice.label) for name, choices in grouped.items()}


def search_projects(
    query: str = "",
    *,
    country: str = "",
    target_group: str = "",
    prevention_level: str = "",
    theme: str = "",
    extremism: str = "",
) -> SearchResults:
    """Published projects that hold every word of the query (as word beginnings), best first,
    narrowed by the filters. Without words, all published projects that pass the filters, by
    title."""
    filters = SearchFilters(country=country, target_group=target_group, prevention_level=prevention_level,
                            theme=theme, extremism=extremism)
    return SearchResults(terms=fulltext.query_terms(query), filters=filters)


# --- export ------------------------------------------------------------------------------

EXPORT_CHUNK = 500


def projects_for_export() -> Iterator[Project]:
    """Every published project with its details, read in chunks (a fixed number of queries per
    chunk), for the CSV and JSON downloads."""
    projects = with_public_details(published_projects()).order_by("title", "pk")
    return projects.iterator(chunk_size=EXPORT_CHUNK)


def tag_label(tag: Tag) -> str:
    """The tag's name in the language of the page."""
    return tag.name_da if (get_language() or "").startswith("da") else tag.name_en


def tags_by_facet(project: Project) -> dict[str, list[Tag]]:
    """The project's (prefetched) tags grouped by facet."""
    grouped: dict[str, list[Tag]] = {facet.value: [] for facet in TAG_FACETS}
    for tag in project.tags.all():
        grouped.setdefault(tag.facet, []).append(tag)
    return grouped


def project_as_dict(project: Project) -> dict[str, Any]:
    """A published project as plain data: the JSON export and the API share this shape."""
    organisation = published_organisation_or_none(project)
    tags = tags_by_facet(project)
    return {
        "slug": project.slug,
        "title": project.title,
        "summary": project.summary,
        "description": project.description,
        "website": project.website,
        "organisation": None if organisation is None else {
            "slug": organisation.slug, "name": organisation.name, "website": organisation.website,
        },
        "countries": [{"code": c.code, "name": c.name} for c in project.countries.all()],
        "prevention_level": project.prevention_level,
        "status": project.status,
        "funding": project.funding,
        "period_start": project.period_start.isoformat() if project.period_start else None,
        "period_end": project.period_end.isoformat() if project.period_end else None,
        "target_groups": [t.slug for t in tags[Tag.Facet.TARGET_GROUP]],
        "themes": [t.slug for t in tags[Tag.Facet.THEME]],
        "extremism": [t.slug for t in tags[Tag.Facet.EXTREMISM]],
        "contacts": [
            {"name": c.name, "role": c.role, "email": c.email, "phone": c.phone, "address": c.address}
            for c in project.contacts.all()
        ],
    }
