from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from infohus.insights.demo import HISTORY_SIZE, create_history


class Command(BaseCommand):
    help = "Add thirty months of synthetic decided concerns and closed cases, for the statistics (never in production)."

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo never runs with INFOHUS_ENV=production.")
        if not create_history():
            self.stdout.write("Demo history already present.")
            return
        self.stdout.write(f"Demo history: {HISTORY_SIZE} synthetic decided concerns over thirty months, "
                          "with the cases, interventions and sessions of the statutory offers.")
