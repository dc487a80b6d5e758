"""Fixtures of the API app's tests. Rate limits and failed-call counters live in the cache, which
outlives a test: every test here starts with an empty one."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
