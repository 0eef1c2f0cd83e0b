"""The contract notify speaks with every HTTP provider (SMS, webhook, print-and-mail).

Both directions are signed the same way, each provider with its own secret:
``X-Debtflow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">``. The
timestamp is inside the MAC, so a captured request cannot be replayed outside
``TOLERANCE_SECONDS`` (machine time, not the business clock: it is about real networks).

Out (notify to provider): ``POST <url>`` with a JSON message (see
``adapters/http_provider.py``) and ``Idempotency-Key: <message id>``, the same on every
attempt, so a provider drops a repeat. 2xx accepted; 408, 429, 5xx, a timeout or a refused
connection are retried with backoff; any other 4xx fails at once (and a body
``{"recipient_refused": true}`` also suppresses the address).

In (provider to notify): ``POST /v1/providers/<channel>/receipts`` with
``{"message_id", "status": "delivered" | "bounced" | "opted_out", "bounce", "reason"}``.
"""

from __future__ import annotations

import hmac
import re

from debtflow_shared.signed_links import sign_body

TOLERANCE_SECONDS = 300
SIGNATURE_HEADER = "X-Debtflow-Signature"
_FORMAT = re.compile(r"^t=(\d{1,12}),v1=([0-9a-f]{64})$")


class ForgedSignature(PermissionError):
    field = SIGNATURE_HEADER


def sign(secret: str, body: bytes, timestamp: int) -> str:
    return f"t={timestamp},v1={sign_body(f'{timestamp}.'.encode() + body, secret)}"


def verify(secret: str, body: bytes, header: str, now: float) -> None:
    """Raise :class:`ForgedSignature` unless ``header`` signs ``body`` with ``secret`` within
    the tolerance of ``now`` (unix seconds)."""
    match = _FORMAT.match(header.strip())
    if match is None:
        raise ForgedSignature("the signature header is missing or malformed")
    timestamp = int(match.group(1))
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise ForgedSignature("the signature's timestamp is too far from now")
    if not hmac.compare_digest(sign(secret, body, timestamp), header.strip()):
        raise ForgedSignature("the signature does not match the body")
