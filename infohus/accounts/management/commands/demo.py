from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from infohus.accounts.demo import create_demo_accounts, demo_totp_secret
from infohus.accounts.people import DEMO_PASSWORD, ORGANISATIONS, PEOPLE


class Command(BaseCommand):
    help = "Create synthetic demo organisations and one account per role (never in production)."

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo never runs with INFOHUS_ENV=production.")
        create_demo_accounts()
        self.stdout.write(self.style.SUCCESS(
            f"Demo ready: {len(ORGANISATIONS)} organisations, {len(PEOPLE)} accounts (all people are synthetic)."))
        self.stdout.write("\nSign in at http://127.0.0.1:8000/accounts/sign-in/ with any of these:\n")
        self.stdout.write(f"  {'user name':<10} {'role':<34} organisation")
        orgs = {o.key: o.name for o in ORGANISATIONS}
        for person in PEOPLE:
            self.stdout.write(f"  {person.username:<10} {person.role.label:<34} {orgs[person.organisation]}")
        self.stdout.write(f"\nPassword for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(
            "Second factor: run `.venv/bin/python manage.py demo_code <user name>` in another terminal for the\n"
            "current six-digit code, or add the account's key to an authenticator app, e.g. for ida:\n"
            f"  {demo_totp_secret('ida')}\n"
        )
