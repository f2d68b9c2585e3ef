"""Reads about users, their services and roles."""

from __future__ import annotations

from django.db import connection

from sirkel.accounts.models import Membership, Role, Service, User

_CACHE_ATTR = "_sirkel_roles"
_ROLES_SQL = f"SELECT service_id, role FROM {Membership._meta.db_table} WHERE user_id = %s"  # noqa: S608


def roles_by_service(*, user: User) -> dict[int, str]:
    """The user's role in each of their services, cached on the user object for the request."""
    cached: dict[int, str] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        if not user.is_authenticated or not user.is_active:
            cached = {}
        else:
            # One plain statement: asked on every page, and the ORM spent ten times longer building it
            # than the database took to answer.
            with connection.cursor() as cursor:
                cursor.execute(_ROLES_SQL, [user.pk])
                cached = {service_id: role for service_id, role in cursor.fetchall()}
        setattr(user, _CACHE_ATTR, cached)
    return cached


def is_verified(user: object) -> bool:
    """Whether the session passed two-factor verification (django-otp sets `is_verified` per request)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def forget_roles(*, user: User) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def service_ids_with_role(*, user: User, roles: set[str] | None = None) -> list[int]:
    return [sid for sid, role in roles_by_service(user=user).items() if roles is None or role in roles]


def role_in_service(*, user: User, service_id: int) -> str | None:
    return roles_by_service(user=user).get(service_id)


def has_role(*, user: User, role: str) -> bool:
    return role in roles_by_service(user=user).values()


def services_for_user(*, user: User, roles: set[str] | None = None) -> list[Service]:
    ids = service_ids_with_role(user=user, roles=roles)
    return list(Service.objects.filter(id__in=ids).order_by("name"))


def services_led_by(*, user: User) -> list[Service]:
    """The services `user` leads, by name: whose aggregated figures (effect, statistics) they may read."""
    return services_for_user(user=user, roles={Role.LEADER.value})


def staff_of_service(*, service_id: int, roles: set[str] | None = None) -> list[User]:
    """Active users of a service, optionally limited to some roles, for pickers."""
    qs = User.objects.filter(is_active=True, memberships__service_id=service_id)
    if roles is not None:
        qs = qs.filter(memberships__role__in=roles)
    return list(qs.order_by("first_name", "last_name", "username").distinct())


CASE_ROLES = {Role.CASEWORKER.value, Role.CONSULTANT.value, Role.LEADER.value}
