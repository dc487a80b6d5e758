"""Importing country pages: directory editors only."""

from django.urls import path

from infohus.directory import views_import

urlpatterns = [
    path("import/", views_import.upload, name="import_upload"),
    path("import/<int:pk>/", views_import.batch, name="import_batch"),
]
