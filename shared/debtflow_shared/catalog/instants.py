"""Instants on the wire: aware datetimes, normalised to UTC.

Business *dates* are :data:`~debtflow_shared.catalog.common.BusinessDate`; an *instant* (when
something was sent, scored, executed) is a :data:`UtcInstant`. A naive datetime is refused,
never guessed: the debtor's own time zone is a property of the debtor, not of the wire.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

from debtflow_shared.clock import ensure_utc

UtcInstant = Annotated[
    AwareDatetime,
    AfterValidator(ensure_utc),
    Field(description="RFC 3339 instant with an offset, normalised to UTC"),
]
"""An aware instant, normalised to UTC (a naive one is refused)."""
