"""Spam protection for "Get involved" without third-party services: a honeypot field, a rate
limit per client address kept in Django's cache, and a limit on the size of a request.

The client address is never stored or used as a cache key in clear: only a keyed SHA-256 of it
(HMAC with the site's secret key), since a plain hash of an IPv4 address is easily reversed.
"""

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

# A field that people never see; a bot that fills every input fills it too. Its name means
# nothing, so that browsers' autofill leaves it alone.
HONEYPOT_FIELD = "hp_field_x7"

SUBMISSIONS_PER_WINDOW = 5
WINDOW_SECONDS = 60 * 60

# Well above the longest form a person can send within the fields' own limits (even in a
# script whose letters take several bytes each), far below Django's own upload limit.
MAX_REQUEST_BYTES = 64 * 1024

_CACHE_PREFIX = "directory:submissions:"


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR is what the audit trail records as well; a trusted proxy in front of the
    # application is expected to set it (see the deployment notes).
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def hash_client_address(address: str) -> str:
    return salted_hmac("infohus.directory.client-address", address, algorithm="sha256").hexdigest()


def honeypot_filled(request: HttpRequest) -> bool:
    return bool(request.POST.get(HONEYPOT_FIELD, "").strip())


def request_too_large(request: HttpRequest) -> bool:
    """Judged on the declared length, before the body is read."""
    declared = request.META.get("CONTENT_LENGTH")
    if not declared:
        return request.method == "POST"  # a body of unknown length (chunked) is not accepted
    try:
        length = int(declared)
    except ValueError:
        return True
    return length > MAX_REQUEST_BYTES


def rate_limited(address_hash: str) -> bool:
    """Whether this address has used up its submissions for the current window."""
    return int(cache.get(_CACHE_PREFIX + address_hash, 0)) >= SUBMISSIONS_PER_WINDOW


def count_submission(address_hash: str) -> None:
    """Count one submission. The window starts at the first one and is not extended by later
    ones, so an address is free again at most an hour after its first submission."""
    key = _CACHE_PREFIX + address_hash
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        # The key expired between add and incr: this submission opens a new window.
        cache.set(key, 1, timeout=WINDOW_SECONDS)
