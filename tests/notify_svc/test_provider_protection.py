"""Provider protection: retries with backoff for 5xx and timeouts, 4xx failing at once, a
circuit breaker per provider, and a rate limit honoured under load."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from debtflow_shared.catalog.notification import NotificationFailed, NotificationSent
from notify_svc.adapters.http_provider import HttpProviderSender
from notify_svc.domain.channels import Outcome, OutgoingMessage, SendResult
from notify_svc.domain.circuit_breaker import BreakerState, CircuitBreaker
from notify_svc.service_layer.protected_sender import ProtectedSender
from tests.notify_svc.notify_world import (
    Notify,
    creditor,
    invoice_state,
    issued,
    provider_overrides,
    running_notify,
    sms_request,
    texting_debtor,
)
from tests.notify_svc.provider_server import ProviderServer, provider_server
from tests.support.harness import Backend, eventually


@pytest.fixture
def provider() -> Iterator[ProviderServer]:
    with provider_server() as server:
        yield server


async def _statuses(notify: Notify) -> dict[str, str]:
    return {item["dedup_key"]: item["status"] for item in await notify.notifications(limit=200)}


async def _attempts(notify: Notify) -> list[int]:
    """How many provider attempts each notification has had, fewest first."""
    return sorted(len(item["attempts"]) for item in await notify.notifications(limit=200))


async def _requests(notify: Notify, count: int) -> None:
    await notify.publish(texting_debtor(), creditor(), issued(invoice_state()))
    await notify.publish(*(sms_request(case_id=f"case-{n}") for n in range(count)))
    await eventually(lambda: _count(notify, count))


async def _count(notify: Notify, count: int) -> bool:
    return len(await _statuses(notify)) == count


async def test_a_provider_down_is_retried_its_breaker_opens_then_closes_and_all_go_once(
    backend: Backend, provider: ProviderServer
) -> None:
    provider.default = 503
    overrides = provider_overrides(
        provider.url, breaker_failure_threshold=3, breaker_cooldown_seconds=3.0
    )
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **overrides) as notify,
    ):
        await _requests(notify, 5)
        await eventually(lambda: len(provider.received) == 3)
        # Open: the provider is left alone, the other two wait untouched (no attempt spent).
        await asyncio.sleep(1.0)
        assert len(provider.received) == 3
        assert await _attempts(notify) == [0, 0, 1, 1, 1]
        # Half-open after the cooldown: one trial, still failing, opens it again.
        await eventually(lambda: len(provider.received) == 4, within=15)
        await asyncio.sleep(1.0)
        assert len(provider.received) == 4
        # The provider is back: the next trial succeeds, the breaker closes, the rest go.
        provider.default = 200
        await eventually(lambda: len(provider.accepted()) == 1, within=15)
        backend.clock.advance(timedelta(hours=1))  # the retries' backoff has passed
        await eventually(lambda: len(provider.accepted()) == 5)
        await eventually(lambda: len(sent.messages) == 5)
        statuses = await _statuses(notify)
    assert set(statuses.values()) == {"sent"}
    ids = [r.json["message_id"] for r in provider.accepted()]
    assert len(set(ids)) == 5  # nothing twice
    assert {e.data["dedup_key"] for e in sent.envelopes()} == set(statuses)  # nothing lost


async def test_a_4xx_fails_at_once_without_a_retry(
    backend: Backend, provider: ProviderServer
) -> None:
    provider.default = 400
    async with (
        backend.probe(NotificationFailed.event_type) as failed,
        running_notify(backend, **provider_overrides(provider.url)) as notify,
    ):
        await _requests(notify, 1)
        await eventually(lambda: len(failed.messages) == 1)
        backend.clock.advance(timedelta(days=1))
        await asyncio.sleep(0.5)
        (item,) = await notify.notifications()
    assert len(provider.received) == 1
    assert item["status"] == "failed"
    assert len(item["attempts"]) == 1
    event = failed.envelopes()[0].data
    assert (event["failure"], event["reason_code"]) == ("permanent", "provider_rejected")
    assert "HTTP 400" in event["reason"]


async def test_a_timeout_is_retried_later_with_backoff(
    backend: Backend, provider: ProviderServer
) -> None:
    provider.delay_seconds = 1.5
    overrides = provider_overrides(provider.url, provider_timeout_seconds=0.3)
    async with running_notify(backend, **overrides) as notify:
        await _requests(notify, 1)
        await eventually(lambda: _attempted(notify))
        (item,) = await notify.notifications()
        provider.delay_seconds = 0
        backend.clock.advance(timedelta(hours=1))
        await eventually(lambda: _has_status(notify, "sent"))
        (done,) = await notify.notifications()
    assert item["attempts"][0]["outcome"] == "transient"
    assert "timed out" in item["attempts"][0]["detail"]
    assert [a["outcome"] for a in done["attempts"]] == ["transient", "sent"]


async def _attempted(notify: Notify) -> bool:
    """Deferred after a provider attempt (not merely waiting for the debtor's copy)."""
    items = await notify.notifications()
    return bool(items) and items[0]["status"] == "deferred" and bool(items[0]["attempts"])


async def _has_status(notify: Notify, status: str) -> bool:
    items = await notify.notifications()
    return bool(items) and items[0]["status"] == status


def _message(n: int) -> OutgoingMessage:
    return OutgoingMessage(
        message_id=f"<burst-{n}@northwind.example>",
        to="+447700900123",
        subject="",
        html="",
        text="Please pay",
        sender_name="Northwind",
        reply_to=None,
        unsubscribe_url="",
        channel="sms",
    )


class _Departures:
    """Notes the instant each request leaves the rate limit for the provider."""

    def __init__(self, inner: HttpProviderSender) -> None:
        self.inner = inner
        self.provider = inner.provider
        self.at: list[float] = []

    async def send(self, message: OutgoingMessage) -> SendResult:
        self.at.append(time.monotonic())
        return await self.inner.send(message)


async def test_a_burst_of_a_thousand_to_a_provider_limited_to_20_a_second_goes_at_20_a_second(
    provider: ProviderServer,
) -> None:
    http = HttpProviderSender(
        "sms-http", provider.url, "s", sender="x", callback_url="http://n/cb", timeout=10
    )
    departures = _Departures(http)
    sender = ProtectedSender(departures, per_second=20, failure_threshold=5, cooldown_seconds=30)
    started = time.monotonic()
    results = await asyncio.gather(*(sender.send(_message(n)) for n in range(1_000)))
    elapsed = time.monotonic() - started
    await http.close()
    assert [r.detail for r in results if r.outcome is not Outcome.ACCEPTED] == []
    assert len(provider.accepted()) == 1_000
    at = sorted(departures.at)
    # Any 21 consecutive requests span at least a second: no second holds more than 20.
    assert min(at[i + 20] - at[i] for i in range(len(at) - 20)) >= 1.0 - 1e-3
    assert elapsed >= 999 / 20
    assert elapsed < 999 / 20 + 10  # and it is not throttled much below the limit


async def test_the_dispatcher_sends_at_the_providers_rate(
    backend: Backend, provider: ProviderServer
) -> None:
    overrides = provider_overrides(provider.url, sms_rate_per_second=20)
    async with running_notify(backend, **overrides) as notify:
        await _requests(notify, 41)
        await eventually(lambda: len(provider.accepted()) == 41, within=60)
    at = sorted(r.at for r in provider.accepted())
    assert at[-1] - at[0] >= 40 / 20 - 0.05  # 41 requests at 20/s take two seconds


def _state(breaker: CircuitBreaker) -> BreakerState:
    return breaker.state  # a function call: each read is a new value to the type checker


def test_a_breaker_opens_after_the_threshold_and_lets_one_trial_through_after_cooldown() -> None:
    now = [0.0]
    breaker = CircuitBreaker(2, 10.0, lambda: now[0])
    breaker.failed()
    assert _state(breaker) is BreakerState.CLOSED
    breaker.failed()
    assert _state(breaker) is BreakerState.OPEN
    assert not breaker.allows()
    now[0] = 10.0
    assert _state(breaker) is BreakerState.HALF_OPEN
    assert breaker.allows()
    breaker.started()
    assert not breaker.allows()  # one trial at a time
    breaker.failed()
    assert _state(breaker) is BreakerState.OPEN  # the trial failed: another cooldown
    now[0] = 20.0
    breaker.started()
    breaker.succeeded()
    assert _state(breaker) is BreakerState.CLOSED
    assert breaker.allows()
