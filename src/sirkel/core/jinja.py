"""The Jinja2 environment of Sirkel's page fragments (`TEMPLATES`' engine "fragments").

Pages are Django templates. A few fragments that repeat markup for every row of a long list — the
network register's people, its ties and the map's nodes and lines, sixty to a hundred each — are Jinja2
templates (in an app's `jinja2/` directory), which render such loops five to ten times faster; a page
embeds one with `{% fragment "name.html" %}` (`core.templatetags.sirkel_fragments`), which passes it the
page's context. The environment has Django's translations (`_`, `gettext`, `ngettext`, `pgettext` in the
active language, new-style: `_("agreed by %(who)s", who=name)` escapes `name`) and the few Django filters
the fragments use. Strings are written as `{{ _("…") }}`, the form `makemessages` also finds in Django
templates.
"""

from __future__ import annotations

from typing import Any

from django.template import defaultfilters
from django.utils import translation
from jinja2 import Environment


def environment(**options: Any) -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n"], **options)  # noqa: S701 - autoescape is on (Django's default)
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        gettext=translation.gettext,
        ngettext=translation.ngettext,
        pgettext=translation.pgettext,
        npgettext=translation.npgettext,
        newstyle=True,
    )
    env.filters["linebreaksbr"] = defaultfilters.linebreaksbr
    return env
