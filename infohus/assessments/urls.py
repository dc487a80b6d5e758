"""The assessments app's pages, under /desk/: instrument authoring, recording, progress."""

from django.urls import path

from infohus.assessments import views_instruments as instruments
from infohus.assessments import views_progress as progress
from infohus.assessments import views_recording as recording

app_name = "assessments"

urlpatterns = [
    # Authoring instruments (views_instruments.py)
    path("instruments/", instruments.instrument_list, name="instrument_list"),
    path("instruments/new/", instruments.instrument_new, name="instrument_new"),
    path("instruments/versions/<int:pk>/", instruments.version_detail, name="version_detail"),
    path("instruments/versions/<int:pk>/new-version/", instruments.version_new_draft, name="version_new_draft"),
    path("instruments/versions/<int:pk>/publish/", instruments.version_publish, name="version_publish"),
    path("instruments/versions/<int:pk>/discard/", instruments.version_discard, name="version_discard"),
    path("instruments/versions/<int:pk>/sections/new/", instruments.section_add, name="section_add"),
    path("instruments/versions/<int:pk>/sections/<int:section_pk>/", instruments.section_edit, name="section_edit"),
    path("instruments/versions/<int:pk>/sections/<int:section_pk>/remove/", instruments.section_remove,
         name="section_remove"),
    path("instruments/versions/<int:pk>/sections/<int:section_pk>/move/", instruments.section_move,
         name="section_move"),
    path("instruments/versions/<int:pk>/sections/<int:section_pk>/fields/new/", instruments.field_add,
         name="field_add"),
    path("instruments/versions/<int:pk>/fields/<int:field_pk>/", instruments.field_edit, name="field_edit"),
    path("instruments/versions/<int:pk>/fields/<int:field_pk>/remove/", instruments.field_remove,
         name="field_remove"),
    path("instruments/versions/<int:pk>/fields/<int:field_pk>/move/", instruments.field_move, name="field_move"),
    # Recording (views_recording.py)
    path("cases/<int:case_pk>/assessments/new/", recording.case_start, name="case_start"),
    path("triage/concerns/<int:concern_pk>/assessments/new/", recording.concern_start, name="concern_start"),
    path("assessments/<int:pk>/", recording.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/edit/", recording.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/discard/", recording.assessment_discard, name="assessment_discard"),
    path("assessments/<int:pk>/correct/", recording.assessment_correct, name="assessment_correct"),
    path("assessments/<int:pk>/files/", recording.file_add, name="file_add"),
    path("assessments/<int:pk>/files/<int:attachment_pk>/", recording.file_download, name="file_download"),
    path("assessments/<int:pk>/files/<int:attachment_pk>/remove/", recording.file_remove, name="file_remove"),
    # Progress, comparison and print (views_progress.py)
    path("cases/<int:case_pk>/assessments/", progress.case_progress, name="case_progress"),
    path("cases/<int:case_pk>/assessments/progress.pdf", progress.case_progress_pdf, name="case_progress_pdf"),
    path("assessments/<int:pk>/summary.pdf", progress.assessment_pdf, name="assessment_pdf"),
    path("assessments/<int:pk>/compare/", progress.assessment_compare, name="assessment_compare"),
]
