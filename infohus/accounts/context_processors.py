from typing import Any

from django.http import HttpRequest

from infohus.accounts.permissions import active_membership, memberships_of
from infohus.accounts.roles import CAPABILITIES, Role


def membership(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = active_membership(request)
    capabilities = {c.value for c in CAPABILITIES[Role(current.role)]} if current else set()
    return {"active_membership": current, "memberships": memberships_of(request.user), "capabilities": capabilities}
