"""The event catalog as an AsyncAPI 3.0 document, for integrators who do not read Python."""

from __future__ import annotations

from typing import Any, Literal
from uuid import NAMESPACE_URL, uuid5

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from debtflow_shared.catalog.examples import examples_of
from debtflow_shared.catalog.registry import CATALOG, Catalog, EventSpec
from debtflow_shared.catalog.subscriptions import subscribers
from debtflow_shared.envelope import Envelope

_KEY_DESCRIPTION = '"<tenantid>:<debtor id>": one debtor\'s events share a partition, in order'
_EXAMPLE_DEBTOR = "d-1001"


def _message_examples(spec: EventSpec) -> list[dict[str, Any]]:
    """The payload's examples, each in the envelope it travels in (ids fixed, so the
    generated document only changes when the catalog does)."""
    examples = []
    for number, data in enumerate(examples_of(spec.payload), start=1):
        debtor = data.get("debtor_id")
        subject = debtor if isinstance(debtor, str) else _EXAMPLE_DEBTOR
        envelope = {
            "specversion": "1.0",
            "id": str(uuid5(NAMESPACE_URL, f"debtflow:{spec.topic}:{spec.version}:{number}")),
            "type": spec.topic,
            "source": spec.producer,
            "subject": subject,
            "time": "2026-03-09T08:00:00Z",
            "tenantid": "acme",
            "correlationid": "req-7d2f9c",
            "causationid": "req-7d2f9c",
            "dataschema": spec.version,
            "datacontenttype": "application/json",
            "data": data,
        }
        examples.append(
            {
                "name": f"{spec.topic.replace('.', '_')}_{spec.version}_{number}",
                "summary": spec.summary,
                "headers": {"content-type": "application/cloudevents+json"},
                "payload": envelope,
            }
        )
    return examples


def _party_id(party: str) -> str:
    return party.lower().replace("-", "_")


def asyncapi_document(catalog: Catalog = CATALOG) -> dict[str, Any]:
    specs = list(catalog)
    models: list[tuple[type[BaseModel], Literal["validation"]]] = [
        (spec.payload, "validation") for spec in specs
    ]
    _, definitions = models_json_schema(models, ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = dict(definitions.get("$defs", {}))
    envelope = Envelope.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas["Envelope"] = envelope

    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for spec in specs:
        # A later version's class already ends in it (DebtorUpsertedV2): not DebtorUpsertedV2V2.
        suffix = spec.version.upper()
        name = spec.payload.__name__
        message_name = name if name.endswith(suffix) else f"{name}{suffix}"
        channel_id = spec.topic.replace(".", "_")
        messages[message_name] = {
            "name": spec.topic,
            "title": f"{spec.topic} ({spec.version})",
            "summary": spec.summary,
            "contentType": "application/cloudevents+json",
            "headers": {
                "type": "object",
                "properties": {
                    "content-type": {"type": "string", "const": "application/cloudevents+json"}
                },
            },
            "bindings": {"kafka": {"key": {"type": "string", "description": _KEY_DESCRIPTION}}},
            **({"examples": examples} if (examples := _message_examples(spec)) else {}),
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/Envelope"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": spec.topic},
                            "source": {"const": spec.producer},
                            "dataschema": {"const": spec.version},
                            "data": {"$ref": f"#/components/schemas/{spec.payload.__name__}"},
                        },
                    },
                ]
            },
        }
        consumers = subscribers(spec.topic)
        consumed = f" Consumed by {', '.join(consumers)}." if consumers else ""
        channel = channels.setdefault(
            channel_id,
            {
                "address": spec.topic,
                "description": (
                    f"Produced by {spec.producer}.{consumed} Dead letters go to {spec.topic}.dlq."
                ),
                "messages": {},
            },
        )
        channel["messages"][message_name] = {"$ref": f"#/components/messages/{message_name}"}
        operations[f"publish_{channel_id}"] = {
            "action": "send",
            "summary": f"{spec.producer} publishes {spec.topic}",
            "channel": {"$ref": f"#/channels/{channel_id}"},
        }
        for consumer in consumers:
            operations[f"receive_{channel_id}_{_party_id(consumer)}"] = {
                "action": "receive",
                "summary": f"{consumer} consumes {spec.topic}",
                "channel": {"$ref": f"#/channels/{channel_id}"},
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "debtflow events",
            "version": "1.0.0",
            "description": (
                "Every message is a CloudEvents 1.0 structured JSON envelope whose `data` is "
                "the payload below, versioned by `dataschema`. Money is always integer minor "
                "units plus an ISO 4217 currency. Consumers deduplicate on `id`. Generated "
                "from the pydantic catalog in shared/debtflow_shared/catalog: do not edit."
            ),
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": {"kafka": {"host": "kafka:9092", "protocol": "kafka"}},
        "channels": dict(sorted(channels.items())),
        "operations": dict(sorted(operations.items())),
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }
