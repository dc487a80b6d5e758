"""Insights pages: the analyst's dashboard and its downloads (namespace "insights")."""

from django.urls import path

from infohus.insights import views_dashboard as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.export, name="dashboard_export"),
]
