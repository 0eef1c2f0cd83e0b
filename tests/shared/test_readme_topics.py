"""The README's topic tables say what the catalog says: every topic, its producer, its
consumers and versions, and what each service consumes and publishes."""

from __future__ import annotations

import re
from pathlib import Path

from debtflow_shared.catalog import CATALOG
from debtflow_shared.catalog.subscriptions import ERP, SUBSCRIBERS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
SERVICES = ("invoice-svc", "escalation-svc", "notify-svc", "analytics-svc")


def _section(title: str) -> str:
    start = README.index(f"\n{title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def _rows(table_header: str) -> list[list[str]]:
    section = _section("## Topics")
    lines = section[section.index(table_header) :].splitlines()[2:]
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _producer(topic: str) -> str:
    producers = {spec.producer for spec in CATALOG if spec.topic == topic}
    assert len(producers) == 1, topic
    producer = producers.pop()
    return ERP if producer.lower() == "erp" else producer


def _topics(cell: str) -> set[str]:
    named = set(re.findall(r"`([a-z_.*]+)`", cell))
    expanded = set()
    for name in named:
        if name.endswith(".*"):
            matching = {t for t in CATALOG.topics() if t.startswith(name[:-1])}
            assert matching, name
            expanded |= matching
        else:
            expanded.add(name)
    return expanded


def test_the_readme_topic_table_has_one_row_per_catalog_topic() -> None:
    topics = [row[0].strip("`") for row in _rows("| topic | producer | consumers |")]
    assert sorted(topics) == CATALOG.topics()


def test_the_readme_topic_table_names_each_topics_producer_consumers_and_versions() -> None:
    for topic, producer, consumers, versions, _meaning in _rows("| topic | producer | consumers |"):
        name = topic.strip("`")
        assert producer == _producer(name), name
        assert tuple(consumers.split(", ")) == SUBSCRIBERS[name], name
        assert versions.split(", ") == [s.version for s in CATALOG if s.topic == name], name


def test_the_readme_says_what_each_service_consumes_and_publishes() -> None:
    rows = {row[0]: row for row in _rows("| service | owns | consumes | publishes |")}
    assert set(rows) == set(SERVICES)
    for service, (_, owns, consumes, publishes) in rows.items():
        assert owns, service
        assert _topics(consumes) == {t for t, who in SUBSCRIBERS.items() if service in who}, service
        assert _topics(publishes) == {t for t in CATALOG.topics() if _producer(t) == service}, (
            service
        )
