"""SMS over the HTTP provider contract: signed requests out, signed receipts in."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from debtflow_shared.catalog.notification import (
    ContactOptedOut,
    NotificationBounced,
    NotificationDelivered,
    NotificationSent,
)
from notify_svc.domain.provider_contract import ForgedSignature, sign, verify
from tests.notify_svc.notify_world import (
    MOBILE,
    SMS_SECRET,
    Notify,
    creditor,
    debtor,
    invoice_state,
    issued,
    provider_overrides,
    running_notify,
    sms_request,
    texting_debtor,
)
from tests.notify_svc.provider_server import ProviderServer, provider_server, signed_receipt
from tests.support.harness import Backend, eventually


@pytest.fixture
def provider() -> Iterator[ProviderServer]:
    with provider_server() as server:
        yield server


async def _sent_sms(notify: Notify, provider: ProviderServer) -> dict[str, object]:
    await notify.publish(texting_debtor(), creditor(), issued(invoice_state()))
    await notify.publish(sms_request())
    await eventually(lambda: len(provider.accepted()) == 1)
    await eventually(lambda: _status(notify, "sent"))
    return provider.accepted()[0].json


async def _status(notify: Notify, status: str) -> bool:
    items = await notify.notifications()
    return bool(items) and items[0]["status"] == status


async def _receipt(notify: Notify, receipt: dict[str, object], secret: str = SMS_SECRET) -> int:
    body, headers = signed_receipt(secret, receipt)
    response = await notify.client.post("/v1/providers/sms/receipts", content=body, headers=headers)
    return response.status_code


async def test_an_sms_reaches_the_provider_signed_with_the_providers_secret(
    backend: Backend, provider: ProviderServer
) -> None:
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **provider_overrides(provider.url)) as notify,
    ):
        message = await _sent_sms(notify, provider)
        await eventually(lambda: len(sent.messages) == 1)

    (request,) = provider.accepted()
    verify(SMS_SECRET, request.body, request.headers["X-Debtflow-Signature"], time.time())
    with pytest.raises(ForgedSignature):
        verify("another-secret", request.body, request.headers["X-Debtflow-Signature"], time.time())
    assert message["channel"] == "sms"
    assert message["to"] == MOBILE
    text = str(message["text"])
    assert "Northwind Supplies Ltd" in text
    assert "£1,320.00" in text
    assert "https://pay.northwind.example/acme" in text
    assert "disputes@northwind.example" in text
    assert "Reply STOP to opt out" in text
    assert request.headers["Idempotency-Key"] == message["message_id"]
    assert message["callback_url"] == "http://notify.test/v1/providers/sms/receipts"
    event = sent.envelopes()[0].data
    assert event["channel"] == "sms"
    assert event["address"] == MOBILE
    assert event["provider_message_id"] == "p-1"


async def test_a_phone_not_flagged_sms_capable_is_never_texted(
    backend: Backend, provider: ProviderServer
) -> None:
    desk = [
        {"kind": "email", "value": "ap@acme.example"},
        {"kind": "phone", "value": MOBILE, "sms_capable": False},
    ]
    async with running_notify(backend, **provider_overrides(provider.url)) as notify:
        await notify.publish(debtor(contacts=desk), creditor(), issued(invoice_state()))
        await notify.publish(sms_request())
        await eventually(lambda: _reason(notify, "no usable SMS-capable phone number"))
        (item,) = await notify.notifications()
    assert item["waiting_for"] == "no_usable_address"
    assert provider.received == []


async def _reason(notify: Notify, fragment: str) -> bool:
    """Deferred for this reason (not merely waiting for the debtor's copy to arrive)."""
    items = await notify.notifications()
    return bool(items) and fragment in (items[0]["status_reason"] or "")


async def test_a_signed_delivery_receipt_announces_the_sms_delivered_once(
    backend: Backend, provider: ProviderServer
) -> None:
    async with (
        backend.probe(NotificationDelivered.event_type) as delivered,
        running_notify(backend, **provider_overrides(provider.url)) as notify,
    ):
        message = await _sent_sms(notify, provider)
        receipt = {"message_id": message["message_id"], "status": "delivered"}
        assert await _receipt(notify, receipt) == 202
        assert await _receipt(notify, receipt) == 200
        await eventually(lambda: len(delivered.messages) == 1)
    assert delivered.envelopes()[0].data["channel"] == "sms"


async def test_a_forged_or_replayed_delivery_receipt_is_refused(
    backend: Backend, provider: ProviderServer
) -> None:
    async with (
        backend.probe(NotificationDelivered.event_type) as delivered,
        running_notify(backend, **provider_overrides(provider.url)) as notify,
    ):
        message = await _sent_sms(notify, provider)
        receipt = {"message_id": message["message_id"], "status": "delivered"}
        assert await _receipt(notify, receipt, secret="guessed-secret") == 401
        body = json.dumps(receipt).encode()
        stale = sign(SMS_SECRET, body, int(time.time()) - 3_600)
        replayed = await notify.client.post(
            "/v1/providers/sms/receipts",
            content=body,
            headers={"Content-Type": "application/json", "X-Debtflow-Signature": stale},
        )
        assert replayed.status_code == 401
        unsigned = await notify.client.post("/v1/providers/sms/receipts", json=receipt)
        assert unsigned.status_code == 401
        assert unsigned.json()["type"].endswith("signature")
        # The real one still counts, so nothing above was recorded.
        assert await _receipt(notify, receipt) == 202
        await eventually(lambda: len(delivered.messages) == 1)


async def test_a_hard_bounce_receipt_suppresses_the_number_and_is_announced(
    backend: Backend, provider: ProviderServer
) -> None:
    async with (
        backend.probe(NotificationBounced.event_type) as bounced,
        running_notify(backend, **provider_overrides(provider.url)) as notify,
    ):
        message = await _sent_sms(notify, provider)
        receipt = {
            "message_id": message["message_id"],
            "status": "bounced",
            "bounce": "hard",
            "reason": "number not in service",
        }
        assert await _receipt(notify, receipt) == 202
        await eventually(lambda: len(bounced.messages) == 1)
        suppressions = (await notify.get("/v1/suppressions")).json()["items"]
    event = bounced.envelopes()[0].data
    assert (event["channel"], event["address"], event["suppressed"]) == ("sms", MOBILE, True)
    assert [(s["channel"], s["address"]) for s in suppressions] == [("sms", MOBILE)]


async def test_a_stop_reply_opts_the_number_out(backend: Backend, provider: ProviderServer) -> None:
    async with (
        backend.probe(ContactOptedOut.event_type) as opted_out,
        running_notify(backend, **provider_overrides(provider.url)) as notify,
    ):
        message = await _sent_sms(notify, provider)
        receipt = {"message_id": message["message_id"], "status": "opted_out", "reason": "STOP"}
        assert await _receipt(notify, receipt) == 202
        assert await _receipt(notify, receipt) == 200
        await eventually(lambda: len(opted_out.messages) == 1)
    event = opted_out.envelopes()[0].data
    assert (event["channel"], event["address"]) == ("sms", MOBILE)
    assert event["source"] == "sms_stop_reply"


async def test_a_webhook_message_reaches_the_configured_url_signed_and_addressed_by_debtor(
    backend: Backend, provider: ProviderServer
) -> None:
    overrides = provider_overrides(provider.url) | {
        "sms_provider_url": None,
        "webhook_url": provider.url,
        "webhook_secret": "test-webhook-secret",
    }
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **overrides) as notify,
    ):
        await notify.publish(debtor(), creditor(), issued(invoice_state()))
        await notify.publish(sms_request(channel="webhook"))
        await eventually(lambda: len(sent.messages) == 1)
    (request,) = provider.accepted()
    verify(
        "test-webhook-secret", request.body, request.headers["X-Debtflow-Signature"], time.time()
    )
    message = request.json
    assert (message["channel"], message["to"], message["debtor_id"]) == ("webhook", "d-1", "d-1")
    assert message["subject"] == "Payment overdue: £1,320.00 - Northwind Supplies Ltd"
    assert "£1,320.00" in message["text"]
    assert message["callback_url"] == "http://notify.test/v1/providers/webhook/receipts"
    assert sent.envelopes()[0].data["provider"] == "webhook-http"


async def test_an_sms_request_without_a_configured_provider_fails_for_a_fallback(
    backend: Backend,
) -> None:
    async with running_notify(backend, dispatch_seconds=0.1) as notify:
        await notify.publish(texting_debtor(), creditor(), issued(invoice_state()))
        await notify.publish(sms_request())
        await eventually(lambda: _status(notify, "cancelled"))
        (item,) = await notify.notifications()
    assert "no sms channel is configured" in item["status_reason"]
