"""The shared cache is a cache only: with Redis unreachable the desk answers from the database,
logs a warning and leaves Redis alone for a while; with Redis up it is an ordinary cache."""

import logging
import socket
from typing import Any

import pytest
from django.core.cache.backends.redis import RedisCache
from django.test import Client, override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from conftest import sign_in_fully
from infohus.accounts.models import User
from infohus.core import cache as cache_module
from infohus.core.cache import ForgivingRedisCache
from tests.api import api_client

# Nothing listens on port 1, so a connection is refused at once.
UNREACHABLE = "redis://127.0.0.1:1/0"
LIVE = "redis://127.0.0.1:6379/15"
DEAD_CACHE = {"default": {"BACKEND": "infohus.core.cache.ForgivingRedisCache", "LOCATION": UNREACHABLE}}


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), 1).close()
    except OSError:
        return False
    return True


def dead_cache(**options: Any) -> ForgivingRedisCache:
    return ForgivingRedisCache(UNREACHABLE, {"OPTIONS": options})


def test_an_unreachable_redis_answers_as_an_empty_cache(caplog: pytest.LogCaptureFixture) -> None:
    cache = dead_cache(retry_seconds=0)
    with caplog.at_level(logging.WARNING, logger="infohus.cache"):
        assert cache.get("k", "default") == "default"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set("k", 1) is False
        assert cache.add("k", 1) is False
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.has_key("k") is False
        assert cache.delete("k") is False
        assert cache.get_or_set("k", 7) == 7
        with pytest.raises(ValueError, match="not found"):
            cache.incr("k")
    assert "Redis is unreachable" in caplog.text


def test_after_a_failure_redis_is_left_alone_for_the_retry_time(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    now = [1000.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: now[0])
    cache = dead_cache(retry_seconds=5)
    with caplog.at_level(logging.WARNING, logger="infohus.cache"):
        cache.get("k")
        cache.get("k")
        cache.set("k", 1)
        assert caplog.text.count("Redis is unreachable") == 1
        now[0] += 6
        cache.get("k")
    assert caplog.text.count("Redis is unreachable") == 2


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_a_live_redis_is_an_ordinary_cache_and_is_used_again_after_an_outage(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: now[0])
    cache = ForgivingRedisCache(LIVE, {"KEY_PREFIX": "infohus-test-cache"})
    cache.set("count", 1)
    assert cache.incr("count") == 2 and cache.get("count") == 2

    real_get = RedisCache.get
    failing = [True]

    def get_or_fail(self: Any, *args: Any, **kwargs: Any) -> Any:
        if failing[0]:
            raise RedisConnectionError("simulated outage")
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(RedisCache, "get", get_or_fail)
    assert cache.get("count") is None  # the outage: a miss
    failing[0] = False
    assert cache.get("count") is None  # still left alone
    now[0] += 10
    assert cache.get("count") == 2  # back
    cache.delete("count")


@pytest.mark.django_db
@override_settings(CACHES=DEAD_CACHE, SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_people_sign_in_and_work_while_redis_is_down(people: dict[str, User]) -> None:
    client = sign_in_fully(Client(), people["carl"])
    assert client.get("/desk/").status_code == 200
    assert client.get("/desk/cases/").status_code == 200


@pytest.mark.django_db
@override_settings(CACHES=DEAD_CACHE)
def test_the_api_answers_while_redis_is_down(people: dict[str, User]) -> None:
    response = api_client(people["carl"]).get("/api/v1/cases")
    assert response.status_code == 200, response.content[:300]
