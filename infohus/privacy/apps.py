from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "infohus.privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        checks.register(records_of_processing_complete)


def records_of_processing_complete(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check` names a model added without its record of processing, as the tests do."""
    from infohus.privacy.processing import problems

    return [checks.Warning(problem, id="infohus.privacy.W001") for problem in problems()]
