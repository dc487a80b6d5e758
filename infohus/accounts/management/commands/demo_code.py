from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo account (development only)."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("username")

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_code never runs with INFOHUS_ENV=production.")
        device = TOTPDevice.objects.filter(user__username=options["username"], name="Demo authenticator").first()
        if device is None:
            raise CommandError(f"No demo account named {options['username']!r}; run `manage.py demo` first.")
        self.stdout.write(f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}")
