"""Example payloads shown in the AsyncAPI document.

A payload class declares its example with ``model_config = showing({...})``: the example
appears in the payload's JSON schema (``examples``) and, wrapped in an envelope, on its
message. Tests validate every example against its own model, so an example never drifts
from the contract it illustrates.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict
from pydantic.config import JsonDict


def showing(example: JsonDict) -> ConfigDict:
    """The model config of an event payload whose AsyncAPI example is ``example``.

    ``example`` is the payload's JSON form (dates and instants as ISO 8601 strings, money as
    ``{"amount_minor": ..., "currency": ...}``).
    """
    return ConfigDict(extra="forbid", frozen=True, json_schema_extra={"examples": [example]})


def examples_of(model: type[Any]) -> list[JsonDict]:
    """The examples a payload class declares with :func:`showing` (none if it declares none)."""
    extra = getattr(model, "model_config", {}).get("json_schema_extra")
    found = extra.get("examples") if isinstance(extra, dict) else None
    if not isinstance(found, list):
        return []
    return [example for example in found if isinstance(example, dict)]
