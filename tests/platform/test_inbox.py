"""The same event delivered twice has its effect once, also across a consumer restart."""

from __future__ import annotations

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.catalog import payload_dict
from debtflow_shared.envelope import Envelope
from tests.support.events import debtor_event
from tests.support.harness import T0, Backend, eventually
from tests.support.probe_service import PROBE, times_handled


def _message(debtor_id: str) -> OutboundMessage:
    envelope = Envelope(
        type="debtor.upserted",
        source="test",
        subject=debtor_id,
        time=T0,
        tenantid="t",
        correlationid="c-1",
        causationid="c-1",
        data=payload_dict(debtor_event(debtor_id)),
    )
    return OutboundMessage("debtor.upserted", envelope.key, envelope.to_bytes())


async def test_event_delivered_twice_has_its_effect_once(backend: Backend) -> None:
    duplicate = _message("d-1")
    marker = _message("d-1-marker")
    async with backend.service(PROBE) as probe:
        await backend.raw_publish([duplicate, duplicate, marker])
        await eventually(lambda: times_handled(probe, "d-1-marker"))
        assert await times_handled(probe, "d-1") == 1


async def test_event_redelivered_after_consumer_restart_has_its_effect_once(
    backend: Backend,
) -> None:
    duplicate = _message("d-2")
    async with backend.service(PROBE) as first_life:
        await backend.raw_publish([duplicate])
        await eventually(lambda: times_handled(first_life, "d-2"))

    async with backend.service(PROBE) as second_life:
        marker = _message("d-2-marker")
        await backend.raw_publish([duplicate, marker])
        await eventually(lambda: times_handled(second_life, "d-2-marker"))
        assert await times_handled(second_life, "d-2") == 1


async def test_a_stopped_service_is_handed_nothing_by_the_bus_that_outlives_it(
    embedded: Backend,
) -> None:
    async with embedded.service(PROBE):
        pass
    # The embedded bus lives on (one process, several services); nobody listens now.
    await embedded.raw_publish([_message("after-stop")])
    async with embedded.service(PROBE) as restarted:
        assert await times_handled(restarted, "after-stop") == 0
