"""The assessments section of the case page and of the triage page of a concern.

The page has already opened the case (CaseAccess) or the concern (concern_for_triage) and
audited that read, so the panel builds its Holder from what the page has, without a second
audit event, and reads the latest assessments in one query.
"""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from infohus.assessments.selectors import recording as pages
from infohus.assessments.selectors.access import holder_of_case_access, holder_of_triaged_concern
from infohus.cases.models import Concern
from infohus.cases.selectors.need_to_know import CaseAccess


def case_panel(request: HttpRequest, access: CaseAccess) -> str:
    holder = holder_of_case_access(access)
    return render_to_string("assessments/_case_panel.html", {
        "holder": holder, "case": access.case, "assessments": pages.latest_of(holder),
    }, request=request)


def concern_panel(request: HttpRequest, concern: Concern) -> str:
    holder = holder_of_triaged_concern(request.user, concern)
    if not holder.compartments:
        return ""
    context: dict[str, Any] = {"holder": holder, "concern": concern, "assessments": pages.latest_of(holder)}
    return render_to_string("assessments/_concern_panel.html", context, request=request)
