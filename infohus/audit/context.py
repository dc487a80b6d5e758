"""The request that is being served, so that services can stamp audit rows without a request."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None


# The default is frozen, so sharing one instance between contexts is safe.
current_request: ContextVar[RequestContext] = ContextVar("current_request", default=RequestContext())  # noqa: B039
