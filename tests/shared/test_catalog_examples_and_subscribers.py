"""Every topic shows a valid example and names who consumes it, in the catalog and the
AsyncAPI document alike."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
import yaml

from debtflow_cli.main import render_asyncapi
from debtflow_shared.catalog import CATALOG, EventSpec
from debtflow_shared.catalog.examples import examples_of
from debtflow_shared.catalog.subscriptions import PARTIES, SUBSCRIBERS
from debtflow_shared.envelope import Envelope

# The topics issue 9 adds for escalation-svc, notify-svc and analytics-svc.
COLLECTION_TOPICS = {
    "notification.requested",
    "notification.cancelled",
    "notification.sent",
    "notification.delivered",
    "notification.failed",
    "notification.bounced",
    "contact.opted_out",
    "contact.restricted",
    "debtor.risk_scored",
    "case.opened",
    "escalation.step_executed",
    "case.paused",
    "case.resumed",
    "case.resolved",
    "case.handed_off",
    "promise.made",
    "promise.kept",
    "promise.broken",
    "plan.created",
    "plan.installment_due",
    "plan.installment_missed",
    "plan.completed",
    "plan.defaulted",
    "settlement.offered",
    "settlement.accepted",
    "settlement.lapsed",
    "task.created",
    "task.completed",
}
COLLECTION_SPECS = [spec for spec in CATALOG if spec.topic in COLLECTION_TOPICS]


@cache
def _document() -> dict[str, Any]:
    # Rendered once for the module: generating the document takes about a second.
    document: dict[str, Any] = yaml.safe_load(render_asyncapi())
    return document


def test_every_collection_topic_is_in_the_catalog() -> None:
    assert set(CATALOG.topics()) >= COLLECTION_TOPICS


def test_every_collection_topic_is_a_channel_of_the_asyncapi_document() -> None:
    channels = _document()["channels"]
    assert {channel["address"] for channel in channels.values()} >= COLLECTION_TOPICS


@pytest.mark.parametrize("spec", COLLECTION_SPECS, ids=lambda spec: spec.topic)
def test_every_collection_topic_has_an_example_that_validates_against_its_own_model(
    spec: EventSpec,
) -> None:
    examples = examples_of(spec.payload)
    assert examples, f"{spec.topic} shows no example"
    for example in examples:
        spec.payload.model_validate(example)


@pytest.mark.parametrize("spec", list(CATALOG), ids=lambda spec: f"{spec.topic}-{spec.version}")
def test_every_example_in_the_asyncapi_document_parses_as_its_message(spec: EventSpec) -> None:
    messages = _document()["components"]["messages"]
    name = spec.payload.__name__
    message = messages.get(f"{name}{spec.version.upper()}") or messages[name]
    for example in message.get("examples", []):
        envelope = Envelope.model_validate(example["payload"])
        assert (envelope.type, envelope.dataschema) == (spec.topic, spec.version)
        assert isinstance(CATALOG.parse(envelope), spec.payload)


def test_collection_messages_show_their_example_in_the_asyncapi_document() -> None:
    messages = _document()["components"]["messages"]
    for spec in COLLECTION_SPECS:
        message = messages[f"{spec.payload.__name__}{spec.version.upper()}"]
        assert message["examples"], spec.topic


def test_every_catalog_topic_names_its_consumers_and_nothing_else_is_named() -> None:
    assert set(SUBSCRIBERS) == set(CATALOG.topics())
    for topic, consumers in SUBSCRIBERS.items():
        assert consumers, f"{topic} names no consumer"
        assert set(consumers) <= PARTIES, topic


def test_no_service_consumes_what_it_produces() -> None:
    for spec in CATALOG:
        assert spec.producer not in SUBSCRIBERS[spec.topic], spec.topic


def test_asyncapi_document_has_a_receive_operation_per_consumer() -> None:
    operations = _document()["operations"]
    received = {
        (operation["channel"]["$ref"].removeprefix("#/channels/"), operation["summary"])
        for operation in operations.values()
        if operation["action"] == "receive"
    }
    for topic, consumers in SUBSCRIBERS.items():
        for consumer in consumers:
            channel = topic.replace(".", "_")
            assert (channel, f"{consumer} consumes {topic}") in received


def test_every_collection_payload_says_what_it_means_in_its_message_summary() -> None:
    for spec in COLLECTION_SPECS:
        assert spec.summary, spec.topic
        assert spec.summary != spec.topic
