"""Administrators manage services, users and memberships in Django's admin.

Case data is deliberately not registered here: it is reached only through the audited case pages. Every
membership made, changed or removed here (also through a user's page, or by deleting a user) is recorded in
its service's audit chain, in the transaction of the change; a change of a user's active, staff or
superuser flag, groups or permissions in the global chain.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import BaseModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sirkel.accounts.models import ApiToken, Membership, Service, User
from sirkel.accounts.services import (
    MembershipState,
    account_state,
    membership_state,
    record_account_changes,
    record_membership_changes,
)
from sirkel.accounts.tokens import revoke_tokens


def _record(
    request: HttpRequest, before: MembershipState, after: MembershipState, *, global_chain: bool = False
) -> None:
    user = request.user
    if not isinstance(user, User):  # the admin site lets only signed-in staff this far
        raise PermissionError("membership changes need a signed-in administrator")
    record_membership_changes(acting_user=user, before=before, after=after, global_chain=global_chain)


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 1
    autocomplete_fields = ["service"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    list_display = ["name", "municipality_numbers", "population", "phone"]
    search_fields = ["name", "municipality_numbers"]

    # A service goes only while its audit chain is empty (its events protect it), so the memberships that
    # go with it are recorded in the global chain.
    def delete_model(self, request: HttpRequest, obj: Service) -> None:
        with transaction.atomic():
            before = membership_state(service_ids=[obj.pk])
            super().delete_model(request, obj)
            _record(request, before, {}, global_chain=True)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        with transaction.atomic():
            before = membership_state(service_ids=list(queryset.values_list("pk", flat=True)))
            super().delete_queryset(request, queryset)
            _record(request, before, {}, global_chain=True)


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

    def save_model(self, request: HttpRequest, obj: User, form: BaseModelForm[User], change: bool) -> None:
        # The account's flags, groups and permissions as they were, for `save_related` to compare with
        # once the groups and permissions (many-to-many, saved there) are saved too.
        request._sirkel_account_before = account_state(obj.pk if change else None)  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: BaseModelForm[User], formsets: Any, change: bool
    ) -> None:
        # The user's memberships are edited inline: compare them before and after the formsets save.
        before = membership_state(user_ids=[form.instance.pk])
        super().save_related(request, form, formsets, change)
        _record(request, before, membership_state(user_ids=[form.instance.pk]))
        actor = request.user
        if isinstance(actor, User):
            record_account_changes(
                acting_user=actor,
                user_id=form.instance.pk,
                before=getattr(request, "_sirkel_account_before", {}),
                after=account_state(form.instance.pk),
            )

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        with transaction.atomic():
            before = membership_state(user_ids=[obj.pk])
            super().delete_model(request, obj)
            _record(request, before, {})

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        with transaction.atomic():
            before = membership_state(user_ids=list(queryset.values_list("pk", flat=True)))
            super().delete_queryset(request, queryset)
            _record(request, before, {})


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "service", "role"]
    list_filter = ["role", "service"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "service__name"]
    autocomplete_fields = ["user", "service"]

    def save_model(
        self, request: HttpRequest, obj: Membership, form: BaseModelForm[Membership], change: bool
    ) -> None:
        with transaction.atomic():
            before = membership_state(membership_ids=[obj.pk]) if obj.pk else {}
            super().save_model(request, obj, form, change)
            _record(request, before, membership_state(membership_ids=[obj.pk]))

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        with transaction.atomic():
            before = membership_state(membership_ids=[obj.pk])
            super().delete_model(request, obj)
            _record(request, before, {})

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        with transaction.atomic():
            before = membership_state(membership_ids=list(queryset.values_list("pk", flat=True)))
            super().delete_queryset(request, queryset)
            _record(request, before, {})


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
