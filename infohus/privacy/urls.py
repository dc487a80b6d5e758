"""The data protection pages, under /privacy/: records of processing, retention and legal holds,
subject access."""

from django.urls import include, path

app_name = "privacy"

urlpatterns = [
    path("processing/", include("infohus.privacy.urls_processing")),
    path("retention/", include("infohus.privacy.urls_retention")),
    path("subject-access/", include("infohus.privacy.urls_subject_access")),
]
