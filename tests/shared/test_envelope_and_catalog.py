"""The CloudEvents envelope and the typed catalog refuse what they cannot trust."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from debtflow_shared.catalog import CATALOG, UnknownEventType, payload_dict
from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.catalog.money import Money, minor_unit_digits
from debtflow_shared.envelope import Envelope, message_key
from tests.support.events import debtor_event
from tests.support.harness import T0


def _envelope(**changes: object) -> Envelope:
    values: dict[str, object] = dict(
        type="debtor.upserted",
        source="invoice-svc",
        subject="d-1",
        time=T0,
        tenantid="t",
        correlationid="c",
        causationid="c",
        data=payload_dict(debtor_event("d-1")),
    )
    return Envelope(**(values | changes))


def test_envelope_round_trips_through_json_bytes() -> None:
    envelope = _envelope()
    assert Envelope.from_bytes(envelope.to_bytes()) == envelope


def test_envelope_time_is_normalised_to_utc() -> None:
    paris = timezone(timedelta(hours=1))
    envelope = _envelope(time=datetime(2026, 3, 2, 10, 0, tzinfo=paris))
    assert envelope.time == T0
    assert envelope.time.utcoffset() == timedelta(0)


def test_envelope_refuses_a_naive_time() -> None:
    with pytest.raises(ValidationError, match="naive"):
        _envelope(time=datetime(2026, 3, 2, 9, 0))


def test_message_key_keeps_one_debtors_events_together() -> None:
    assert _envelope().key == message_key("t", "d-1") == "t:d-1"


def test_catalog_parses_data_into_the_typed_payload() -> None:
    payload = CATALOG.parse(_envelope())
    assert isinstance(payload, DebtorUpserted)
    assert payload.debtor_id == "d-1"


def test_catalog_refuses_an_unknown_payload_version() -> None:
    with pytest.raises(UnknownEventType):
        CATALOG.parse(_envelope(dataschema="v9"))


def test_catalog_refuses_unknown_fields() -> None:
    data = payload_dict(debtor_event("d-1")) | {"surprise": True}
    with pytest.raises(ValidationError, match="surprise"):
        CATALOG.parse(_envelope(data=data))


@pytest.mark.parametrize("amount", [12.5, "1250", True])
def test_money_refuses_anything_but_integer_minor_units(amount: object) -> None:
    with pytest.raises(ValidationError):
        Money(amount_minor=amount, currency="EUR")


@pytest.mark.parametrize("currency", ["XYZ", "eur", "EURO", "DEM"])
def test_money_refuses_unknown_currencies(currency: str) -> None:
    with pytest.raises(ValidationError):
        Money(amount_minor=100, currency=currency)


def test_minor_units_follow_iso_4217() -> None:
    assert (minor_unit_digits("EUR"), minor_unit_digits("JPY"), minor_unit_digits("BHD")) == (
        2,
        0,
        3,
    )
