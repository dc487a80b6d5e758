"""Data protection pages: retention rules, legal holds, the dry run, the runs and starting one now
(views_retention.py)."""

from django.urls import path

from infohus.privacy import views_retention as views

urlpatterns = [
    path("", views.rules, name="retention_rules"),
    path("rules/<slug:kind>/", views.rule_edit, name="retention_rule_edit"),
    path("holds/", views.holds, name="legal_holds"),
    path("holds/new/", views.hold_new, name="legal_hold_new"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="legal_hold_lift"),
    path("dry-run/", views.dry_run, name="retention_dry_run"),
    path("runs/", views.runs, name="retention_runs"),
    path("runs/start/", views.run_now, name="retention_run_now"),
    path("runs/<int:pk>/", views.run_detail, name="retention_run"),
]
