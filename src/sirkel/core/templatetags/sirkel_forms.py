"""`{% submission_token %}`: the one-time token a form that creates something carries (see
`core.submissions`)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sirkel.core.submissions import FIELD, new_token

register = template.Library()


@register.simple_tag
def submission_token() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
