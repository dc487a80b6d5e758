"""Data protection pages: subject_access."""

urlpatterns: list = []
