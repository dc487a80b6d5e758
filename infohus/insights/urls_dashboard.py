"""Insights pages: dashboard. Filled by its own module of views."""

urlpatterns: list = []
