"""`manage.py demo_training`: the demo's course catalogue, runs, enrolments, attendance and
certificates, then the evaluation and requirement demos where those parts are installed."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from infohus.training.demo import DemoNotReady, create_demo_training

# Parts of the training demo written elsewhere, called after the runs exist: (module, function).
FOLLOWING = (
    ("infohus.training.demo_evaluation", "create_demo_evaluation"),
    ("infohus.training.demo_compliance", "create_demo_requirements"),
)


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
        for module, name in FOLLOWING:
            function = getattr(import_module(module), name, None) if find_spec(module) else None
            if callable(function):
                function()
                self.stdout.write(f"Ran {module}.{name}.")
