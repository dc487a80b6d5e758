from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "infohus.interventions"
    verbose_name = _("Interventions and the mentor corps")

    def ready(self) -> None:
        # The case page shows the case's interventions and its lending requests (see cases/panels.py).
        from infohus.cases.panels import register_case_panel
        from infohus.interventions import panels_interventions, panels_lending

        register_case_panel(panels_interventions.case_panel)
        register_case_panel(panels_lending.case_panel)
