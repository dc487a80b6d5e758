"""The shared cache (Redis) as a cache only: when Redis cannot be reached the desk goes on.

Everything the cache holds has its copy elsewhere: sessions are in the database (cached_db),
statistics and directory facets are computed again, and sign-in throttling (django-axes) counts
in the database. What is lost while Redis is away is speed and the API's and the directory
form's rate limits, which let requests through rather than refuse everyone; a warning is
logged so that an operator hears of it.

After a failure the process leaves Redis alone for a few seconds (REDIS_RETRY_SECONDS) instead
of paying a connection timeout on every cache call of every request.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("infohus.cache")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class ForgivingRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache that stores nothing while Redis is
    unreachable. OPTIONS["retry_seconds"] sets the pause after a failure (default 5)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("retry_seconds", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0

    def _call(self, fallback: Any, operation: Callable[..., Any], *args: Any) -> Any:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return operation(*args)
        except UNREACHABLE as error:
            self._down_until = time.monotonic() + self.retry_seconds
            logger.warning("Redis is unreachable (%s); the cache is bypassed for %g s", error, self.retry_seconds)
            return fallback

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call(default, super().get, key, default, version)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call(False, super().has_key, key, version)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(False, super().add, key, value, timeout, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> Any:
        return self._call(False, super().set, key, value, timeout, version)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        # Every key counts as not stored.
        return self._call(list(data), super().set_many, data, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._call(False, super().delete, key, version)

    def delete_many(self, keys: Any, version: int | None = None) -> Any:
        return self._call(None, super().delete_many, keys, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # As for a key that is not there (ValueError), so that a caller's "start the count"
        # branch runs; that branch's set() is then bypassed too.
        missing = object()
        result = self._call(missing, super().incr, key, delta, version)
        if result is missing:
            raise ValueError(f"Key {key!r} not found (the cache is unreachable).")
        return int(result)

    def clear(self) -> bool:
        return self._call(False, super().clear)
