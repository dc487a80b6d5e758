from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "infohus.privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        checks.register(records_of_processing_complete)
        checks.register(retention_minimums_known)


def records_of_processing_complete(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check` names a model added without its record of processing, as the tests do."""
    from infohus.privacy.processing import problems

    return [checks.Warning(problem, id="infohus.privacy.W001") for problem in problems()]


def retention_minimums_known(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A minimum configured for a kind that does not exist would silently protect nothing."""
    from django.conf import settings

    from infohus.privacy.retention import BY_KEY

    return [checks.Error(f"RETENTION_MINIMUM_MONTHS names {key!r}, which is not a kind of record",
                         hint=f"Kinds: {', '.join(BY_KEY)}", id="infohus.privacy.E001")
            for key in getattr(settings, "RETENTION_MINIMUM_MONTHS", {}) if key not in BY_KEY]
