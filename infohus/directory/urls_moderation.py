"""Get involved, EU networks and About (public), and moderation (directory editors)."""

from django.urls import path

from infohus.directory import views_moderation as views

app_name = "directory"

urlpatterns = [
    path("get-involved/", views.get_involved, name="get_involved"),
    path("get-involved/thank-you/", views.get_involved_thanks, name="get_involved_thanks"),
    path("get-involved/changes/<str:token>/", views.resubmit, name="resubmit"),
    path("eu-networks/", views.eu_networks, name="eu_networks"),
    path("eu-networks/new/", views.eu_network_create, name="eu_network_create"),
    path("eu-networks/<int:pk>/edit/", views.eu_network_edit, name="eu_network_edit"),
    path("eu-networks/<int:pk>/delete/", views.eu_network_delete, name="eu_network_delete"),
    path("about/", views.about, name="about"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("moderation/<int:pk>/edit/", views.submission_edit, name="submission_edit"),
    path("moderation/<int:pk>/approve/", views.submission_approve, name="submission_approve"),
    path("moderation/<int:pk>/reject/", views.submission_reject, name="submission_reject"),
    path("moderation/<int:pk>/request-changes/", views.submission_request_changes, name="submission_request_changes"),
]
