"""Data protection pages: the records of processing, under /privacy/processing/."""

from django.urls import path

from infohus.privacy import views_processing as views

urlpatterns = [
    path("", views.processing, name="processing"),
    path("records.csv", views.processing_csv, name="processing_csv"),
]
