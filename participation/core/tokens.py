"""Signed tokens in links sent by mail (itsdangerous, keyed by SECRET_KEY, one salt per purpose).

- password reset: 1 hour, single use (it carries a fingerprint of the password hash it replaces);
- address confirmation and e-mail change: 7 days, bound to the address they confirm;
- unsubscribe: no expiry, names one person and one topic; works without signing in.
"""
from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

RESET_MAX_AGE = 3600
CONFIRM_MAX_AGE = 7 * 24 * 3600


class BadToken(Exception):
    """The link is unknown, altered, expired or already used."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"participation.{purpose}")


def make(purpose: str, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def read(purpose: str, token: str, max_age: int | None = None) -> Any:
    try:
        return _serializer(purpose).loads(token or "", max_age=max_age)
    except SignatureExpired:
        raise BadToken("expired") from None
    except (BadSignature, ValueError, TypeError):
        raise BadToken("invalid") from None


def fingerprint(value: str) -> str:
    """A short digest of a secret (the password hash): changes when the password does."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]
