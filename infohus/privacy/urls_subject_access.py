"""Data protection pages: subject access (GDPR art. 15)."""

from django.urls import path

from infohus.privacy import views_subject_access as views

urlpatterns = [
    path("", views.find, name="subject_access"),
    path("<int:pk>/", views.person, name="subject_access_person"),
]
