"""Which channels reach a debtor, and where a step falls back when one does not.

A channel is usable when escalation's copy of the debtor has a usable address for it (an
email; an SMS-capable phone; a postal address for letters), the debtor has not opted out of
it, no do-not-contact or cease-contact restriction covers it, and notify has not reported
it failed for good (a permanent failure, a hard bounce). A step's channel that is not
usable falls back to the debtor's next usable channel in :data:`FALLBACK_ORDER` that the
step does not use already; with none left, the step records a "no usable contact" task.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from debtflow_shared.catalog.notification import NotificationChannel

FALLBACK_ORDER = (NotificationChannel.EMAIL, NotificationChannel.SMS, NotificationChannel.LETTER)


@dataclass(frozen=True)
class Reachability:
    """What escalation knows of how to reach one debtor."""

    addresses: dict[NotificationChannel, tuple[str, ...]]
    """usable addresses per channel, from the debtor's profile"""
    blocked: frozenset[NotificationChannel] = frozenset()
    """opted out, restricted, or failed for good"""
    failed_addresses: frozenset[tuple[str, str]] = frozenset()
    """(channel, address) pairs notify reported unusable"""

    def usable(self, channel: NotificationChannel) -> bool:
        if channel in self.blocked:
            return False
        return any(
            (channel.value, address) not in self.failed_addresses
            and (channel.value, "*") not in self.failed_addresses
            for address in self.addresses.get(channel, ())
        )


def addresses_from_profile(
    contacts_json: str, *, has_postal_address: bool
) -> dict[NotificationChannel, tuple[str, ...]]:
    emails: list[str] = []
    phones: list[str] = []
    postal: list[str] = ["postal-address"] if has_postal_address else []
    for contact in json.loads(contacts_json):
        if not contact.get("usable", True):
            continue
        kind, value = contact.get("kind"), contact.get("value", "")
        if kind == "email":
            emails.append(value)
        elif kind == "phone" and contact.get("sms_capable"):
            phones.append(value)
        elif kind == "postal":
            postal.append(value)
    return {
        NotificationChannel.EMAIL: tuple(emails),
        NotificationChannel.SMS: tuple(phones),
        NotificationChannel.LETTER: tuple(postal),
    }


def channels_for_step(
    wanted: Iterable[NotificationChannel], reach: Reachability, *, used: Collection[str] = ()
) -> tuple[list[NotificationChannel], list[NotificationChannel]]:
    """The channels a step sends on, and those of its own it could not use.

    Each unusable channel is replaced by the next usable one of :data:`FALLBACK_ORDER` that
    the step does not send on yet (nor ``used`` already, by an earlier attempt of it).
    """
    chosen: list[NotificationChannel] = []
    unusable: list[NotificationChannel] = []
    taken = {NotificationChannel(c) for c in used}
    wanted = list(wanted)
    for channel in wanted:
        if reach.usable(channel) and channel not in chosen and channel not in taken:
            chosen.append(channel)
        else:
            unusable.append(channel)
    for _ in unusable:
        spare = next(
            (
                c
                for c in FALLBACK_ORDER
                if c not in chosen and c not in taken and c not in wanted and reach.usable(c)
            ),
            None,
        )
        if spare is not None:
            chosen.append(spare)
    return chosen, unusable
