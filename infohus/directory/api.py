"""The read-only JSON API of the public directory. It serves what the public pages show, from
the same selectors; the OpenAPI description is at openapi.json.

No interactive documentation page: ninja's page would load its script from a CDN unless
"ninja" is an installed app, and Infohus loads nothing from other hosts.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import NinjaAPI, Query, Schema
from pydantic import Field

from infohus.directory import selectors
from infohus.directory.models import Country, Project

api = NinjaAPI(
    title="Infohus practice network",
    version="1",
    description="Published organisations and projects that work on the prevention of violent radicalisation.",
    urls_namespace="directory_api",
    docs_url=None,
)

MAX_PAGE_SIZE = 100


class CountryRef(Schema):
    code: str
    name: str


class OrganisationRef(Schema):
    slug: str
    name: str
    website: str


class ContactOut(Schema):
    name: str
    role: str
    email: str
    phone: str = Field(description="E.164 where the number could be read")
    address: str


class ProjectOut(Schema):
    slug: str
    url: str
    title: str
    summary: str
    description: str
    website: str
    organisation: OrganisationRef | None
    countries: list[CountryRef]
    prevention_level: str
    status: str
    funding: str
    period_start: str | None
    period_end: str | None
    target_groups: list[str]
    themes: list[str]
    extremism: list[str]
    contacts: list[ContactOut]


class ProjectPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ProjectOut]


class ProjectFilters(Schema):
    q: str = Field("", max_length=200, description="Search words; each matches the beginning of a word")
    country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2 code")
    target_group: str = Field("", max_length=60, description="Tag slug")
    prevention_level: str = Field("", max_length=16, description="universal, targeted or indicated")
    theme: str = Field("", max_length=60, description="Tag slug")
    extremism: str = Field("", max_length=60, description="Tag slug")
    page: int = Field(1, ge=1)
    page_size: int = Field(selectors.PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class CountryOut(Schema):
    code: str
    numeric_code: str
    name: str
    project_count: int


class OrganisationOut(Schema):
    slug: str
    name: str
    website: str
    country: CountryRef | None
    project_count: int


class OrganisationPage(Schema):
    count: int
    page: int
    pages: int
    results: list[OrganisationOut]


class OrganisationDetail(Schema):
    slug: str
    name: str
    website: str
    description: str
    country: CountryRef | None
    projects: list[ProjectOut]


class Paging(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(selectors.PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def _project(request: HttpRequest, project: Project) -> dict[str, object]:
    data = selectors.project_as_dict(project)
    data["url"] = request.build_absolute_uri(selectors.project_url(project))
    return data


@api.get("/projects", response=ProjectPage, tags=["projects"])
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> dict[str, object]:
    """Published projects, best match first when searching, else by title."""
    results = selectors.search_projects(
        filters.q, country=filters.country, target_group=filters.target_group,
        prevention_level=filters.prevention_level, theme=filters.theme, extremism=filters.extremism,
    )
    page = Paginator(results, filters.page_size).get_page(filters.page)
    return {
        "count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages,
        "results": [_project(request, hit.project) for hit in page.object_list],
    }


@api.get("/projects/{slug}", response=ProjectOut, tags=["projects"])
def get_project(request: HttpRequest, slug: str) -> dict[str, object]:
    return _project(request, selectors.project_for_public(slug))


@api.get("/countries", response=list[CountryOut], tags=["countries"])
def list_countries(request: HttpRequest) -> list[Country]:
    """Every country the directory knows, with its number of published projects."""
    return list(selectors.countries_with_counts())


@api.get("/organisations", response=OrganisationPage, tags=["organisations"])
def list_organisations(request: HttpRequest, paging: Query[Paging]) -> dict[str, object]:
    page = Paginator(selectors.organisations_with_counts(), paging.page_size).get_page(paging.page)
    return {
        "count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages,
        "results": list(page.object_list),
    }


@api.get("/organisations/{slug}", response=OrganisationDetail, tags=["organisations"])
def get_organisation(request: HttpRequest, slug: str) -> dict[str, object]:
    """A published organisation with all its published projects."""
    organisation = selectors.organisation_for_public(slug)
    return {
        "slug": organisation.slug, "name": organisation.name, "website": organisation.website,
        "description": organisation.description, "country": organisation.country,
        "projects": [_project(request, p) for p in selectors.projects_of_organisation(organisation)],
    }
