from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from infohus.accounts.permissions import active_membership, signed_in_required
from infohus.core.start_pages import start_page_for
from infohus.directory import selectors as directory_selectors


def front(request: HttpRequest) -> HttpResponse:
    """The practice network's face: search, the map with its list of countries, and counts."""
    return render(request, "core/front.html", {
        "countries": directory_selectors.map_countries(),
        "totals": directory_selectors.directory_totals(),
    })


@signed_in_required
def start(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    return render(request, "core/start.html", {"page": start_page_for(membership, request.user)})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure to reach the database is an unhealthy answer, not a crash
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
