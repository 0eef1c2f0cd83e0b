"""The CloudEvents 1.0 envelope (structured JSON) that every message on every topic uses."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator
from uuid6 import uuid7

from debtflow_shared.clock import ensure_utc


def new_event_id() -> UUID:
    """A time-ordered UUIDv7, so ids sort roughly by creation."""
    # A plain uuid.UUID (uuid6 returns its own subclass), built from the int: a third cheaper
    # than through the string, and every event pays it.
    return UUID(int=uuid7().int)


def message_key(tenant_id: str, debtor_id: str) -> str:
    """The Kafka key that keeps one debtor's events on one partition, in order."""
    return f"{tenant_id}:{debtor_id}"


class Envelope(BaseModel):
    """One event on the wire: CloudEvents 1.0 attributes plus debtflow's extensions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: UUID = Field(default_factory=new_event_id)
    type: str = Field(min_length=1, description="the topic name, e.g. invoice.overdue")
    source: str = Field(min_length=1, description="the emitting service, e.g. invoice-svc")
    subject: str = Field(min_length=1, description="the debtor account id the event is about")
    time: datetime = Field(description="RFC 3339 UTC time of the fact, from the service clock")
    tenantid: str = Field(min_length=1, description="the creditor organisation owning the data")
    correlationid: str = Field(min_length=1, description="the request or ERP message that began it")
    causationid: str = Field(min_length=1, description="the event or command that caused this one")
    dataschema: str = Field(default="v1", pattern=r"^v[0-9]+$", description="payload version")
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]

    @field_validator("time")
    @classmethod
    def _time_is_utc(cls, value: datetime) -> datetime:
        return ensure_utc(value)

    @property
    def key(self) -> str:
        return message_key(self.tenantid, self.subject)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Envelope:
        return cls.model_validate_json(raw)
