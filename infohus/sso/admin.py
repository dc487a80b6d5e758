"""Identity providers in the project's admin site, for system administrators only (the
AdministratorOnly mixin of accounts.admin: the capability table decides, and every change is
audited)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from infohus.accounts.admin import AdministratorOnly, admin_site
from infohus.sso import services
from infohus.sso.forms import ProviderForm
from infohus.sso.models import ExternalIdentity, OrganisationMapping, Provider, RoleMapping
from infohus.sso.refusals import SignInRefused


class OrganisationMappingInline(AdministratorOnly, admin.TabularInline[OrganisationMapping, Provider]):
    model = OrganisationMapping
    autocomplete_fields = ["organisation"]
    extra = 1


class RoleMappingInline(AdministratorOnly, admin.TabularInline[RoleMapping, Provider]):
    model = RoleMapping
    extra = 1


@admin.register(Provider, site=admin_site)
class ProviderAdmin(AdministratorOnly, admin.ModelAdmin[Provider]):
    form = ProviderForm
    list_display = ["name", "slug", "issuer", "account_policy", "require_mfa", "is_active", "secret_stored",
                    "callback_path"]
    list_filter = ["is_active", "account_policy", "require_mfa"]
    search_fields = ["name", "slug", "issuer"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganisationMappingInline, RoleMappingInline]
    actions = ["check_discovery"]
    fieldsets = (
        (None, {"fields": ("name", "slug", "is_active")}),
        (_("Provider"), {"fields": ("issuer", "client_id", "client_secret", "scopes")}),
        (_("Claims"), {"fields": ("organisation_claim", "role_claim")}),
        (_("Second factor"), {"fields": ("require_mfa", "mfa_amr_values", "mfa_acr_values")}),
        (_("Accounts"), {"fields": ("account_policy",)}),
    )

    @admin.display(boolean=True, description=_("secret stored"))
    def secret_stored(self, provider: Provider) -> bool:
        return provider.has_client_secret

    @admin.display(description=_("callback address (path)"))
    def callback_path(self, provider: Provider) -> str:
        return reverse("sso:callback", kwargs={"slug": provider.slug})

    def save_model(self, request: HttpRequest, obj: Provider, form: Any, change: bool) -> None:
        ended = services.save_provider(provider=obj, new_client_secret=form.cleaned_data.get("client_secret", ""),
                                       by=request.user)  # type: ignore[arg-type]
        if ended:
            self.message_user(request, ngettext(
                "%(count)d session begun through this provider was ended.",
                "%(count)d sessions begun through this provider were ended.", ended) % {"count": ended})

    def delete_model(self, request: HttpRequest, obj: Provider) -> None:
        services.remove_provider(provider=obj, by=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Provider]) -> None:
        for provider in queryset:
            services.remove_provider(provider=provider, by=request.user)  # type: ignore[arg-type]

    @admin.action(description=_("Check the provider's discovery document"))
    def check_discovery(self, request: HttpRequest, queryset: QuerySet[Provider]) -> None:
        for provider in queryset:
            try:
                metadata = services.check_provider(provider)
            except SignInRefused as refusal:
                self.message_user(
                    request, _("%(provider)s: %(problem)s") % {"provider": provider, "problem": refusal}, messages.ERROR
                )
                continue
            self.message_user(request, _("%(provider)s answers as %(issuer)s; signing out there too: %(logout)s") % {
                "provider": provider, "issuer": metadata.issuer,
                "logout": _("offered") if metadata.end_session_endpoint else _("not offered"),
            }, messages.SUCCESS)


@admin.register(ExternalIdentity, site=admin_site)
class ExternalIdentityAdmin(AdministratorOnly, admin.ModelAdmin[ExternalIdentity]):
    """The links between providers' subjects and accounts: read, and deleted to unlink."""

    list_display = ["subject", "provider", "user", "linked_at", "last_signed_in_at"]
    list_filter = ["provider"]
    search_fields = ["subject", "user__username", "user__email"]
    list_select_related = ["provider", "user"]
    readonly_fields = ["provider", "subject", "user", "linked_at", "last_signed_in_at"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # links are made by signing in

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
