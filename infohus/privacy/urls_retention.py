"""Data protection pages: retention."""

urlpatterns: list = []
