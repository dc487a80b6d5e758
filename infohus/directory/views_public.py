"""The public practice network: search, countries, projects, organisations, the map and the
downloads. Anyone may open these pages; every read goes through selectors."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from infohus.directory import exports, selectors
from infohus.directory.forms_public import SearchForm, read_search
from infohus.directory.models import Project

LIST_PAGE_SIZE = 25


def search(request: HttpRequest) -> HttpResponse:
    query, filters = read_search(request.GET)
    results = selectors.search_projects(query, **filters.__dict__)
    page = Paginator(results, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    form = SearchForm(request.GET or None, facets=results.facets())
    return render(request, "directory/public/search.html", {
        "form": form, "page": page, "query": query, "searched": bool(results.terms) or filters.active,
    })


def country_list(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/public/country_list.html", {"countries": selectors.map_countries()})


def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    country = selectors.country_for_public(code)
    page = Paginator(selectors.projects_in_country(country), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/public/country_detail.html", {"country": country, "page": page})


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = selectors.project_for_public(slug)
    return render(request, "directory/public/project_detail.html", {
        "project": project,
        "organisation": selectors.published_organisation_or_none(project),
        "tags": selectors.tags_by_facet(project),
    })


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_for_public(slug)
    projects = selectors.projects_of_organisation(organisation)
    page = Paginator(projects, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/public/organisation_detail.html", {"organisation": organisation, "page": page})


def map_page(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/public/map.html", {"countries": selectors.map_countries()})


def _absolute_url_for(request: HttpRequest) -> selectors.UrlFor:
    base = request.build_absolute_uri("/")[:-1]

    def url_for(project: Project) -> str:
        return base + selectors.project_url(project)

    return url_for


def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    lines = exports.csv_lines(selectors.projects_for_export(), _absolute_url_for(request))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="infohus-directory.csv"'
    return response


def export_json(request: HttpRequest) -> StreamingHttpResponse:
    chunks = exports.json_chunks(selectors.projects_for_export(), _absolute_url_for(request))
    response = StreamingHttpResponse(chunks, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="infohus-directory.json"'
    return response
