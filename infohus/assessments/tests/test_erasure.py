"""assessments.services.erasure: answers emptied and attached forms deleted with their files,
for the assessments of the given cases and concerns only."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from infohus.accounts.models import User
from infohus.assessments.models import Assessment, AssessmentAttachment
from infohus.assessments.services.erasure import anonymise_assessments
from infohus.assessments.tests.factories import make_assessment, published
from infohus.cases.tests.factories import make_case, make_concern

pytestmark = pytest.mark.django_db


def attach(assessment: Assessment) -> str:
    row = AssessmentAttachment(assessment=assessment, field_key="form", original_name="form.pdf",
                               content_type="application/pdf", size=5)
    row.file.save("form.pdf", ContentFile(b"%PDF-"), save=True)
    return row.file.name


def test_answers_and_files_go_for_the_given_cases_and_concerns_only(people: dict[str, User]) -> None:
    version = published()
    carl = people["carl"]
    on_case = make_assessment(version=version, author=carl, case=make_case(lead=carl), answers={"x": "worry"},
                              signed=True)
    on_concern = make_assessment(version=version, author=people["ida"], concern=make_concern(), answers={"x": "y"})
    kept = make_assessment(version=version, author=carl, case=make_case(lead=carl), answers={"x": "keep"})
    paths = [attach(on_case), attach(on_concern)]
    kept_path = attach(kept)
    now = timezone.now()

    assert anonymise_assessments(now=now, case_ids=[on_case.case_id], concern_ids=[on_concern.concern_id]) == 2

    for assessment in (on_case, on_concern):
        assessment.refresh_from_db()
        assert (assessment.answers, assessment.anonymised_at) == ({}, now)
        assert not assessment.attachments.exists()
    assert on_case.status == Assessment.Status.SIGNED
    assert not any(default_storage.exists(p) for p in paths)
    kept.refresh_from_db()
    assert kept.answers == {"x": "keep"} and default_storage.exists(kept_path)
