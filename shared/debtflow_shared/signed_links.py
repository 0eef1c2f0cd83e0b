"""Signatures for endpoints that debtors and providers reach without a bearer token.

Unsubscribe links carry an HMAC over their parameters and an expiry; delivery callbacks
carry an HMAC over the raw body. Both compare in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlencode


class BadSignature(Exception):
    """The signature does not match, or the link has expired."""


def _canonical(params: Mapping[str, str]) -> bytes:
    return urlencode(sorted(params.items())).encode()


def sign_params(params: Mapping[str, str], secret: str, expires: datetime) -> dict[str, str]:
    """Return ``params`` plus ``expires`` and ``sig``, ready for a query string."""
    signed = {**params, "expires": str(int(expires.timestamp()))}
    signature = hmac.new(secret.encode(), _canonical(signed), hashlib.sha256).hexdigest()
    return {**signed, "sig": signature}


def verify_params(params: Mapping[str, str], secret: str, now: datetime) -> dict[str, str]:
    """Check a signed link's parameters; return them without ``sig`` and ``expires``."""
    given = dict(params)
    signature = given.pop("sig", "")
    expected = hmac.new(secret.encode(), _canonical(given), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature, expected):
        raise BadSignature("signature does not match")
    try:
        expires = int(given.pop("expires"))
    except (KeyError, ValueError):
        raise BadSignature("link has no valid expiry") from None
    if now.timestamp() > expires:
        raise BadSignature("link has expired")
    return given


def sign_body(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_body(body: bytes, secret: str, signature: str) -> None:
    if not hmac.compare_digest(sign_body(body, secret), signature):
        raise BadSignature("body signature does not match")
