"""Info-house triage, under /desk/triage/."""

from django.urls import path

from infohus.cases import views_triage as views

urlpatterns = [
    path("triage/", views.queue, name="triage_queue"),
    path("triage/concerns/<int:pk>/", views.concern_detail, name="triage_concern"),
    path("triage/concerns/<int:pk>/take/", views.take, name="triage_take"),
    path("triage/concerns/<int:pk>/person/", views.person_search, name="triage_person_search"),
    path("triage/concerns/<int:pk>/person/link/", views.person_link, name="triage_person_link"),
    path("triage/concerns/<int:pk>/person/new/", views.person_create, name="triage_person_create"),
    path("triage/concerns/<int:pk>/disclosures/new/", views.disclosure_new, name="triage_disclosure_new"),
    path("triage/concerns/<int:pk>/decide/", views.decide, name="triage_decide"),
    path("triage/concerns/<int:pk>/agenda/", views.concern_agenda_add, name="triage_concern_agenda_add"),
    path("triage/meetings/", views.meetings, name="triage_meetings"),
    path("triage/meetings/new/", views.meeting_new, name="triage_meeting_new"),
    path("triage/meetings/<int:pk>/", views.meeting_detail, name="triage_meeting"),
    path("triage/meetings/<int:pk>/attendees/", views.attendee_add, name="triage_attendee_add"),
    path("triage/meetings/<int:pk>/agenda/", views.agenda_add, name="triage_agenda_add"),
    path("triage/meetings/<int:pk>/held/", views.meeting_held, name="triage_meeting_held"),
]
