"""Progress over time, two assessments side by side, and printable summaries (PDF).

Every page starts from the access selectors (holder_for_case, assessment_for_user), which fetch
and authorise in one call, answer 404 outside the need-to-know or the compartment, and audit the
read. The reads are in selectors/reads.py and the drawing of the PDF in pdf.py; the views shape
what the selectors give for the templates and the charts. Nothing here computes a figure from the
answers: scale values go to the charts and the tables as they were given.
"""

import re
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infohus.accounts.permissions import capability_required
from infohus.accounts.roles import Capability
from infohus.assessments import pdf
from infohus.assessments.models import Assessment
from infohus.assessments.selectors import reads
from infohus.assessments.selectors.access import Holder, assessment_for_user, holder_for_case
from infohus.audit.services import record_event

TIMELINE_PAGE_SIZE = 50
# Every triage role can work on a case too, so one capability covers the assessments of both.
work_required = capability_required(Capability.WORK_ON_CASE)


def _day(assessment: Assessment) -> str:
    return assessment.assessed_on.strftime("%Y-%m-%d")


# --- progress of a case ------------------------------------------------------------------------

class CompareForm(forms.Form):
    """Two signed assessments of one instrument, chosen on the progress page."""

    first = forms.TypedChoiceField(label=gettext_lazy("First assessment"), coerce=int)
    second = forms.TypedChoiceField(label=gettext_lazy("Second assessment"), coerce=int)

    def __init__(self, *args: Any, instruments: list[tuple[int, str, list[Assessment]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_pk = {a.pk: a for _pk, _name, items in instruments for a in items}
        choices: list[Any] = [("", _("Choose an assessment"))]
        for _pk, name, items in instruments:
            choices.append((name, [(a.pk, _("%(day)s, version %(number)s")
                                    % {"day": _day(a), "number": a.version.number}) for a in reversed(items)]))
        for name in ("first", "second"):
            cast(forms.ChoiceField, self.fields[name]).choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = self.by_pk.get(data.get("first", 0)), self.by_pk.get(data.get("second", 0))
        if first is not None and second is not None:
            if first.pk == second.pk:
                self.add_error("second", _("Choose two different assessments."))
            elif first.version.instrument_id != second.version.instrument_id:
                self.add_error("second", _("Choose an assessment made with the same instrument as the first one "
                                           "(%(instrument)s).") % {"instrument": first.version.instrument.name})
        return data


def _series_payload(chart: reads.ScaleChart) -> dict[str, Any]:
    return {
        "kind": "line",
        "labels": [_day(row.assessment) for row in chart.rows],
        "series": [{"label": s.label, "values": [row.values[n] for row in chart.rows]}
                   for n, s in enumerate(chart.series)],
        "min": 0, "max": 10,
        "yTitle": _("Scale from 0 to 10"), "xTitle": _("Date of the assessment"),
    }


def _wheel_payload(wheel: reads.WheelChart) -> dict[str, Any]:
    series = []
    if wheel.previous is not None:
        series.append({"label": _("Previous, %(day)s") % {"day": _day(wheel.previous)},
                       "values": wheel.previous_values, "role": "previous"})
    series.append({"label": _("Latest, %(day)s") % {"day": _day(wheel.latest)}, "values": wheel.latest_values,
                   "role": "latest"})
    return {"kind": "radar", "labels": [label for _key, label in wheel.areas], "series": series, "min": 0, "max": 10}


def _charts(progress: reads.Progress) -> dict[str, Any]:
    scales = []
    for chart in progress.scale_charts:
        slug = f"scale-{chart.instrument_id}-{chart.field_key}"
        scales.append({"chart": chart, "id": slug, "data_id": f"{slug}-data", "payload": _series_payload(chart)})
    wheels = []
    for wheel in progress.wheels:
        slug = f"wheel-{wheel.instrument_id}"
        rows = [{"label": label, "previous": wheel.previous_values[n] if wheel.previous_values else None,
                 "latest": wheel.latest_values[n]} for n, (_key, label) in enumerate(wheel.areas)]
        wheels.append({"wheel": wheel, "id": slug, "data_id": f"{slug}-data", "payload": _wheel_payload(wheel),
                       "rows": rows})
    return {"scale_charts": scales, "wheels": wheels}


@work_required
def case_progress(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The case's assessments: the timeline, each participant's scale over time, the latest
    rating of each wheel over the one before, and a choice of two to compare."""
    holder = holder_for_case(request.user, case_pk, purpose="assessment progress")
    progress = reads.progress(holder)
    form = CompareForm(request.GET if "first" in request.GET else None, instruments=progress.instruments)
    if form.is_bound and form.is_valid():
        url = reverse("assessments:assessment_compare", args=[form.cleaned_data["first"]])
        return redirect(f"{url}?{urlencode({'with': form.cleaned_data['second']})}")
    page = Paginator(reads.timeline(holder), TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessments/progress/case.html", {
        "holder": holder, "case": holder.case, "access": holder.case_access, "page": page,
        "progress": progress, "compare_form": form, "comparable": any(len(items) > 1 for _pk, _n, items in
                                                                      progress.instruments),
        **_charts(progress),
    })


# --- two side by side --------------------------------------------------------------------------

def _holder_url(holder: Holder) -> str:
    if holder.case is not None:
        return reverse("assessments:case_progress", args=[holder.case.pk])
    return ""


@work_required
def assessment_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two assessments of one instrument side by side by section; without ?with=, a choice of
    the others of the same instrument on the same case."""
    purpose = "assessment comparison"
    access = assessment_for_user(request.user, pk, purpose=purpose)
    other = request.GET.get("with", "").strip()
    context: dict[str, Any] = {"access": access, "assessment": access.assessment, "holder": access.holder,
                               "back_url": _holder_url(access.holder)}
    if not other:
        context["choices"] = list(reads.comparable_with(access.holder, access.assessment))
        return render(request, "assessments/progress/compare_choose.html", context)
    if not other.isdigit():
        context.update(choices=list(reads.comparable_with(access.holder, access.assessment)),
                       error=_("Choose an assessment from the list."))
        return render(request, "assessments/progress/compare_choose.html", context, status=400)
    other_access = assessment_for_user(request.user, int(other), purpose=purpose)
    try:
        comparison = reads.comparison(access, other_access)
    except reads.NotComparable as error:
        context.update(choices=list(reads.comparable_with(access.holder, access.assessment)), error=str(error))
        return render(request, "assessments/progress/compare_choose.html", context, status=400)
    return render(request, "assessments/progress/compare.html", {**context, "comparison": comparison})


# --- printable summaries -----------------------------------------------------------------------

def _filename(reference: str, what: str, day: str) -> str:
    """A file name from the reference (no names of people in it)."""
    safe = re.sub(r"[^A-Za-z0-9-]+", "-", reference).strip("-") or "assessment"
    return f"{safe}-{what}-{day}.pdf"


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _printed(request: HttpRequest) -> pdf.Printed:
    return pdf.Printed(by=request.user, at=timezone.now())


@work_required
def assessment_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One assessment for a case conference. Printing is a read of personal data: audited as such
    (by the access selector) and as a print."""
    purpose = "assessment summary: print"
    access = assessment_for_user(request.user, pk, purpose=purpose)
    assessment = access.assessment
    fields = reads.fields_of({assessment.version_id})[assessment.version_id]
    document = pdf.assessment_document(access=access, sections=reads.answer_rows(assessment, fields),
                                       attachments=list(reads.attachments_of(assessment)), printed=_printed(request))
    content = document.output_bytes()
    record_event(action="assessment.printed", actor=request.user, object_type="assessment", object_id=assessment.pk,
                 person_id=assessment.person_id or "", purpose=purpose,
                 details={**access.holder.audit_details(), "compartment": assessment.compartment,
                          "status": assessment.status})
    refs = pdf.references(access)
    reference = refs[0][1] if refs else str(assessment.pk)
    return _pdf_response(content, _filename(reference, f"assessment-{assessment.pk}", _day(assessment)))


@work_required
def case_progress_pdf(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The progress of a case for a case conference: the signed assessments, each participant
    scale as a chart and a table, and the wheels. Audited as a read and as a print."""
    purpose = "assessment progress: print"
    holder = holder_for_case(request.user, case_pk, purpose=purpose)
    assert holder.case is not None
    progress = reads.progress(holder)
    content = pdf.progress_document(case=holder.case, progress=progress, printed=_printed(request)).output_bytes()
    record_event(action="assessment.progress_printed", actor=request.user, object_type="case",
                 object_id=holder.case.pk, person_id=holder.case.person_id, purpose=purpose,
                 details={"assessments": [a.pk for a in progress.assessments],
                          "compartments": sorted(holder.compartments)})
    return _pdf_response(content, _filename(holder.case.reference, "assessments",
                                            timezone.localdate().strftime("%Y-%m-%d")))
