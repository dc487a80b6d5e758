"""Signing in and out through an identity provider. The work is in services; these views pass the
request on and answer a refusal with a page that says why in plain words."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from infohus.accounts.permissions import is_fully_signed_in
from infohus.sso import selectors, services
from infohus.sso.models import Provider
from infohus.sso.refusals import EXPLANATIONS, Reason, SignInRefused


def _safe_next(request: HttpRequest, target: str) -> str:
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _refused(request: HttpRequest, provider: Provider, refusal: SignInRefused) -> HttpResponse:
    status, what, then = EXPLANATIONS[refusal.reason]
    # Only the provider's own error code and words are shown; other details are for the audit trail.
    shown_detail = refusal.detail if refusal.reason == Reason.PROVIDER_ERROR else ""
    return render(request, "sso/refused.html", {
        "provider": provider, "what": what, "then": then, "detail": shown_detail, "reason": refusal.reason.value,
    }, status=status)


@require_GET
@never_cache
def begin(request: HttpRequest, slug: str) -> HttpResponse:
    # A link, not a form: the site's Content-Security-Policy (form-action 'self') would stop a form
    # submission from being redirected to the provider. Starting a sign-in changes nothing but this
    # browser's own session, and the callback only accepts a state this session holds.
    next_url = _safe_next(request, request.GET.get("next", ""))
    if is_fully_signed_in(request):
        return redirect(next_url)
    provider = selectors.provider_by_slug(slug)
    try:
        url = services.start_sign_in(request, provider, next_url=next_url)
    except SignInRefused as refusal:
        return _refused(request, provider, refusal)
    return redirect(url)


@require_GET
@never_cache
def callback(request: HttpRequest, slug: str) -> HttpResponse:
    provider = selectors.provider_by_slug(slug)
    try:
        signed_in = services.finish_sign_in(request, provider, request.GET.dict())
    except SignInRefused as refusal:
        return _refused(request, provider, refusal)
    if not signed_in.second_factor_by_provider and services.needs_infohus_second_factor(signed_in.user):
        enrolled = signed_in.user.totpdevice_set.filter(confirmed=True).exists()  # type: ignore[attr-defined]
        page = reverse("accounts:second_factor" if enrolled else "accounts:enrol")
        # Quoted, so that a target with its own query string arrives whole.
        return redirect(f"{page}?next={quote(signed_in.next_url, safe='/')}")
    return redirect(signed_in.next_url)


@never_cache
def sign_out(request: HttpRequest) -> HttpResponse:
    """GET: the sign-out page of a session that came from a provider. POST: sign out here; where the
    provider offers it, a page with the link that signs out there too (a link, because the site's
    Content-Security-Policy does not let a form submission be redirected to another site)."""
    if request.method == "POST":
        came_from = selectors.provider_session(request)
        provider_url = services.sign_out(request)
        if provider_url and came_from is not None:
            provider = Provider.objects.filter(slug=came_from.provider_slug).only("name").first()
            return render(request, "sso/signed_out_here.html", {"provider": provider, "provider_url": provider_url})
        messages.success(request, _("You are signed out."))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    if not request.user.is_authenticated:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    came_from = selectors.provider_session(request)
    provider = (Provider.objects.filter(slug=came_from.provider_slug).only("name").first()
                if came_from is not None and came_from.offers_sign_out else None)
    return render(request, "sso/sign_out.html", {"provider": provider})


@require_GET
@never_cache
def signed_out(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the browser back after signing out there too."""
    if services.returned_from_provider_sign_out(request, request.GET.get("state", "")):
        messages.success(request, _("You are signed out, here and at your identity provider."))
    return redirect(settings.LOGOUT_REDIRECT_URL)
