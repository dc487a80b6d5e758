"""Directory editors import a country page by upload and see the past imports."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from infohus.accounts.permissions import active_membership, capability_required
from infohus.accounts.roles import Capability
from infohus.directory.forms_import import MAX_UPLOAD_BYTES, CountryPageUploadForm
from infohus.directory.importer import PageFormatError, decode_page
from infohus.directory.importing import ImportReport, import_country_page
from infohus.directory.selectors_moderation import import_batch, recent_import_batches

RECENT_BATCHES = 20


@capability_required(Capability.MODERATE_DIRECTORY)
def upload(request: HttpRequest) -> HttpResponse:
    form = CountryPageUploadForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        membership = active_membership(request)
        try:
            report = import_country_page(
                text=decode_page(upload.read()), source_name=upload.name or "upload.txt",
                imported_by=request.user, dry_run=form.cleaned_data["dry_run"],
                organisation=membership.organisation if membership else None,
            )
        except PageFormatError as error:
            form.add_error("file", str(error))
    return render(request, "directory/import/upload.html", {
        "form": form, "report": report, "max_upload_bytes": MAX_UPLOAD_BYTES,
        "batches": recent_import_batches(RECENT_BATCHES),
    })


@capability_required(Capability.MODERATE_DIRECTORY)
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "directory/import/batch.html", {"batch": import_batch(pk)})
