"""URLs for many objects of one kind on one page, reversed once.

A page that links every row (the network register's sixty people, each with an edit, a delete and a
move link) spent a fifth of its time in `reverse()`, which resolves the pattern anew on every call.
`IdUrl(name, *args)` reverses the pattern once with a placeholder id in the last place and puts each
id in by replacing it: the same URL `reverse(name, args=[*args, id])` gives (a test checks it).
"""

from __future__ import annotations

from django.urls import reverse

# 18 digits: the longest id the `id` converter takes, and no id Sirkel's databases will reach.
_PLACEHOLDER = 999_999_999_999_999_999


class IdUrl:
    # In a page's context (and so in the Jinja2 fragments it renders): Django's engine must not call it.
    do_not_call_in_templates = True

    def __init__(self, name: str, *args: object) -> None:
        url = reverse(name, args=[*args, _PLACEHOLDER])
        if url.count(str(_PLACEHOLDER)) != 1:
            raise ValueError(f"{name}: the placeholder id is not in the URL exactly once")
        self._before, self._after = url.split(str(_PLACEHOLDER))

    def __call__(self, object_id: int) -> str:
        return f"{self._before}{int(object_id)}{self._after}"
