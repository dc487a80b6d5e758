from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "infohus.api"
    label = "desk_api"  # "api" is too generic a label to be sure of among installed apps
    verbose_name = _("JSON API")
