"""Bad messages go to <topic>.dlq with their reason; the partition keeps flowing."""

from __future__ import annotations

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.catalog import payload_dict
from debtflow_shared.envelope import Envelope
from tests.support.events import debtor_event
from tests.support.harness import T0, Backend, eventually
from tests.support.probe_service import PROBE, times_handled


def _envelope_message(data: dict[str, object], subject: str = "d-1") -> OutboundMessage:
    envelope = Envelope(
        type="debtor.upserted",
        source="test",
        subject=subject,
        time=T0,
        tenantid="t",
        correlationid="c-1",
        causationid="c-1",
        data=data,
    )
    return OutboundMessage("debtor.upserted", envelope.key, envelope.to_bytes())


async def test_malformed_and_always_failing_messages_are_dead_lettered_and_the_rest_flow(
    backend: Backend,
) -> None:
    not_json = OutboundMessage("debtor.upserted", "t:d-1", b"{not json")
    invalid_payload = _envelope_message({"debtor_id": "d-1", "version": 1})  # no name, country
    always_fails = _envelope_message(payload_dict(debtor_event("d-1", name="FAIL")))
    good = _envelope_message(payload_dict(debtor_event("d-1", name="Good Ltd")))

    async with (
        backend.probe("debtor.upserted.dlq") as dead,
        backend.service(PROBE) as probe,
    ):
        await backend.raw_publish([not_json, invalid_payload, always_fails, good])
        await eventually(
            lambda: times_handled(probe, "d-1"),
            within=30,
            message="the good message behind the bad ones was never handled",
        )
        await eventually(lambda: len(dead.messages) == 3, within=30)

    by_value = {message.value: message for message in dead.messages}
    assert set(by_value) == {not_json.value, invalid_payload.value, always_fails.value}
    for bad, reason in (
        (not_json, b"invalid"),
        (invalid_payload, b"invalid"),
        (always_fails, b"handler_failed"),
    ):
        letter = by_value[bad.value]
        assert letter.header("dlq.reason") == reason
        assert letter.header("dlq.topic") == b"debtor.upserted"
        assert letter.header("dlq.group") == b"probe-svc"
        assert letter.header("dlq.partition") is not None
        assert letter.header("dlq.offset") is not None
        assert letter.key == "t:d-1"
    assert b"AlwaysFails" in (by_value[always_fails.value].header("dlq.error") or b"")
    assert b"country" in (by_value[invalid_payload.value].header("dlq.error") or b"")
