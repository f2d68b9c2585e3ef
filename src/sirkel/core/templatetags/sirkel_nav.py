"""`{% site_nav %}`: the main menu, rendered once per variant and process.

The menu is the same HTML for everyone who shares a language, a set of roles and the page they are on,
and it holds nothing else (no name, no token, no case data). Its dozen `{% url %}` and `{% translate %}`
tags cost about a tenth of a case page's time when rendered on every request, so each variant is
rendered once and kept in a bounded dictionary of this process. The key is every input the template
reads (`includes/site_nav.html` receives exactly these names and nothing from the page's context), plus
the script prefix the URLs are reversed under.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

NavKey = tuple[str, str, str, str, frozenset[str], bool, bool, bool, bool]


@register.simple_tag(takes_context=True)
def site_nav(context: template.Context) -> SafeString:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return mark_safe("")  # noqa: S308 - an empty string
    match = getattr(context.get("request"), "resolver_match", None)
    key: NavKey = (
        get_language() or "",
        get_script_prefix(),
        (match.namespace if match else "") or "",
        (match.url_name if match else "") or "",
        frozenset(context.get("user_roles") or ()),
        bool(context.get("is_leader")),
        bool(context.get("leads_meetings")),
        bool(context.get("has_dashboard")),
        bool(user.is_staff),
    )
    return _render(key)


@lru_cache(maxsize=1024)
def _render(key: NavKey) -> SafeString:
    _language, _prefix, ns, url_name, roles, is_leader, leads_meetings, has_dashboard, is_staff = key
    context: dict[str, Any] = {
        "ns": ns,
        "url_name": url_name,
        "user_roles": roles,
        "is_leader": is_leader,
        "leads_meetings": leads_meetings,
        "has_dashboard": has_dashboard,
        "is_staff": is_staff,
    }
    return mark_safe(render_to_string("includes/site_nav.html", context))  # noqa: S308 - our template's output
