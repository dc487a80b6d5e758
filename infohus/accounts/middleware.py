import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from infohus.accounts.permissions import needs_second_factor
from infohus.accounts.services import SESSION_SIGNED_IN_AT, sign_out


class SessionLifetimeMiddleware:
    """Ends a session that has lasted longer than the absolute lifetime, however active.

    The idle timeout is the session's own expiry (SESSION_COOKIE_AGE, renewed on each request).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_SIGNED_IN_AT, 0)
            if time.time() - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
                sign_out(request)
                response = redirect(settings.LOGIN_URL)
                # MessageMiddleware sits inside this one and has not run yet, so the notice is
                # stored on the response here (messages.info would raise MessageFailure).
                notices = default_storage(request)
                notices.add(messages.INFO, _("Your session has ended. Please sign in again."))
                notices.update(response)
                return response
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Until the second factor is passed, a signed-in person can only finish signing in."""

    EXEMPT_URL_NAMES = (
        "accounts:second_factor", "accounts:enrol", "accounts:sign_out", "core:healthz", "set_language",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: set[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified() and needs_second_factor(user):  # type: ignore[union-attr]
            if self._exempt is None:
                self._exempt = {reverse(name) for name in self.EXEMPT_URL_NAMES}
            if request.path not in self._exempt and not request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
                enrolled = user.totpdevice_set.filter(confirmed=True).exists()  # type: ignore[union-attr]
                return redirect("accounts:second_factor" if enrolled else "accounts:enrol")
        return self.get_response(request)
