"""Sessions that expire after idle time without a database write on every request.

Django's `SESSION_SAVE_EVERY_REQUEST` pushes an idle session's expiry forward by saving it on every
request: one write transaction per page on top of the audit event, which on SQLite queues every request
of every worker behind one write lock. This engine (`SESSION_ENGINE = "sirkel.core.sessions"`) is
Django's database engine that remembers the expiry it read, and `needs_refresh` says when less than the
full idle time minus `REFRESH_SECONDS` is left: `RefreshingSessionMiddleware` then saves the session,
so the expiry moves forward at most once a minute per session. The idle limit is therefore between
`SESSION_COOKIE_AGE − REFRESH_SECONDS` and `SESSION_COOKIE_AGE`: never longer than configured.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

REFRESH_SECONDS = 60


class SessionStore(DatabaseSessionStore):
    """The database session store, keeping the expiry of the row it loaded."""

    loaded_expiry: datetime.datetime | None = None

    def _get_session_from_db(self) -> Any:
        stored = super()._get_session_from_db()  # type: ignore[misc]  # Django's, not in the stubs
        self.loaded_expiry = stored.expire_date if stored is not None else None
        return stored

    def needs_refresh(self) -> bool:
        """Whether the stored expiry is more than `REFRESH_SECONDS` behind a fresh one."""
        if self.loaded_expiry is None:
            return False  # nothing loaded: a new or empty session is saved when it is modified
        remaining = self.loaded_expiry - timezone.now()
        return remaining < datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - REFRESH_SECONDS)


class RefreshingSessionMiddleware(SessionMiddleware):
    """Django's session middleware, marking a loaded session modified when its expiry needs pushing."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        refresh = getattr(session, "needs_refresh", None)
        if session is not None and session.accessed and not session.is_empty() and refresh and refresh():
            session.modified = True
        return super().process_response(request, response)
