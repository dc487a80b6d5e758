"""Background work for system administrators: failed tasks and the queue (views.py)."""

from django.urls import path

from infohus.background import views

app_name = "background"
urlpatterns = [
    path("", views.failures, name="failures"),
    path("failures/<int:pk>/try-again/", views.failure_retry, name="failure_retry"),
    path("failures/<int:pk>/dismiss/", views.failure_dismiss, name="failure_dismiss"),
]
