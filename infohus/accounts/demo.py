"""Creating the synthetic demo organisations and accounts; used by `manage.py demo` and tests."""

import hashlib
from base64 import b32encode

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.people import DEMO_PASSWORD, EXTRA_MEMBERSHIPS, ORGANISATIONS, PEOPLE


def demo_totp_key(username: str) -> str:
    """A fixed TOTP key per demo account, so that re-running the demo keeps phones working."""
    return hashlib.sha256(f"infohus-demo-totp:{username}".encode()).hexdigest()[:40]


def demo_totp_secret(username: str) -> str:
    return b32encode(bytes.fromhex(demo_totp_key(username))).decode()


@transaction.atomic
def create_demo_accounts(*, password: str = DEMO_PASSWORD) -> dict[str, User]:
    """Idempotent: creates what is missing and leaves the rest."""
    organisations: dict[str, Organisation] = {}
    for org in ORGANISATIONS:
        organisations[org.key], _ = Organisation.objects.get_or_create(
            name=org.name,
            defaults={
                "kind": org.kind, "municipality_code": org.municipality_code,
                "parent": organisations.get(org.parent),
            },
        )
    users: dict[str, User] = {}
    for person in PEOPLE:
        user, created = User.objects.get_or_create(
            username=person.username,
            defaults={"first_name": person.first_name, "last_name": person.last_name,
                      "email": f"{person.username}@demo.infohus.invalid"},
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, organisation=organisations[person.organisation], role=person.role)
        TOTPDevice.objects.get_or_create(
            user=user, name="Demo authenticator", defaults={"key": demo_totp_key(person.username), "confirmed": True}
        )
        users[person.username] = user
    # Every demo organisation sends its concerns to the one demo Info house.
    Organisation.objects.filter(pk__in=[o.pk for o in organisations.values()], info_house__isnull=True).exclude(
        pk=organisations["infohouse"].pk).update(info_house=organisations["infohouse"])
    for username, role, organisation in EXTRA_MEMBERSHIPS:
        Membership.objects.get_or_create(user=users[username], organisation=organisations[organisation], role=role)
    return users
