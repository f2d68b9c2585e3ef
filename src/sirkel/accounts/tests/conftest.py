"""Fixtures for the accounts tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings


@pytest.fixture
def require_2fa() -> Iterator[None]:
    """Two-factor switched on, as in production (tests run with it off by default)."""
    with override_settings(SIRKEL_REQUIRE_2FA=True):
        yield
