from typing import Any

from django.http import HttpRequest

from infohus.accounts.permissions import active_membership, memberships_of
from infohus.accounts.roles import Capability, membership_can


def membership(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = active_membership(request)
    capabilities = ({c.value for c in Capability if membership_can(current.role, current.organisation.kind, c)}
                    if current else set())
    return {"active_membership": current, "memberships": memberships_of(request.user), "capabilities": capabilities}
