"""debtor.upserted has v1 and v2 on one topic; a v1 message reads as v2."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from debtflow_shared.catalog import CATALOG
from debtflow_shared.catalog.debtor import (
    Contact,
    ContactKind,
    DebtorUpserted,
    DebtorUpsertedV2,
    PhoneContact,
    e164_or_none,
)


def test_debtor_upserted_has_a_v1_and_a_v2_payload_on_one_topic() -> None:
    assert CATALOG.spec("debtor.upserted", "v1").payload is DebtorUpserted
    assert CATALOG.spec("debtor.upserted", "v2").payload is DebtorUpsertedV2


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("+44 (20) 7946-0000", "+442079460000"),
        ("0049 30 123456", "+4930123456"),
        ("020 7946 0000", None),
        ("+0 123", None),
        ("+\u0664\u0664 20 7946", None),  # Arabic-Indic digits: E.164 is ASCII digits
    ],
)
def test_a_phone_is_read_as_e164_only_when_written_internationally(
    written: str, e164: str | None
) -> None:
    assert e164_or_none(written) == e164


def test_a_v1_payload_reads_as_v2_without_an_address_and_without_unreadable_phones() -> None:
    v1 = DebtorUpserted(
        debtor_id="d-1",
        version=3,
        name="Acme",
        country="GB",
        currency="GBP",
        tags=("wholesale",),
        contacts=(
            Contact(kind=ContactKind.PHONE, value="+44 7700 900123", label="mobile"),
            Contact(kind=ContactKind.PHONE, value="07700 900123"),
        ),
    )
    v2 = DebtorUpsertedV2.from_v1(v1)
    assert v2.postal_address is None
    assert v2.tags == ("wholesale",)
    assert v2.contacts == (
        PhoneContact(kind=ContactKind.PHONE, value="+447700900123", label="mobile"),
    )


def test_a_v2_phone_must_be_e164() -> None:
    with pytest.raises(ValidationError, match=r"contacts\.0\.phone\.value"):
        DebtorUpsertedV2.model_validate(
            {
                "debtor_id": "d-1",
                "version": 1,
                "name": "Acme",
                "country": "GB",
                "currency": "GBP",
                "contacts": [{"kind": "phone", "value": "07700 900123"}],
            }
        )
