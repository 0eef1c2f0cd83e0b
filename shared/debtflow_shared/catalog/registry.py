"""The catalog of integration events: one typed, versioned payload per topic.

Payload classes declare their topic and version as class variables and register
themselves with :func:`event`. The catalog is the single source of truth for the
contract: consumers validate against it, and ``docs/asyncapi.yaml`` is generated from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

from debtflow_shared.envelope import Envelope


class EventPayload(BaseModel):
    """Base of every event payload: immutable, strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # The topic and payload version, set by @event. Named so no payload field can clash.
    event_type: ClassVar[str]
    schema_version: ClassVar[str]


@dataclass(frozen=True)
class EventSpec:
    topic: str
    version: str
    payload: type[EventPayload]
    producer: str
    summary: str


class UnknownEventType(LookupError):
    """The topic or payload version is not in the catalog."""


class Catalog:
    def __init__(self) -> None:
        self._specs: dict[tuple[str, str], EventSpec] = {}

    def register(self, spec: EventSpec) -> None:
        key = (spec.topic, spec.version)
        if key in self._specs:
            raise ValueError(f"{spec.topic} {spec.version} is already in the catalog")
        self._specs[key] = spec

    def spec(self, topic: str, version: str) -> EventSpec:
        try:
            return self._specs[(topic, version)]
        except KeyError:
            raise UnknownEventType(f"no payload {version} for topic {topic!r}") from None

    def __iter__(self) -> Iterator[EventSpec]:
        return iter(sorted(self._specs.values(), key=lambda s: (s.topic, s.version)))

    def topics(self) -> list[str]:
        return sorted({spec.topic for spec in self._specs.values()})

    def parse(self, envelope: Envelope) -> EventPayload:
        """Validate an envelope's data against the payload its type and version name."""
        spec = self.spec(envelope.type, envelope.dataschema)
        return spec.payload.model_validate(envelope.data)


CATALOG = Catalog()

P = TypeVar("P", bound=type[EventPayload])


def event(topic: str, *, version: str = "v1", producer: str) -> Callable[[P], P]:
    """Class decorator: register a payload class as ``topic`` at ``version``."""

    def register(cls: P) -> P:
        cls.event_type = topic
        cls.schema_version = version
        summary = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else topic
        CATALOG.register(EventSpec(topic, version, cls, producer, summary))
        return cls

    return register


def payload_dict(payload: EventPayload) -> dict[str, Any]:
    """The JSON-ready form of a payload (decimals as strings, dates as ISO 8601)."""
    return payload.model_dump(mode="json")
