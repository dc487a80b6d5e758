"""Insights pages: research. Filled by its own module of views."""

urlpatterns: list = []
