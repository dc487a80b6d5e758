from django.urls import path

from infohus.directory import views_public as views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("countries/", views.country_list, name="countries"),
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("projects/<slug:slug>/", views.project_detail, name="project"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("map/", views.map_page, name="map"),
    path("download/directory.csv", views.export_csv, name="export_csv"),
    path("download/directory.json", views.export_json, name="export_json"),
]
