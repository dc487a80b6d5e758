"""The analyst's dashboard (/desk/insights/) and its downloads.

Who: only those who may analyse (ANALYSE: the analyst), who see no personal data at all: every
figure is an aggregate, suppressed before it reaches the page, the chart or the file. The page
reads no personal data, so it is not audited per person; each download is audited once, with
the table and the filter, never the figures. A filter that makes no sense answers 400 with the
message at its field and the form as typed; one that narrows to a few people is shown, with
the small numbers hidden and the reason on the page.
"""

from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from infohus.accounts.permissions import active_membership, capability_required
from infohus.accounts.roles import Capability
from infohus.audit.services import record_event
from infohus.core import exports
from infohus.insights.exports import block_table, file_stem
from infohus.insights.forms_dashboard import DashboardFilterForm
from infohus.insights.selectors.dashboard import Block, Dashboard, Filter, cached_blocks, default_filter

analyse_required = capability_required(Capability.ANALYSE)
TEMPLATE = "insights/dashboard/page.html"
FILTER_FIELDS = ("from", "to", "municipality", "district")
FORMATS = ("csv", "xlsx")


def _filter(request: HttpRequest) -> tuple[DashboardFilterForm, Filter | None]:
    """The form, and the filter it gives (the default one when nothing was asked; None when the
    form was refused)."""
    today = timezone.localdate()
    default = default_filter(today)
    if not any(key in request.GET for key in FILTER_FIELDS):
        initial = {"from": default.first, "to": default.last}
        return DashboardFilterForm(initial=initial, today=today), default
    form = DashboardFilterForm(request.GET, today=today)
    return form, form.chosen() if form.is_valid() else None


def _query(chosen: Filter) -> str:
    described = chosen.describe()
    return urlencode({key: "" if value is None else value for key, value in described.items()})


def _blocks(board: Dashboard, chosen: Filter) -> tuple[list[Block], datetime | None]:
    return cached_blocks(board, chosen)


@analyse_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form, chosen = _filter(request)
    if chosen is None:
        return render(request, TEMPLATE, {"form": form}, status=400)
    board = Dashboard(chosen)
    blocks, counted_at = _blocks(board, chosen)
    # All the concerns of the filter, by source: below the threshold, the page says why it is bare.
    concerns = next(block.grand_total for block in blocks if block.key == "concerns-source")
    return render(request, TEMPLATE, {
        "form": form, "filter": chosen, "blocks": blocks, "threshold": board.threshold, "query": _query(chosen),
        "few_concerns": concerns is not None and concerns.reason == "small",
        "hidden": sum(block.hidden for block in blocks), "counted_at": counted_at,
        "cache_minutes": int(settings.INSIGHTS_CACHE_SECONDS) // 60,
    })


@analyse_required
def export(request: HttpRequest) -> HttpResponse:
    """?table=<key>&format=csv|xlsx with the page's filter; XLSX (the default) without a table holds them all."""
    form, chosen = _filter(request)
    if chosen is None:
        return render(request, TEMPLATE, {"form": form}, status=400)
    wanted, table = request.GET.get("format", "xlsx"), request.GET.get("table", "")
    board = Dashboard(chosen)
    builders = board.builders()
    if wanted not in FORMATS or (table and table not in builders) or (wanted == "csv" and not table):
        raise Http404
    blocks = [builders[table]()] if table else [build() for build in builders.values()]
    membership = active_membership(request)
    record_event(action="insights.exported", actor=request.user,
                 organisation=membership.organisation if membership else None, object_type="insights_table",
                 object_id=table or "all", details={"table": table or "all", "format": wanted, **chosen.describe()})
    stem = file_stem(chosen, table or "all")
    if wanted == "xlsx":
        return exports.xlsx_response([block_table(block) for block in blocks], f"{stem}.xlsx")
    return exports.csv_response(block_table(blocks[0]), f"{stem}.csv")
