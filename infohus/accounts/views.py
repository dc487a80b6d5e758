from base64 import b32encode
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from infohus.accounts import services
from infohus.accounts.forms import EnrolForm, SecondFactorForm, SignInForm, SwitchOrganisationForm
from infohus.accounts.models import User
from infohus.accounts.permissions import is_fully_signed_in, needs_second_factor, signed_in_required
from infohus.accounts.services import SecondFactorResult


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _disabled_account(username: str, password: str) -> bool:
    """True only when the password is right but the account is disabled, so that the message
    reveals nothing to someone who does not know the password."""
    user = User.objects.filter(username=username, is_active=False).first()
    if user is None:
        # Hash anyway, so that a failure for a disabled account takes no longer than any other
        # and its time does not tell that the account exists.
        make_password(password)
        return False
    return user.check_password(password)


@sensitive_post_parameters("password")
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    if is_fully_signed_in(request):
        return redirect(_next_url(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username, password = form.cleaned_data["username"], form.cleaned_data["password"]
        user = authenticate(request, username=username, password=password)
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked_out.html", status=429)
        if user is not None:
            services.sign_in(request, user)  # type: ignore[arg-type]
            if needs_second_factor(user) or user.totpdevice_set.filter(confirmed=True).exists():  # type: ignore[attr-defined]
                # Quoted, so that a target with its own query string arrives whole.
                return redirect(f"{_second_factor_url(user)}?next={quote(_next_url(request), safe='/')}")
            return redirect(_next_url(request))
        if _disabled_account(username, password):
            services.record_failed_sign_in(username=username, reason="disabled")
            form.add_error(None, _("This account is disabled. Ask your organisation's administrator."))
        else:
            services.record_failed_sign_in(username=username, reason="wrong user name or password")
            form.add_error(None, _("The user name or the password is wrong. Check both and try again."))
    return render(request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", "")})


def _second_factor_url(user: User) -> str:
    from django.urls import reverse

    if user.totpdevice_set.filter(confirmed=True).exists():  # type: ignore[attr-defined]
        return reverse("accounts:second_factor")
    return reverse("accounts:enrol")


_SECOND_FACTOR_ERRORS = {
    SecondFactorResult.WRONG: gettext_lazy("That code is not right. Check the code in your app and try again."),
    SecondFactorResult.EXPIRED: gettext_lazy("That code has expired. Enter the code your app shows now."),
    SecondFactorResult.REUSED: gettext_lazy("That code has already been used. Wait for the next code in your app."),
    SecondFactorResult.THROTTLED: gettext_lazy("Too many wrong codes. Wait a minute before you try again."),
}


@never_cache
def second_factor(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.verify_second_factor(request, form.cleaned_data["code"])
        if outcome.result == SecondFactorResult.PASSED:
            if outcome.used_recovery_code:
                messages.warning(
                    request, _("You used a recovery code. It cannot be used again; make new codes if few are left.")
                )
            return redirect(_next_url(request))
        form.add_error("code", str(_SECOND_FACTOR_ERRORS[outcome.result]))
    return render(request, "accounts/second_factor.html", {"form": form, "next": request.GET.get("next", "")})


@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    user: User = request.user  # type: ignore[assignment]
    if user.totpdevice_set.filter(confirmed=True).exists() and not user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:second_factor")  # replacing a device needs the current one first
    device = services.pending_totp_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp_enrolment(request, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": True})
        form.add_error("code", _("That code is not right. Check the time on your phone and enter the code shown now."))
    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    return render(request, "accounts/enrol.html", {
        "form": form,
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "qr_svg": qr.svg_inline(scale=5, title=_("QR code for your authenticator app")),
    })


@require_POST
@signed_in_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = services.issue_recovery_codes(request.user)  # type: ignore[arg-type]
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": False})


@signed_in_required
def security(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    left = sum(d.token_set.count() for d in user.staticdevice_set.all())  # type: ignore[attr-defined]
    return render(request, "accounts/security.html", {"recovery_codes_left": left})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.sign_out(request)
    messages.success(request, _("You are signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_POST
@signed_in_required
def switch_organisation(request: HttpRequest) -> HttpResponse:
    form = SwitchOrganisationForm(request.POST)
    if form.is_valid() and services.switch_organisation(request, form.cleaned_data["membership"]):
        return redirect("core:start")
    messages.error(request, _("You have no such membership."))
    return redirect("core:start")
