"""Insights pages: research projects and their extracts (views_research.py)."""

from django.urls import path

from infohus.insights import views_research as research

urlpatterns = [
    path("", research.project_list, name="research_list"),
    path("new/", research.project_new, name="research_new"),
    path("<int:pk>/", research.project_detail, name="research_detail"),
    path("<int:pk>/decide/", research.project_decide, name="research_decide"),
    path("<int:pk>/extract/", research.project_extract, name="research_extract"),
]
