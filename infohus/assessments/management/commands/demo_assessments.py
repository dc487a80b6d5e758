from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from infohus.assessments.demo import DemoNotReady, create_demo_assessments


class Command(BaseCommand):
    help = ("Add synthetic assessments to the demo case and the concern waiting for the Info house "
            "(never in production). Needs demo, demo_desk and load_instruments first.")

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo never runs with INFOHUS_ENV=production.")
        try:
            made = create_demo_assessments()
        except DemoNotReady as missing:
            raise CommandError(str(missing)) from None
        if made.total:
            self.stdout.write(f"Demo assessments: {made.on_case} on the demo case (carl leads, mads mentors), "
                              f"{made.at_triage} Info-house analysis at triage.")
        else:
            self.stdout.write("Demo assessments already present.")
