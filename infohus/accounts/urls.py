from django.urls import path

from infohus.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/enrol/", views.enrol, name="enrol"),
    path("security/", views.security, name="security"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("switch-organisation/", views.switch_organisation, name="switch_organisation"),
]
