from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from infohus.cases.demo import create_demo_desk


class Command(BaseCommand):
    help = "Add a few synthetic concerns and a case to the demo (never in production)."

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo never runs with INFOHUS_ENV=production.")
        made = create_demo_desk()
        self.stdout.write("Demo desk: three synthetic concerns and one case (carl leads, mads mentors)."
                          if made else "Demo desk already present.")
