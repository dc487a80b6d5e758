from django.urls import path

from infohus.sso import views

app_name = "sso"
urlpatterns = [
    path("sign-out/", views.sign_out, name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("<slug:slug>/begin/", views.begin, name="begin"),
    path("<slug:slug>/callback/", views.callback, name="callback"),
]
