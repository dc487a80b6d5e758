"""The functions every view and endpoint uses to ask what the signed-in person may do.

Capabilities come from the role of the membership a person is acting in (the one chosen with
the organisation switcher), never from the user row.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_totp.models import TOTPDevice

from infohus.accounts.models import Membership
from infohus.accounts.roles import CAPABILITIES, Capability, membership_can, role_needs_second_factor

SESSION_MEMBERSHIP_KEY = "infohus_membership_id"


def _active_memberships(user: Any) -> QuerySet[Membership]:
    found = Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
    acting_in: int | None = getattr(user, "_infohus_acting_in", None)
    return found if acting_in is None else found.filter(pk=acting_in)


def act_only_in(user: Any, membership: Membership) -> None:
    """Confine this request's user to one of their memberships: every permission function and
    need-to-know selector then sees that one alone. An API token acts in the membership it was
    issued for, so that a token given to one municipality's system never reaches what its user
    may see through another membership."""
    user._infohus_acting_in = membership.pk
    user._infohus_memberships = None


def confined_organisation(user: Any) -> int | None:
    """The organisation a confined user acts for (see act_only_in); None for a page's user, who
    acts through all their memberships."""
    if getattr(user, "_infohus_acting_in", None) is None:
        return None
    memberships = memberships_of(user)
    # A confining membership that has ended confines to nothing (organisation id 0 is never used).
    return memberships[0].organisation_id if memberships else 0


def memberships_of(user: Any) -> list[Membership]:
    """Active memberships of a user, loaded once per request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached: list[Membership] | None = getattr(user, "_infohus_memberships", None)
    if cached is None:
        cached = list(_active_memberships(user).select_related("organisation").order_by("organisation__name", "role"))
        user._infohus_memberships = cached
    return cached


def organisations_with(user: Any, capability: Capability) -> QuerySet[Membership, int]:
    """Ids of the organisations in which the user holds a role with this capability, as a
    subquery (so that the lists built on it stay one query)."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none().values_list("organisation_id", flat=True)
    roles = [role.value for role, caps in CAPABILITIES.items() if capability in caps]
    return _active_memberships(user).filter(role__in=roles).values_list("organisation_id", flat=True)


def active_membership(request: HttpRequest) -> Membership | None:
    memberships = memberships_of(request.user)
    # An API call acts in the membership its token was issued for, while that stays active.
    token_membership: Membership | None = getattr(request, "api_membership", None)
    if token_membership is not None:
        return next((m for m in memberships if m.pk == token_membership.pk), None)
    chosen = request.session.get(SESSION_MEMBERSHIP_KEY)
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    return memberships[0] if memberships else None


def has_capability(request: HttpRequest, capability: Capability) -> bool:
    membership = active_membership(request)
    return membership is not None and membership_can(membership.role, membership.organisation.kind, capability)


def needs_second_factor(user: Any) -> bool:
    """Whether this user must pass a second factor before using the site: every role that can
    read personal data, and anyone who has enrolled an authenticator (else a stolen password
    would be enough to skip the code page)."""
    if any(role_needs_second_factor(m.role) for m in memberships_of(user)):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    enrolled: bool | None = getattr(user, "_infohus_enrolled", None)
    if enrolled is None:
        enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        user._infohus_enrolled = enrolled
    return enrolled


def is_fully_signed_in(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    # A token is issued only in a session that passed the second factor (or to an integration
    # by an administrator who did), so a call made with one counts as fully signed in.
    if getattr(request, "api_token", None) is not None:
        return True
    # OTPMiddleware gives the user is_verified(); it is True once the second factor is passed.
    return bool(getattr(user, "is_verified", lambda: False)()) or not needs_second_factor(user)


def require_capability(request: HttpRequest, *capabilities: Capability) -> None:
    """PermissionDenied unless fully signed in and acting in a role with one of the capabilities."""
    if not is_fully_signed_in(request) or not any(has_capability(request, c) for c in capabilities):
        raise PermissionDenied


type View = Callable[..., HttpResponse]


def capability_required(*capabilities: Capability) -> Callable[[View], View]:
    """View decorator: sign-in (with a second factor where needed) and the capability, or any one
    of several (for pages reached from more than one kind of work, such as an assessment made on a
    case or at triage; the need-to-know selectors then decide which objects the person may open)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_capability(request, *capabilities)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def signed_in_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator for pages every signed-in person may open (their own start page)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_fully_signed_in(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
