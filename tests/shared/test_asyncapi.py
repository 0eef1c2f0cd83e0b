"""docs/asyncapi.yaml is generated from the catalog and kept current."""

from __future__ import annotations

from pathlib import Path

import yaml

from debtflow_cli.main import render_asyncapi
from debtflow_shared.catalog import CATALOG

REPO = Path(__file__).resolve().parents[2]


def test_checked_in_asyncapi_document_matches_the_catalog() -> None:
    assert (REPO / "docs" / "asyncapi.yaml").read_text() == render_asyncapi(), (
        "docs/asyncapi.yaml is stale: run `make asyncapi`"
    )


def test_asyncapi_document_has_a_channel_and_message_per_catalog_topic() -> None:
    document = yaml.safe_load(render_asyncapi())
    assert document["asyncapi"] == "3.0.0"
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == set(CATALOG.topics())
    for spec in CATALOG:
        assert spec.payload.__name__ in document["components"]["schemas"]
