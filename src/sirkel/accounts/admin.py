"""Administrators manage services, users and memberships in Django's admin.

Case data is deliberately not registered here: it is reached only through the audited case pages.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sirkel.accounts.models import ApiToken, Membership, Service, User
from sirkel.accounts.tokens import revoke_tokens


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 1
    autocomplete_fields = ["service"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    list_display = ["name", "municipality_numbers", "population", "phone"]
    search_fields = ["name", "municipality_numbers"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "memberships__role", "memberships__service"]

    # Django's UserAdmin lets anyone who may change users grant superuser status and permissions,
    # themselves included, and set a superuser's password. Only superusers may do either here.
    SUPERUSER_ONLY_FIELDS = ("is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in self.SUPERUSER_ONLY_FIELDS if f not in fields]
        return fields

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "service", "role"]
    list_filter = ["role", "service"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "service__name"]
    autocomplete_fields = ["user", "service"]


TOKEN_COLUMNS: tuple[str, ...] = (
    "name",
    "user",
    "prefix",
    "read_only",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Every user's API tokens, to see and to revoke. Tokens are made by their users (or `sirkel api
    token`), who are shown the secret once; here nothing can be added or changed, only revoked."""

    list_display = TOKEN_COLUMNS
    list_filter = ["read_only", "revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = TOKEN_COLUMNS
    fields = TOKEN_COLUMNS
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoked tokens stay listed: the audit trail names them

    @admin.action(description=gettext_lazy("Revoke the selected tokens"), permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        user = request.user
        if not isinstance(user, User):
            return
        count = revoke_tokens(acting_user=user, token_ids=list(queryset.values_list("pk", flat=True)))
        messages.success(request, _("%(count)d token(s) revoked.") % {"count": count})
