"""Data protection pages: processing."""

urlpatterns: list = []
