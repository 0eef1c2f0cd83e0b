"""escalation-svc's copy of debtors: debtor.upserted v2 with tags, credit policy and phones,
and v1 messages still on the topic."""

from __future__ import annotations

from typing import Any

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.catalog.debtor import ContactKind, DebtorUpsertedV2, PhoneContact
from debtflow_shared.envelope import Envelope
from debtflow_shared.service import ServiceRuntime
from escalation_svc.adapters.debtor_profile_repository import DebtorProfileRepository
from escalation_svc.bootstrap import DEFINITION as ESCALATION
from escalation_svc.domain.debtor_profile import DebtorProfile
from escalation_svc.settings import EscalationSettings
from tests.support.api import api_client, bearer
from tests.support.harness import T0, Backend, eventually

V1: dict[str, Any] = {
    "debtor_id": "d-1",
    "version": 1,
    "name": "Acme Widgets Ltd",
    "contacts": [
        {"kind": "email", "value": "ap@acme.example", "usable": True, "label": None},
        {"kind": "phone", "value": "+44 7700 900123", "usable": True, "label": None},
    ],
    "time_zone": "Europe/London",
    "country": "GB",
    "currency": "GBP",
    "tags": ["wholesale"],
}


def upserted(data: dict[str, Any], dataschema: str) -> OutboundMessage:
    envelope = Envelope(
        type=DebtorUpsertedV2.event_type,
        source="invoice-svc",
        subject=data["debtor_id"],
        time=T0,
        tenantid="tenant-a",
        correlationid="c",
        causationid="c",
        dataschema=dataschema,
        data=data,
    )
    return OutboundMessage(envelope.type, envelope.key, envelope.to_bytes())


async def _profile_once_at(
    escalation: ServiceRuntime, version: int, debtor_id: str = "d-1"
) -> DebtorProfile:
    async def stored() -> DebtorProfile | None:
        async with escalation.uow() as uow:
            profile = await DebtorProfileRepository(uow.session).get("tenant-a", debtor_id)
        return profile if profile is not None and profile.version == version else None

    await eventually(stored, message=f"no profile at version {version}")
    found = await stored()
    assert found is not None
    return found


async def test_a_v1_debtor_upserted_still_on_the_topic_is_consumed_by_escalation(
    backend: Backend,
) -> None:
    async with backend.service(ESCALATION, EscalationSettings) as escalation:
        await backend.raw_publish([upserted(V1, "v1")])
        profile = await _profile_once_at(escalation, 1)
    assert profile.time_zone == "Europe/London"
    assert profile.tags == ("wholesale",)
    assert '"+447700900123"' in profile.contacts_json  # written internationally: E.164


async def test_escalation_stores_the_v2_profile_with_tags_credit_policy_and_phones(
    backend: Backend,
) -> None:
    v2 = V1 | {
        "version": 2,
        "postal_address": {"lines": ["1 High Street"], "city": "London", "country": "GB"},
        "contacts": [{"kind": "phone", "value": "+447700900123", "sms_capable": True}],
        "credit_policy": {
            "payment_terms_days": 14,
            "interest": {"kind": "statutory", "jurisdiction": "GB"},
        },
        "tags": ["key-account", "construction"],
    }
    async with backend.service(ESCALATION, EscalationSettings) as escalation:
        await backend.raw_publish([upserted(V1, "v1"), upserted(v2, "v2")])
        profile = await _profile_once_at(escalation, 2)
        reader = bearer(backend.token("tenant-a", "cases:read"))
        async with api_client(escalation) as client:
            view = (await client.get("/v1/debtors/d-1", headers=reader)).json()
    assert profile.tags == ("key-account", "construction")
    assert profile.credit_policy.payment_terms_days == 14
    assert view["tags"] == ["key-account", "construction"]
    assert view["credit_policy"]["interest"]["jurisdiction"] == "GB"
    assert view["contacts"] == [
        PhoneContact(kind=ContactKind.PHONE, value="+447700900123", sms_capable=True).model_dump(
            mode="json"
        )
    ]


async def test_a_batch_of_upserts_keeps_each_debtors_newest_version_whatever_their_order(
    backend: Backend,
) -> None:
    """The set-based path: versions out of order and a stale re-send in one batch, and a
    later batch older than what is stored, never move a copy back."""
    versions = {"d-1": [2, 3, 1], "d-2": [1], "d-3": [4, 4]}
    batch = [
        upserted(V1 | {"debtor_id": debtor_id, "version": version, "name": f"v{version}"}, "v1")
        for debtor_id, order in versions.items()
        for version in order
    ]
    async with backend.service(ESCALATION, EscalationSettings) as escalation:
        await backend.raw_publish(batch)
        newest = {d: await _profile_once_at(escalation, max(v), d) for d, v in versions.items()}
        await backend.raw_publish([upserted(V1 | {"version": 2, "name": "late"}, "v1")])
        await backend.raw_publish([upserted(V1 | {"debtor_id": "d-2", "version": 2}, "v1")])
        await _profile_once_at(escalation, 2, "d-2")  # the later batch was applied...
        kept = await _profile_once_at(escalation, 3, "d-1")  # ...but d-1 never went back
    assert {d: p.name for d, p in newest.items()} == {"d-1": "v3", "d-2": "v1", "d-3": "v4"}
    assert kept.name == "v3"
