from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from infohus.interventions.demo import DemoNotReady, create_demo_interventions


class Command(BaseCommand):
    help = ("Add the mentor corps, a course of mentoring on the demo case, an anonymous advice consultation and "
            "a lending request to the demo (never in production). Needs demo and demo_desk first; "
            "demo_assessments is optional.")

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo never runs with INFOHUS_ENV=production.")
        try:
            made = create_demo_interventions()
        except DemoNotReady as missing:
            raise CommandError(str(missing)) from None
        if made.total:
            self.stdout.write(
                f"Demo interventions: {made.profiles} members of the mentor corps, {made.pairings} coach pairings, "
                f"{made.supervisions} supervisions; {made.interventions} course of mentoring on the demo case "
                f"(mads mentors) with {made.goals} goals and {made.sessions} sessions; {made.advice} anonymous "
                f"advice consultation; {made.lending} lending request from Aarhus to Randers.")
        else:
            self.stdout.write("Demo interventions already present.")
