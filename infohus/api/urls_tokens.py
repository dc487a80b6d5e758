"""My API tokens (every signed-in person) and integrations (system administrators), under
/accounts/api/."""

from django.urls import path

from infohus.api import views_tokens as views

app_name = "api_tokens"
urlpatterns = [
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_new, name="token_new"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("integrations/", views.integration_list, name="integration_list"),
    path("integrations/new/", views.integration_new, name="integration_new"),
    path("integrations/<int:pk>/", views.integration_detail, name="integration_detail"),
    path("integrations/<int:pk>/tokens/new/", views.integration_token_new, name="integration_token_new"),
    path("integrations/<int:pk>/tokens/<int:token_pk>/revoke/", views.integration_token_revoke,
         name="integration_token_revoke"),
    path("integrations/<int:pk>/switch-off/", views.integration_switch_off, name="integration_switch_off"),
]
