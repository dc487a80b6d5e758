from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from infohus.community.demo import DemoNotReady, create_demo_community
from infohus.community.demo_youth import create_demo_youth


class Command(BaseCommand):
    help = ("Add Aarhus's community partners with their contacts, dialogue meetings with topics and follow-ups, "
            "and outreach events to the demo (never in production); then the youth cohorts and ambassadors. "
            "Needs `manage.py demo` first.")

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo never runs with INFOHUS_ENV=production.")
        try:
            made = create_demo_community()
        except DemoNotReady as missing:
            raise CommandError(str(missing)) from None
        if made.total:
            self.stdout.write(
                f"Demo community: {made.partners} partners of Aarhus with {made.contacts} consenting contacts; "
                f"{made.meetings} dialogue meetings (one held, one upcoming) with {made.topics} topics and "
                f"{made.follow_ups} follow-ups (one overdue); {made.events} outreach events with evaluations.")
        else:
            self.stdout.write("Demo community already present.")
        try:
            youth = create_demo_youth()
        except DemoNotReady as missing:
            raise CommandError(str(missing)) from None
        self.stdout.write(f"Demo youth cohorts and ambassadors: {youth} records made." if youth
                          else "Demo youth cohorts and ambassadors already present.")
