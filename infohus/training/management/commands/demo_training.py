"""`manage.py demo_training`: the demo's course catalogue, runs, enrolments, attendance and
certificates, with answers before and after on the PSP course; then the requirement for resource persons."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from infohus.training.demo import DemoNotReady, create_demo_training
from infohus.training.demo_compliance import create_demo_requirements


class Command(BaseCommand):
    help = ("Add the course catalogue, runs with enrolments, attendance and certificates, the course evaluation and "
            "the requirement for resource persons to the demo (never in production). Needs `manage.py demo` first.")

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo never runs with INFOHUS_ENV=production.")
        try:
            made = create_demo_training()
        except DemoNotReady as missing:
            raise CommandError(str(missing)) from None
        if made.total:
            self.stdout.write(
                f"Demo training: {made.courses} courses, {made.runs} runs, {made.enrolments} enrolments, "
                f"{made.certificates} certificates issued.")
        else:
            self.stdout.write("Demo training already present.")
        requirements = create_demo_requirements()
        self.stdout.write(f"Demo requirements: {len(requirements)} (made, or already present).")
