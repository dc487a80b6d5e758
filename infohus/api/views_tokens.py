"""The pages of API tokens and integrations.

My API tokens: every fully signed-in person lists, creates and revokes their own tokens (another
person's token answers 404). Integrations: system administrators (ADMINISTER) create other
systems' service accounts, issue and revoke their tokens, and switch an integration off.

A token's secret is shown once, in the answer to the POST that made it, and never again: it is
not stored, and the answer is not cached. Every change is audited by the service.
"""

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from infohus.accounts.models import User
from infohus.accounts.permissions import capability_required, memberships_of, signed_in_required
from infohus.accounts.roles import Capability
from infohus.api import selectors
from infohus.api.auth import CLIENT_HEADER, NewToken
from infohus.api.forms import IntegrationForm, ScopesForm, TokenForm
from infohus.api.models import ApiToken, Integration
from infohus.api.services import create_integration, issue_token, revoke_token, switch_off_integration
from infohus.core.form_pages import form_page, put_back

administer_required = capability_required(Capability.ADMINISTER)
PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _scopes_intro() -> str:
    return _("A scope only narrows what the token may be used for. What it may really do is decided by the role it "
             "acts in: a call that the role may not make on the pages is refused through the API as well, whatever "
             "scopes the token carries.")


def _issued(request: HttpRequest, issued: NewToken, *, back_url: str, integration: Integration | None = None
            ) -> HttpResponse:
    """The one page that shows the secret."""
    return render(request, "api/tokens/issued.html", {
        "token": issued.token, "secret": issued.secret, "integration": integration, "client_header": CLIENT_HEADER,
        "me_url": request.build_absolute_uri(reverse("desk_api:me")), "back_url": back_url,
    })


# --- my tokens ---------------------------------------------------------------------------------------------

@signed_in_required
def token_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.tokens_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "api/tokens/list.html", {"page": page, "tokens": page.object_list,
                                                    "now": timezone.now()})


@never_cache
@signed_in_required
def token_new(request: HttpRequest) -> HttpResponse:
    posting = request.method == "POST"
    form = TokenForm(request.POST if posting else None, memberships=memberships_of(request.user))
    if posting and form.is_valid():
        try:
            issued = issue_token(membership=form.membership(), name=form.cleaned_data["name"],
                                 scopes=form.scopes(), days=form.cleaned_data["days"], actor=_user(request))
        except ValidationError as error:
            put_back(form, error)
        else:
            return _issued(request, issued, back_url=reverse("api_tokens:token_list"))
    return form_page(request, form, title=_("Create an API token"), submit=_("Create the token"),
                     back_url=reverse("api_tokens:token_list"), back_label=_("Back to your API tokens"),
                     intro=_scopes_intro())


def _revoke_page(request: HttpRequest, token: ApiToken, *, back_url: str) -> HttpResponse:
    return render(request, "api/tokens/revoke.html", {"token": token, "back_url": back_url})


@signed_in_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.own_token(request.user, pk)
    back_url = reverse("api_tokens:token_list")
    if request.method != "POST" or token.revoked_at is not None:
        return _revoke_page(request, token, back_url=back_url)
    revoke_token(token=token, actor=_user(request))
    messages.success(request, _("The token “%(name)s” is revoked: calls made with it are refused from now on.")
                     % {"name": token.name})
    return redirect(back_url)


# --- integrations ------------------------------------------------------------------------------------------

@administer_required
def integration_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.integrations(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "api/integrations/list.html", {"page": page, "integrations": page.object_list})


@administer_required
def integration_new(request: HttpRequest) -> HttpResponse:
    posting = request.method == "POST"
    form = IntegrationForm(request.POST if posting else None)
    if posting and form.is_valid():
        d = form.cleaned_data
        try:
            created = create_integration(name=d["name"], description=d["description"], organisation=d["organisation"],
                                         role=d["role"], actor=_user(request))
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The integration “%(name)s” is created. Issue it a token to let it call.")
                             % {"name": created.name})
            return redirect("api_tokens:integration_detail", pk=created.pk)
    return form_page(request, form, title=_("Add an integration"), submit=_("Add the integration"),
                     back_url=reverse("api_tokens:integration_list"), back_label=_("Back to the integrations"),
                     intro=_("An integration is another system that calls the API. It gets a service account of "
                             "its own, which cannot sign in to the pages, in the organisation and role you choose "
                             "here."))


@administer_required
def integration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.integration(pk)
    page = Paginator(selectors.integration_tokens(found), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "api/integrations/detail.html", {
        "integration": found, "membership": selectors.integration_membership(found), "page": page,
        "tokens": page.object_list, "client_header": CLIENT_HEADER, "now": timezone.now()})


@never_cache
@administer_required
def integration_token_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.integration(pk)
    membership = selectors.integration_membership(found)
    back_url = reverse("api_tokens:integration_detail", args=[found.pk])
    posting = request.method == "POST"
    form = ScopesForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            if membership is None:
                raise ValidationError(_("The integration's account has no role."))
            issued = issue_token(membership=membership, name=form.cleaned_data["name"], scopes=form.scopes(),
                                 days=form.cleaned_data["days"], actor=_user(request), integration=found)
        except ValidationError as error:
            put_back(form, error)
        else:
            return _issued(request, issued, back_url=back_url, integration=found)
    return form_page(request, form, title=_("Issue a token to “%(name)s”") % {"name": found.name},
                     submit=_("Issue the token"), back_url=back_url,
                     back_label=_("Back to “%(name)s”") % {"name": found.name}, intro=_scopes_intro())


@administer_required
def integration_token_revoke(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    found = selectors.integration(pk)
    token = selectors.integration_token(found, token_pk)
    back_url = reverse("api_tokens:integration_detail", args=[found.pk])
    if request.method != "POST" or token.revoked_at is not None:
        return _revoke_page(request, token, back_url=back_url)
    revoke_token(token=token, actor=_user(request))
    messages.success(request, _("The token “%(name)s” is revoked: calls made with it are refused from now on.")
                     % {"name": token.name})
    return redirect(back_url)


@administer_required
def integration_switch_off(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.integration(pk)
    if request.method != "POST" or not found.is_active:
        return render(request, "api/integrations/switch_off.html", {"integration": found})
    switch_off_integration(integration=found, actor=_user(request))
    messages.success(request, _("“%(name)s” is switched off: none of its tokens is accepted any more.")
                     % {"name": found.name})
    return redirect("api_tokens:integration_detail", pk=found.pk)
