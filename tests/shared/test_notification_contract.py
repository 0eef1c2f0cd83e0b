"""notification.* and contact.*: escalation says what only it knows; notify resolves the rest."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from debtflow_shared.catalog.examples import examples_of
from debtflow_shared.catalog.notification import (
    NotificationBounced,
    NotificationChannel,
    NotificationRequested,
    notification_dedup_key,
)


def _requested(**changes: Any) -> dict[str, Any]:
    return examples_of(NotificationRequested)[0] | changes


def _rules(**changes: Any) -> dict[str, Any]:
    rules: dict[str, Any] = _requested()["contact_rules"]
    return rules | changes


@pytest.mark.parametrize(
    "field",
    [
        {"amount": {"amount_minor": 132000, "currency": "GBP"}},
        {"open_balance": {"amount_minor": 132000, "currency": "GBP"}},
        {"address": "accounts@example.co.uk"},
        {"email": "accounts@example.co.uk"},
        {"phone": "+447700900123"},
    ],
    ids=lambda field: next(iter(field)),
)
def test_a_notification_request_carrying_an_amount_or_an_address_is_refused(
    field: dict[str, Any],
) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        NotificationRequested.model_validate(_requested(**field))


def test_the_dedup_key_is_the_same_for_the_same_case_step_and_channel() -> None:
    first = notification_dedup_key("case-1", "plus-7", NotificationChannel.EMAIL)
    assert first == notification_dedup_key("case-1", "plus-7", "email")
    assert first.startswith("ntf-")
    assert len(first) == 36


@pytest.mark.parametrize(
    ("case_id", "step", "channel"),
    [("case-2", "plus-7", "email"), ("case-1", "plus-14", "email"), ("case-1", "plus-7", "sms")],
)
def test_the_dedup_key_differs_when_the_case_step_or_channel_does(
    case_id: str, step: str, channel: str
) -> None:
    assert notification_dedup_key(case_id, step, channel) != notification_dedup_key(
        "case-1", "plus-7", "email"
    )


def test_the_dedup_key_cannot_be_forged_by_moving_a_separator_between_the_parts() -> None:
    assert notification_dedup_key("a-b", "c", "email") != notification_dedup_key(
        "a", "b-c", "email"
    )


def test_a_notification_request_whose_key_names_another_step_is_refused() -> None:
    other = notification_dedup_key("case-7f3a", "plus-14-collector-call", "email")
    with pytest.raises(ValidationError, match="dedup_key must be"):
        NotificationRequested.model_validate(_requested(dedup_key=other))


def test_a_notification_request_states_every_contact_rule_rather_than_defaulting() -> None:
    for rule in ("local_from", "local_until", "weekends", "holidays_country", "min_gap_minutes"):
        rules = _rules()
        del rules[rule]
        with pytest.raises(ValidationError, match=rule):
            NotificationRequested.model_validate(_requested(contact_rules=rules))


def test_contact_hours_must_open_before_they_close() -> None:
    with pytest.raises(ValidationError, match="local_from must be before local_until"):
        NotificationRequested.model_validate(
            _requested(contact_rules=_rules(local_from="21:00:00", local_until="08:00:00"))
        )


def test_contact_hours_are_local_wall_clock_times_without_an_offset() -> None:
    with pytest.raises(ValidationError, match="no offset"):
        NotificationRequested.model_validate(
            _requested(contact_rules=_rules(local_from="08:00:00+01:00"))
        )


def test_a_holidays_country_must_be_an_iso_country() -> None:
    with pytest.raises(ValidationError, match="ISO 3166-1"):
        NotificationRequested.model_validate(
            _requested(contact_rules=_rules(holidays_country="UK"))
        )


def test_a_phone_call_is_not_a_notification_channel() -> None:
    with pytest.raises(ValidationError, match="channel"):
        NotificationRequested.model_validate(_requested(channel="phone"))


def test_a_notification_request_expiring_before_it_was_made_is_refused() -> None:
    with pytest.raises(ValidationError, match="expires_at"):
        NotificationRequested.model_validate(_requested(expires_at="2026-03-09T07:59:59Z"))


def test_a_notification_request_with_a_naive_time_is_refused() -> None:
    with pytest.raises(ValidationError, match="requested_at"):
        NotificationRequested.model_validate(_requested(requested_at="2026-03-09T08:00:00"))


def test_instants_are_normalised_to_utc() -> None:
    request = NotificationRequested.model_validate(
        _requested(requested_at="2026-03-09T09:00:00+01:00")
    )
    assert request.requested_at.isoformat() == "2026-03-09T08:00:00+00:00"


def test_a_hard_bounce_always_suppresses_the_address() -> None:
    bounce = examples_of(NotificationBounced)[0] | {"suppressed": False}
    with pytest.raises(ValidationError, match="hard bounce"):
        NotificationBounced.model_validate(bounce)
    NotificationBounced.model_validate(bounce | {"bounce": "soft"})
