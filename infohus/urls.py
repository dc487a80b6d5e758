from django.urls import include, path
from django.views.i18n import set_language

from infohus.accounts.admin import admin_site
from infohus.api.desk import api as desk_api
from infohus.directory.api import api as directory_api

urlpatterns = [
    path("", include("infohus.core.urls")),
    path("network/", include("infohus.directory.urls")),
    path("desk/", include("infohus.cases.urls")),
    path("desk/", include("infohus.assessments.urls")),
    path("desk/", include("infohus.interventions.urls")),
    path("desk/training/", include("infohus.training.urls")),
    path("desk/community/", include("infohus.community.urls")),
    path("desk/insights/", include("infohus.insights.urls")),
    path("api/v1/directory/", directory_api.urls),
    path("api/v1/", desk_api.urls),
    path("accounts/sso/", include("infohus.sso.urls")),
    path("accounts/api/", include("infohus.api.urls_tokens")),
    path("background/", include("infohus.background.urls")),
    path("accounts/", include("infohus.accounts.urls")),
    path("audit/", include("infohus.audit.urls")),
    path("privacy/", include("infohus.privacy.urls")),
    path("i18n/set-language/", set_language, name="set_language"),
    path("admin/", admin_site.urls),
]
