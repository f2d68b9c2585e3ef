"""`{% fragment "name.html" key=value… %}`: a Jinja2 fragment (core.jinja) inside a Django template,
rendered with the page's context (and the given values on top)."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def fragment(context: template.Context, name: str, **values: Any) -> SafeString:
    jinja = engines["fragments"].get_template(name)
    flat: dict[str, Any] = {str(key): value for key, value in context.flatten().items()}
    flat.update(values)
    request: HttpRequest | None = flat.pop("request", None)
    return mark_safe(jinja.render(flat, request))  # noqa: S308 - an autoescaping template's output
