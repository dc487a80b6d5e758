"""The insights pages, under /desk/insights/: statistics without personal data, and research."""

from django.urls import include, path

app_name = "insights"

urlpatterns = [
    path("", include("infohus.insights.urls_dashboard")),
    path("research/", include("infohus.insights.urls_research")),
]
