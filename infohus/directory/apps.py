from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "infohus.directory"
    verbose_name = _("Practice network")

    def ready(self) -> None:
        from infohus.directory import fulltext

        # A database check: run by `manage.py check --database default` and before `migrate`.
        checks.register(fulltext.check_index, checks.Tags.database)
