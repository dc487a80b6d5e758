"""Concerns: the reporter's form and status pages, telephone intake, local assessment."""

from django.urls import path

from infohus.cases import views_concerns as views

urlpatterns = [
    path("concerns/new/", views.concern_new, name="concern_new"),
    path("concerns/mine/", views.my_concerns, name="my_concerns"),
    path("concerns/mine/<int:pk>/", views.my_concern, name="my_concern"),
    path("concerns/telephone/", views.telephone_concern, name="telephone_concern"),
    path("concerns/local/", views.local_queue, name="local_queue"),
    path("concerns/local/<int:pk>/", views.local_concern, name="local_concern"),
    path("concerns/<int:pk>/attachments/<int:attachment_pk>/", views.concern_attachment, name="concern_attachment"),
]
