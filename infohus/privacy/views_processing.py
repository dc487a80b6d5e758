"""The records of processing (GDPR art. 30): a page and a CSV download for every signed-in person.
They hold no personal data (they describe the platform, not anyone in it), so nothing is audited."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from infohus.accounts.permissions import signed_in_required
from infohus.core.exports import csv_response
from infohus.privacy.selectors.processing import processing_table, records_of_processing


@signed_in_required
def processing(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/processing/records.html", {"areas": records_of_processing()})


@signed_in_required
def processing_csv(request: HttpRequest) -> HttpResponse:
    filename = f"records-of-processing-{timezone.localdate().isoformat()}.csv"
    return csv_response(processing_table(records_of_processing()), filename)
