"""A provider reached over HTTP (httpx): SMS, a generic webhook, print-and-mail letters.

One request per message, signed (``domain/provider_contract.py``), with a timeout. The body::

    {"message_id": "<...@northwind.example>", "channel": "sms", "to": "+447700900123",
     "sender": "Northwind", "subject": "...", "text": "...", "tenant_id": "...",
     "debtor_id": "...", "callback_url": "https://.../v1/providers/sms/receipts",
     "postal_lines": [...], "documents": [{"filename", "media_type", "content_base64"}]}

``to`` is the E.164 number (SMS), the debtor's id (webhook: the receiving system knows its
debtors) or the address on one line (letter, with ``postal_lines`` in print order).
"""

from __future__ import annotations

import base64
import json
import time

import httpx

from notify_svc.domain.channels import Outcome, OutgoingMessage, SendResult
from notify_svc.domain.provider_contract import SIGNATURE_HEADER, sign

_RETRYABLE_4XX = frozenset({408, 425, 429})


class HttpProviderSender:
    def __init__(
        self,
        provider: str,
        url: str,
        secret: str,
        *,
        sender: str,
        callback_url: str,
        timeout: float,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.provider = provider
        self._url = url
        self._secret = secret
        self._sender = sender
        self._callback_url = callback_url
        self._client = client or httpx.AsyncClient(timeout=timeout)

    def body(self, message: OutgoingMessage) -> bytes:
        document = {
            "message_id": message.message_id,
            "channel": message.channel,
            "to": message.to,
            "sender": self._sender or message.sender_name,
            "subject": message.subject,
            "text": message.text,
            "tenant_id": message.tenant_id,
            "debtor_id": message.debtor_id,
            "callback_url": self._callback_url,
            "postal_lines": list(message.postal_lines),
            "documents": [
                {
                    "filename": a.filename,
                    "media_type": a.media_type,
                    "content_base64": base64.b64encode(a.content).decode(),
                }
                for a in message.attachments
            ],
        }
        return json.dumps(document, ensure_ascii=False).encode()

    async def send(self, message: OutgoingMessage) -> SendResult:
        body = self.body(message)
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": message.message_id,
            SIGNATURE_HEADER: sign(self._secret, body, int(time.time())),
        }
        try:
            response = await self._client.post(self._url, content=body, headers=headers)
        except httpx.TimeoutException as error:
            return self._result(Outcome.TRANSIENT, f"timed out: {type(error).__name__}")
        except httpx.TransportError as error:
            return self._result(Outcome.TRANSIENT, f"unreachable: {error or type(error).__name__}")
        return self._answer(response, message)

    def _answer(self, response: httpx.Response, message: OutgoingMessage) -> SendResult:
        code = response.status_code
        detail = f"HTTP {code} {response.reason_phrase}: {response.text[:300]}".strip()
        if 200 <= code < 300:
            provider_id = _field(response, "provider_message_id") or message.message_id
            return self._result(Outcome.ACCEPTED, f"HTTP {code}", str(provider_id))
        if code >= 500 or code in _RETRYABLE_4XX:
            return self._result(Outcome.TRANSIENT, detail)
        refused = _field(response, "recipient_refused") is True
        return SendResult(Outcome.PERMANENT, detail, self.provider, recipient_refused=refused)

    def _result(self, outcome: Outcome, detail: str, provider_id: str | None = None) -> SendResult:
        return SendResult(outcome, detail, self.provider, provider_id)

    async def close(self) -> None:
        await self._client.aclose()


def _field(response: httpx.Response, name: str) -> object:
    try:
        data = response.json()
    except ValueError:
        return None
    return data.get(name) if isinstance(data, dict) else None
