"""Django admin, for system administrators only. Changes go through the account services so
that each one is audited and deactivation ends sessions."""

from functools import update_wrapper
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from infohus.accounts import services
from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.permissions import has_capability, is_fully_signed_in
from infohus.accounts.roles import Capability
from infohus.audit.services import record_event


def _is_administrator(request: HttpRequest) -> bool:
    return is_fully_signed_in(request) and has_capability(request, Capability.ADMINISTER)


class InfohusAdminSite(admin.AdminSite):
    site_header = _("Infohus administration")
    site_title = _("Infohus administration")
    index_title = _("Organisations, users and memberships")
    login_template = None

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_administrator(request)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # One sign-in page for the whole site; a signed-in person without the role is refused.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", request.get_full_path()))


admin_site = InfohusAdminSite(name="admin")


class AdministratorOnly:
    """Grants the model permissions of the admin through the capability table."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_administrator(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_administrator(request)

    # Every change made in the admin also enters the audit trail (memberships and deactivation
    # write their own, more specific events through the services as well).
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        _audit_admin(request, "admin.added", obj, message)
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        _audit_admin(request, "admin.changed", obj, message)
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            _audit_admin(request, "admin.deleted", obj, "")
        return super().log_deletions(request, queryset)  # type: ignore[misc]


def _audit_admin(request: HttpRequest, action: str, obj: Any, message: Any) -> None:
    record_event(action=action, actor=request.user, object_type=obj._meta.label, object_id=obj.pk,
                 details={"message": str(message)[:1000]})


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(AdministratorOnly, admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "info_house", "country", "municipality_code", "is_active"]
    list_filter = ["kind", "country", "is_active"]
    search_fields = ["name", "municipality_code"]
    autocomplete_fields = ["parent", "info_house"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["organisation", "role", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User, site=admin_site)
class UserAdmin(AdministratorOnly, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__role"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "preferred_language")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]
    actions = ["deactivate", "reset_second_factor"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people are deactivated, never deleted: their audit history names them

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        was_active = User.objects.filter(pk=obj.pk).values_list("is_active", flat=True).first() if change else None
        becomes_active = obj.is_active
        if was_active and not becomes_active:
            obj.is_active = True  # let the service make the change, end the sessions and audit it
            super().save_model(request, obj, form, change)
            services.deactivate_user(user=obj, by=request.user)
            return
        super().save_model(request, obj, form, change)
        if was_active is False and becomes_active:
            services.reactivate_user(user=obj, by=request.user)

    @admin.action(description=_("Deactivate and end all sessions"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ended = sum(
            services.deactivate_user(user=user, by=request.user) for user in queryset.filter(is_active=True)
        )
        self.message_user(request, _("Deactivated; %(count)d sessions ended.") % {"count": ended}, messages.SUCCESS)

    @admin.action(description=_("Reset second factor (the user enrols again)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.remove_second_factor(user=user, by=request.user)
        self.message_user(request, _("Second factor reset."), messages.SUCCESS)


@admin.register(Membership, site=admin_site)
class MembershipAdmin(AdministratorOnly, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "organisation__kind"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A new membership is always granted active (the service grants it so).
        fields = super().get_fields(request, obj)
        return fields if obj is not None else [f for f in fields if f != "is_active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Moving a membership to another person or organisation is a revocation and a new grant;
        # change_membership only changes the role and whether it is active.
        return ["user", "organisation", "created_at"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            services.change_membership(membership=obj, role=obj.role, is_active=obj.is_active, by=request.user)
        else:
            granted = services.grant_membership(
                user=obj.user, organisation=obj.organisation, role=obj.role, by=request.user
            )
            obj.pk = granted.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.revoke_membership(membership=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset:
            services.revoke_membership(membership=membership, by=request.user)
