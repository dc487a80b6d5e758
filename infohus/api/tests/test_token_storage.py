"""What is kept of a token: a digest of its secret, never the secret; and when it was last used,
written at most once a minute so that reading through the API does not make every call a write."""

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from infohus.accounts.models import Membership, User
from infohus.api.auth import LAST_USED_RESOLUTION, TOKEN_PREFIX
from infohus.api.models import ApiToken
from infohus.api.services import issue_token
from infohus.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
People = dict[str, User]
ME = "/api/v1/me"


def issued(people: People, scopes: list[str] | None = None) -> Any:
    membership = Membership.objects.filter(user=people["ida"]).get()
    return issue_token(membership=membership, name="script", scopes=scopes or ["triage:read"], days=5,
                       actor=people["ida"])


def test_only_a_digest_of_the_secret_is_stored(people: People) -> None:
    new = issued(people)
    prefix, key_id, secret = new.secret.split("_", 2)
    assert prefix == TOKEN_PREFIX and key_id == new.token.key_id and len(secret) >= 40
    row = ApiToken.objects.filter(pk=new.token.pk).values().get()
    assert row["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in str(value) for value in row.values())
    assert not any(secret in str(value) for value in AuditEvent.objects.values_list("details", flat=True))


def test_two_tokens_never_share_a_key_id_or_secret(people: People) -> None:
    first, second = issued(people), issued(people)
    assert first.token.key_id != second.token.key_id and first.secret != second.secret


def _updates_during(call: Any) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert call().status_code == 200
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "desk_api" in q["sql"]]


def test_the_last_use_is_written_at_most_once_a_minute(people: People) -> None:
    new = issued(people)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {new.secret}")
    assert ApiToken.objects.get().last_used_at is None

    assert len(_updates_during(lambda: api.get(ME))) == 1
    first = ApiToken.objects.get().last_used_at
    assert first is not None and timezone.now() - first < LAST_USED_RESOLUTION

    # Within the minute: no write at all, the time stays.
    assert _updates_during(lambda: api.get(ME)) == []
    assert ApiToken.objects.get().last_used_at == first

    # Once the last use is more than a minute ago, the next call writes it again.
    earlier = timezone.now() - LAST_USED_RESOLUTION - timedelta(seconds=1)
    ApiToken.objects.update(last_used_at=earlier)
    assert len(_updates_during(lambda: api.get(ME))) == 1
    assert ApiToken.objects.get().last_used_at > earlier  # type: ignore[operator]
