"""Shared test people and helpers. Every test uses the same named, synthetic people (see
infohus/accounts/people.py): ida the Info-house coordinator, carl the case worker, mads a
mentor, otto a mentor in another municipality, anders the analyst, sofie the administrator…"""

from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from infohus.accounts.demo import create_demo_accounts
from infohus.accounts.models import User
from infohus.accounts.people import DEMO_PASSWORD


@pytest.fixture
def people(db: None) -> dict[str, User]:
    """All named people, one per role (two mentors), each with a confirmed authenticator."""
    return create_demo_accounts(password=DEMO_PASSWORD)


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in_fully(client: Client, user: User) -> Client:
    """Sign in through the real pages: password, then the current second-factor code."""
    response = client.post("/accounts/sign-in/", {"username": user.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        # A code may be used once: move the device's last step back so that tests can sign
        # the same person in more than once within one 30-second window.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        response = client.post("/accounts/second-factor/", {"code": current_code(user)})
        assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture
def signed_in(people: dict[str, User]) -> Callable[[str], Client]:
    """signed_in("ida") gives a client signed in as ida with her second factor passed."""

    def make(username: str) -> Client:
        return sign_in_fully(Client(), people[username])

    return make


@pytest.fixture
def authz_world(people: dict[str, User]) -> dict[str, object]:
    """Objects that need-to-know rows of the authorisation matrix point at. Apps add theirs
    through fixtures named authz_world_<app> in their own conftest, collected here."""
    return {"people": people}


@pytest.fixture(autouse=True)
def _english(settings: object) -> Iterator[None]:
    # Tests assert English text; the site's default language is Danish. Tests of the Danish
    # pages ask for Danish explicitly.
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Uploaded files of tests never land in the project's media folder.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    # Argon2 is the production hasher (pinned by a test of its own); tests hash with MD5 so
    # that hundreds of sign-ins stay quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_statistics(settings: object) -> None:
    # The dashboard caches its figures for some minutes; tests change the data between two
    # requests and expect new figures. The cache's own test turns it on.
    settings.INSIGHTS_CACHE_SECONDS = 0  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # API rate and failed-call counters live in the cache; one test's calls must not answer 429
    # in the next.
    from django.core.cache import cache

    cache.clear()
