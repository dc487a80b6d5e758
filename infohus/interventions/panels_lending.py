"""The lending section of the case page: the case's requests to borrow a mentor (reference,
lending municipality, status), and for case managers the way to ask for one.

The case page has opened the case (CaseAccess) and audited that read; the panel reads the case's
requests in one query and audits nothing more. The requests link to their page only for case
managers: the lending page is for the borrowing municipality's case managers.
"""

from django.http import HttpRequest
from django.template.loader import render_to_string

from infohus.accounts.permissions import has_capability
from infohus.accounts.roles import Capability
from infohus.cases.selectors.need_to_know import CaseAccess
from infohus.cases.services.cases import can_manage
from infohus.interventions.selectors.lending import case_lendings


def case_panel(request: HttpRequest, access: CaseAccess) -> str:
    # The lead or a case manager of the owner, acting in a role that manages cases (the lending
    # pages ask for that capability).
    may_manage = can_manage(access) and has_capability(request, Capability.MANAGE_CASE)
    requests = case_lendings(access)
    if not requests and not may_manage:
        return ""
    case = access.case
    return render_to_string("interventions/_lending_panel.html", {
        "case": case, "requests": requests, "may_manage": may_manage,
        "may_borrow": may_manage and case.status == case.Status.OPEN,
    }, request=request)
