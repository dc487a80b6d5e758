from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "infohus.assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        # The case page and the triage page of a concern show this app's panel (see cases/panels.py).
        from infohus.assessments import panels
        from infohus.cases.panels import register_case_panel, register_concern_panel

        register_case_panel(panels.case_panel)
        register_concern_panel(panels.concern_panel)
