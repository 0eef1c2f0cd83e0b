"""credit_hold.requested / credit_release.requested: one announcement per change."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from invoice_svc.adapters.credit_state_repository import CreditStateRepository
from tests.invoice_svc.escalation_world import answers, command, ledger_with_commands
from tests.invoice_svc.ledger_world import Ledger, money
from tests.support.harness import Backend, eventually


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with ledger_with_commands(backend) as world:
        yield world


def hold(debtor: str, request_id: str) -> dict[str, str]:
    return {"request_id": request_id, "debtor_id": debtor, "reason": "45 days overdue"}


async def test_credit_hold_requested_twice_announces_one_hold(
    ledger: Ledger, backend: Backend
) -> None:
    async with backend.probe("debtor.credit_hold") as seen:
        debtor, other = await ledger.debtor("C-1"), await ledger.debtor("C-2")
        await backend.raw_publish(
            [
                command("credit_hold.requested", hold(debtor, "h1"), debtor),
                command("credit_hold.requested", hold(debtor, "h1"), debtor),
                # Keyed like the two above, so handled after them: a marker.
                command("credit_hold.requested", hold(other, "marker"), debtor),
            ]
        )
        await eventually(lambda: len(seen.messages) == 2)
    # The marker's event is keyed by another debtor: no order between the two, compare sets.
    seen_pairs = sorted((e.data["debtor_id"], e.data["request_id"]) for e in seen.envelopes())
    assert seen_pairs == sorted([(debtor, "h1"), (other, "marker")])
    assert {e.data["reason"] for e in seen.envelopes()} == {"requested"}


async def test_release_requested_after_a_requested_hold_announces_the_release(
    ledger: Ledger, backend: Backend
) -> None:
    async with backend.probe("debtor.credit_released") as seen:
        debtor = await ledger.debtor()
        await backend.raw_publish([command("credit_hold.requested", hold(debtor, "h1"), debtor)])
        await eventually(lambda: _held_on_request(ledger, debtor))
        await backend.raw_publish([command("credit_release.requested", hold(debtor, "r1"), debtor)])
        await eventually(lambda: len(seen.messages) == 1)
    assert seen.envelopes()[0].data["request_id"] == "r1"


async def _held_on_request(ledger: Ledger, debtor: str) -> bool:
    async with ledger.runtime.uow() as uow:
        state = await CreditStateRepository(uow.session).get(ledger.tenant, debtor)
    return state.held_on_request


async def test_requested_hold_is_recorded_on_the_debtor(ledger: Ledger, backend: Backend) -> None:
    async with backend.probe("debtor.credit_hold") as seen:
        debtor = await ledger.debtor()
        await backend.raw_publish([command("credit_hold.requested", hold(debtor, "h1"), debtor)])
        await eventually(lambda: len(seen.messages) == 1)
    async with ledger.runtime.uow() as uow:
        state = await CreditStateRepository(uow.session).get(ledger.tenant, debtor)
    assert (state.on_hold, state.held_on_request, state.held_for_limit) == (True, True, False)


async def test_an_old_hold_request_resent_after_its_release_does_not_hold_again(
    ledger: Ledger, backend: Backend
) -> None:
    async with backend.probe("debtor.credit_hold") as holds:
        debtor = await ledger.debtor()
        await backend.raw_publish([command("credit_hold.requested", hold(debtor, "h1"), debtor)])
        await eventually(lambda: len(holds.messages) == 1)
        await backend.raw_publish([command("credit_release.requested", hold(debtor, "r1"), debtor)])
        await eventually(lambda: _released(ledger, debtor))
        # A new event id carrying the same request: the request acted already.
        await backend.raw_publish([command("credit_hold.requested", hold(debtor, "h1"), debtor)])
        await backend.raw_publish([command("credit_hold.requested", hold(debtor, "h2"), debtor)])
        await eventually(lambda: len(holds.messages) == 2)
    assert [e.data["request_id"] for e in holds.envelopes()] == ["h1", "h2"]


async def _released(ledger: Ledger, debtor: str) -> bool:
    return not await _held_on_request(ledger, debtor)


async def requested(
    backend: Backend, debtor: str, commands: list[tuple[str, dict[str, str]]], *, expected: int
) -> list[Any]:
    """Send the commands (keyed by ``debtor``) and return every outcome, once ``expected``."""
    outcomes = (
        "debtor.credit_hold",
        "debtor.credit_released",
        "credit_hold.declined",
        "credit_release.declined",
    )
    async with backend.probe(*outcomes) as seen:
        await backend.raw_publish([command(topic, data, debtor) for topic, data in commands])
        await eventually(lambda: len(seen.messages) == expected)
    return seen.envelopes()


async def _answered(ledger: Ledger, request_id: str) -> bool:
    return bool(await answers(ledger, request_id))


async def test_a_hold_requested_for_a_debtor_held_already_is_declined_and_still_recorded(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor()
    first, second = hold(debtor, "h1"), hold(debtor, "h2")
    await requested(
        backend,
        debtor,
        [("credit_hold.requested", first), ("credit_hold.requested", second)],
        expected=2,
    )
    [answer] = await answers(ledger, "h2")
    assert (answer.type, answer.data["reason"]) == ("credit_hold.declined", "already_on_hold")
    assert answer.data["message"] == "the debtor is on credit hold already (on request)"


async def test_a_hold_requested_for_an_unknown_debtor_is_declined_once(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor()
    unknown = hold("no-such-debtor", "h1")
    marker = ("credit_hold.requested", hold(debtor, "m"))
    await requested(
        backend,
        debtor,
        [("credit_hold.requested", unknown), ("credit_hold.requested", unknown), marker],
        expected=2,
    )
    [answer] = await answers(ledger, "h1")
    assert (answer.type, answer.data["reason"]) == ("credit_hold.declined", "unknown_debtor")


async def test_a_release_without_a_requested_hold_is_declined_once(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor()
    release = ("credit_release.requested", hold(debtor, "r1"))
    marker = ("credit_release.requested", hold(debtor, "m"))  # the same topic: after them
    await requested(backend, debtor, [release, release, marker], expected=2)
    [answer] = await answers(ledger, "r1")
    assert (answer.type, answer.data["reason"]) == (
        "credit_release.declined",
        "not_held_on_request",
    )


async def test_a_release_while_over_the_credit_limit_lifts_the_request_but_keeps_the_hold(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor(credit_policy={"credit_limit": money(5_000)})
    await ledger.invoice(debtor, 10_000)  # over the limit: held for it
    # Two topics: no order between them, so the release is sent once the hold is answered.
    await backend.raw_publish([command("credit_hold.requested", hold(debtor, "h1"), debtor)])
    await eventually(lambda: _answered(ledger, "h1"))
    await backend.raw_publish([command("credit_release.requested", hold(debtor, "r1"), debtor)])
    await eventually(lambda: _answered(ledger, "r1"))
    [held] = await answers(ledger, "h1")
    assert (held.type, held.data["reason"]) == ("credit_hold.declined", "already_on_hold")
    [answer] = await answers(ledger, "r1")
    assert (answer.type, answer.data["reason"]) == ("credit_release.declined", "over_credit_limit")
    async with ledger.runtime.uow() as uow:
        state = await CreditStateRepository(uow.session).get(ledger.tenant, debtor)
    assert (state.on_hold, state.held_on_request, state.held_for_limit) == (True, False, True)
