"""The interventions section of the case page.

The case page has already opened the case (CaseAccess) and audited that read, so the panel reads
the case's interventions with their providers in one query, without a second audit event. Only
team members of an open case get the button to start one; break-the-glass readers read.
"""

from django.http import HttpRequest
from django.template.loader import render_to_string

from infohus.cases.models import Case
from infohus.cases.selectors.need_to_know import CaseAccess
from infohus.interventions.selectors.interventions import case_interventions


def case_panel(request: HttpRequest, access: CaseAccess) -> str:
    return render_to_string("interventions/_case_panel.html", {
        "case": access.case, "interventions": case_interventions(access),
        "may_start": access.team_member is not None and access.case.status == Case.Status.OPEN,
    }, request=request)
