"""Replaying dead letters: each one published again, then (where the bus can) marked replayed.

Publishing comes first: a replay interrupted between the two sends that letter again next
time, and the inboxes drop what was already applied. Replay times are the machine's clock,
like ``dlq.time``, never the business clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.dlq.letter import DeadLetter, DeadLetterSource

Publish = Callable[[Sequence[OutboundMessage]], Awaitable[None]]


@dataclass(frozen=True)
class ReplayPlan:
    """What a replay of the selected dead letters sends, and what it leaves out."""

    to_replay: list[DeadLetter]
    already_replayed: list[DeadLetter]


def plan_replay(letters: Sequence[DeadLetter], *, again: bool = False) -> ReplayPlan:
    """Leave out letters replayed before (embedded store only), unless ``again``."""
    if again:
        return ReplayPlan(list(letters), [])
    return ReplayPlan(
        [letter for letter in letters if letter.replayed_at is None],
        [letter for letter in letters if letter.replayed_at is not None],
    )


async def replay(
    letters: Sequence[DeadLetter],
    *,
    source: DeadLetterSource,
    publish: Publish,
    on_replayed: Callable[[DeadLetter], None] = lambda _letter: None,
) -> int:
    """Publish each letter on its original topic, oldest first, one at a time; how many.

    One at a time keeps a key's messages in their order and lets the caller show progress.
    """
    for letter in letters:
        at = datetime.now(UTC)
        await publish([letter.replay_message(at)])
        await source.mark_replayed(letter, at)
        on_replayed(letter)
    return len(letters)
