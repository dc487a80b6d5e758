from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackgroundConfig(AppConfig):
    name = "infohus.background"
    verbose_name = _("Background work")

    def ready(self) -> None:
        from infohus.background import receivers  # noqa: F401  (connects the task signals)
