from django.urls import include, path
from django.views.i18n import set_language

from infohus.accounts.admin import admin_site
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
    path("accounts/", include("infohus.accounts.urls")),
    path("audit/", include("infohus.audit.urls")),
    path("privacy/", include("infohus.privacy.urls")),
    path("i18n/set-language/", set_language, name="set_language"),
    path("admin/", admin_site.urls),
]
