"""Subject access pages (GDPR art. 15), for the data protection officer only: find the person,
see what is held about them, and download it as JSON or PDF with the compartments chosen."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from infohus.accounts.permissions import active_membership, capability_required
from infohus.accounts.roles import Capability
from infohus.privacy.forms_subject_access import ExportForm, FindPersonForm
from infohus.privacy.selectors import subject_access as selectors
from infohus.privacy.subject_access_pdf import export_document

JSON_TYPE = "application/json; charset=utf-8"


def _organisation(request: HttpRequest) -> object:
    membership = active_membership(request)
    return membership.organisation if membership else None


def _download(body: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@capability_required(Capability.AUDIT)
def find(request: HttpRequest) -> HttpResponse:
    # Posted, never in the address: a CPR number or a name in a query string would land in
    # access logs, proxies and the browser's history.
    form = FindPersonForm(request.POST if request.method == "POST" else None)
    found = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            found = selectors.search(
                actor=request.user, organisation=_organisation(request), reference=data["reference"],
                identifier=data["identifier"], identifier_country=data["identifier_country"] or "DK",
                name=data["name"], birth_date=data["birth_date"])
        else:
            status = 400
    return render(request, "privacy/subject_access/find.html", {"form": form, "found": found}, status=status)


@capability_required(Capability.AUDIT)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what is held, and the form. POST: the export, or the page again with what was
    missing (400), or the refusal when the person is under a legal hold (409)."""
    subject = selectors.person_or_404(pk)
    organisation = _organisation(request)
    hold = selectors.active_hold(subject)
    if hold is not None:
        selectors.refuse(actor=request.user, organisation=organisation, person=subject, hold=hold,
                         step="export" if request.method == "POST" else "view")
        return render(request, "privacy/subject_access/refused.html", {"person": subject, "hold": hold},
                      status=409 if request.method == "POST" else 200)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fmt = form.cleaned_data["format"]
        result = selectors.export(actor=request.user, organisation=organisation, person=subject,
                                  released=form.cleaned_data["compartments"], formats=[fmt])
        stamp = result.generated_at.strftime("%Y%m%d")
        if fmt == "pdf":
            body = export_document(result).output_bytes()
            return _download(body, content_type="application/pdf", filename=f"subject-access-{pk}-{stamp}.pdf")
        return _download(selectors.as_json(result).encode("utf-8"), content_type=JSON_TYPE,
                         filename=f"subject-access-{pk}-{stamp}.json")
    rows = selectors.view(actor=request.user, organisation=organisation, person=subject)
    return render(request, "privacy/subject_access/person.html", {
        "person": subject, "form": form, "rows": rows, "compartments": selectors.COMPARTMENT_CHOICES,
        "total": sum(row.total for row in rows), "title": _("What Infohus holds about %(name)s") % {"name": subject},
    }, status=400 if request.method == "POST" else 200)
