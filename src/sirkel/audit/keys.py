"""The keys of the audit chain's HMACs, held outside the database.

The current key comes from `SIRKEL_AUDIT_KEY` (hex or base64, at least 32 bytes) or the first line of
`SIRKEL_AUDIT_KEY_FILE`; earlier keys, needed to verify the events written under them, from
`SIRKEL_AUDIT_OLD_KEYS` (comma separated) or the file's further lines. Production refuses to start without a
key (settings.py); elsewhere a fixed development key is used, with a warning. Each key is known by its id,
a fingerprint that reveals nothing of the key and is stored on every event it signed.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import logging
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

logger = logging.getLogger(__name__)

MIN_KEY_BYTES = 32
# Public on purpose: it only keeps development and test databases verifiable. Production never uses it.
DEVELOPMENT_KEY = b"sirkel-development-audit-key-not-a-secret-do-not-use-in-production"
KEY_SETTINGS = ("SIRKEL_AUDIT_KEY", "SIRKEL_AUDIT_KEY_FILE", "SIRKEL_AUDIT_OLD_KEYS", "PRODUCTION")


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    secret: bytes = b""

    def mac(self, message: bytes) -> str:
        """HMAC-SHA256 of `message` under this key, as 64 hex digits."""
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Keyring:
    current: AuditKey
    by_id: dict[str, AuditKey]
    development: bool


def key_id(secret: bytes) -> str:
    """The key's fingerprint: 16 hex digits of an HMAC under the key itself, so it cannot be reversed."""
    return hmac.new(secret, b"sirkel-audit-key-id", hashlib.sha256).hexdigest()[:16]


def decode_key(text: str, *, source: str) -> bytes:
    """A key written as hex or base64 (standard or URL-safe); at least 32 bytes."""
    text = text.strip()
    secret: bytes | None = None
    if len(text) % 2 == 0 and text and all(c in string.hexdigits for c in text):
        secret = bytes.fromhex(text)
    else:
        try:
            padded = text + "=" * (-len(text) % 4)
            secret = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            secret = None
    if secret is None or len(secret) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(
            f"{source} must be at least {MIN_KEY_BYTES} random bytes written as hex or base64, e.g. the "
            "output of python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    return secret


def _configured_secrets() -> list[bytes]:
    """The configured keys, current first."""
    secrets: list[bytes] = []
    current = getattr(settings, "SIRKEL_AUDIT_KEY", "")
    if current:
        secrets.append(decode_key(current, source="SIRKEL_AUDIT_KEY"))
    key_file = getattr(settings, "SIRKEL_AUDIT_KEY_FILE", "")
    if key_file:
        try:
            lines = Path(key_file).read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ImproperlyConfigured(f"SIRKEL_AUDIT_KEY_FILE cannot be read: {error.strerror}") from None
        secrets += [
            decode_key(line, source="SIRKEL_AUDIT_KEY_FILE")
            for line in lines
            if line.strip() and not line.lstrip().startswith("#")
        ]
    secrets += [
        decode_key(text, source="SIRKEL_AUDIT_OLD_KEYS")
        for text in getattr(settings, "SIRKEL_AUDIT_OLD_KEYS", [])
        if text.strip()
    ]
    return secrets


@functools.cache
def keyring() -> Keyring:
    """The keys, read once per process (and again when a test changes the settings)."""
    secrets = _configured_secrets()
    development = not secrets
    if development:
        if settings.PRODUCTION:  # settings.py refuses this already; never sign with a public key
            raise ImproperlyConfigured("SIRKEL_AUDIT_KEY or SIRKEL_AUDIT_KEY_FILE must be set in production")
        logger.warning(
            "No audit key is set (SIRKEL_AUDIT_KEY or SIRKEL_AUDIT_KEY_FILE): the audit chain is signed "
            "with the public development key and proves nothing."
        )
        secrets = [DEVELOPMENT_KEY]
    keys = [AuditKey(key_id=key_id(secret), secret=secret) for secret in secrets]
    return Keyring(
        current=keys[0], by_id={key.key_id: key for key in reversed(keys)}, development=development
    )


def _forget_keys(*, setting: str, **kwargs: Any) -> None:
    if setting in KEY_SETTINGS:
        keyring.cache_clear()


setting_changed.connect(_forget_keys)
