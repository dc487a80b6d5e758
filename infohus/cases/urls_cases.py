"""The case pages, under /desk/cases/ (app "cases")."""

from django.urls import path

from infohus.cases import views_cases as v

urlpatterns = [
    path("cases/", v.case_list, name="case_list"),
    path("cases/<int:pk>/", v.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", v.case_edit, name="case_edit"),
    path("cases/<int:pk>/person/", v.case_person_edit, name="case_person_edit"),
    path("cases/<int:pk>/notes/add/", v.case_note_add, name="case_note_add"),
    path("cases/<int:pk>/attachments/add/", v.case_attachment_add, name="case_attachment_add"),
    path("cases/<int:pk>/attachments/<int:attachment_pk>/", v.case_attachment, name="case_attachment"),
    path("cases/<int:pk>/team/add/", v.case_member_add, name="case_member_add"),
    path("cases/<int:pk>/team/<int:member_pk>/", v.case_member_edit, name="case_member_edit"),
    path("cases/<int:pk>/team/<int:member_pk>/remove/", v.case_member_remove, name="case_member_remove"),
    path("cases/<int:pk>/tasks/add/", v.case_task_add, name="case_task_add"),
    path("cases/<int:pk>/tasks/<int:task_pk>/done/", v.case_task_done, name="case_task_done"),
    path("cases/<int:pk>/reviews/add/", v.case_review_add, name="case_review_add"),
    path("cases/<int:pk>/consents/add/", v.case_consent_add, name="case_consent_add"),
    path("cases/<int:pk>/consents/<int:consent_pk>/withdraw/", v.case_consent_withdraw,
         name="case_consent_withdraw"),
    path("cases/<int:pk>/close/", v.case_close, name="case_close"),
    path("cases/<int:pk>/reopen/", v.case_reopen, name="case_reopen"),
    path("cases/<int:pk>/break-the-glass/", v.case_break_glass, name="case_break_glass"),
    path("break-the-glass/", v.break_glass_reviews, name="break_glass_reviews"),
    path("break-the-glass/find/", v.break_glass_find, name="break_glass_find"),
    path("break-the-glass/<int:access_pk>/reviewed/", v.break_glass_reviewed, name="break_glass_reviewed"),
]
