from django.urls import path

from infohus.core import views

app_name = "core"

urlpatterns = [
    path("", views.front, name="front"),
    path("desk/", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
]
