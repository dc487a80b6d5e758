from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "infohus.cases"
    verbose_name = _("Concerns and cases")
