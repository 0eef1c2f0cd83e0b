"""/v1/templates: versions, refusals at save naming variable and line, the sandbox, previews,
and a tenant's template used for its messages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import pytest

from debtflow_shared.catalog.notification import NotificationSent
from notify_svc.adapters.template_engine import render
from notify_svc.domain.message_context import message_context, sample_facts
from notify_svc.domain.templates import TemplateRefused, TemplateSource
from notify_svc.service_layer.templates import formatting_for
from tests.notify_svc.notify_world import (
    Notify,
    creditor,
    debtor,
    invoice_state,
    issued,
    request,
    running_notify,
    smtp_overrides,
)
from tests.notify_svc.smtp_server import MailServer, mail_server
from tests.support.harness import Backend, eventually

TEMPLATE: dict[str, Any] = {
    "key": "reminder.friendly",
    "locale": "en-GB",
    "tone": "friendly",
    "subject": "Reminder from {{ creditor.legal_name }}: {{ totals.open_balance }}",
    "html": "<p>Dear {{ debtor.name }},</p>\n<p>Please pay {{ totals.open_balance }}.</p>\n"
    '<a href="{{ unsubscribe_url }}">Unsubscribe</a>',
    "text": "Dear {{ debtor.name }},\nPlease pay {{ totals.open_balance }}.\n{{ unsubscribe_url }}",
}

INJECTIONS = [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ self.__init__.__globals__ }}",
    "{{ namespace.__init__ }}",
    "{{ range.__class__ }}",
    "{{ debtor.__class__.__base__.__subclasses__() }}",
    "{{ debtor['__class__'] }}",
    "{{ invoices | attr('__class__') }}",
    "{{ config }}",
    "{{ request.application }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ debtor.name.format.__globals__ }}",
]


@pytest.fixture
async def notify(backend: Backend) -> AsyncIterator[Notify]:
    async with running_notify(backend) as world:
        yield world


def _error(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    error: dict[str, Any] = body["errors"][0]
    return error


async def test_each_save_is_a_new_version_and_each_version_stays_readable(notify: Notify) -> None:
    first = await notify.post("/v1/templates", TEMPLATE)
    second = await notify.post("/v1/templates", TEMPLATE | {"subject": "Second {{ today }}"})
    newest = await notify.get("/v1/templates/reminder.friendly/en-GB/friendly")
    older = await notify.get("/v1/templates/reminder.friendly/en-GB/friendly/versions/1")
    listed = await notify.get("/v1/templates")
    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    assert newest.json()["subject"] == "Second {{ today }}"
    assert older.json()["subject"] == TEMPLATE["subject"]
    assert [(t["key"], t["version"]) for t in listed.json()["items"]] == [("reminder.friendly", 2)]


async def test_a_retired_template_stays_readable_and_the_next_save_continues_its_versions(
    notify: Notify,
) -> None:
    await notify.post("/v1/templates", TEMPLATE)
    path = "/v1/templates/reminder.friendly/en-GB/friendly"
    retired = await notify.client.delete(path, headers=notify.headers())
    again = await notify.client.delete(path, headers=notify.headers())
    newest = await notify.get(path)
    history = await notify.get(f"{path}/versions/1")
    listed = await notify.get("/v1/templates")
    preview = await notify.post(
        "/v1/templates/preview", {"key": "reminder.friendly", "locale": "en-GB", "tone": "friendly"}
    )
    saved = await notify.post("/v1/templates", TEMPLATE)
    assert (retired.status_code, again.status_code, newest.status_code) == (204, 404, 404)
    assert history.json()["subject"] == TEMPLATE["subject"]
    assert listed.json()["items"] == []
    assert preview.json()["shipped_default"] is True
    assert saved.json()["version"] == 2


async def test_a_template_with_an_unknown_variable_is_refused_at_save_naming_it_and_its_line(
    notify: Notify,
) -> None:
    html = "<p>Dear {{ debtor.name }},</p>\n<p>{{ total_due }}</p>"
    refused = await notify.post("/v1/templates", TEMPLATE | {"html": html})
    error = _error(refused)
    assert error["field"] == "html"
    assert "line 2" in error["message"]
    assert "'total_due'" in error["message"]
    assert (await notify.get("/v1/templates")).json()["items"] == []


async def test_a_template_that_fails_on_sample_data_is_refused_naming_the_line(
    notify: Notify,
) -> None:
    text = "Dear {{ debtor.name }},\n\n\nYou owe {{ totals.amount_owed }}."
    error = _error(await notify.post("/v1/templates", TEMPLATE | {"text": text}))
    assert error["field"] == "text"
    assert "line 4" in error["message"]
    assert "amount_owed" in error["message"]


async def test_a_template_with_a_syntax_error_is_refused_naming_the_line(notify: Notify) -> None:
    subject = "Reminder {% if invoices %}"
    error = _error(await notify.post("/v1/templates", TEMPLATE | {"subject": subject}))
    assert error["field"] == "subject"
    assert "line 1" in error["message"]


@pytest.mark.parametrize("attempt", INJECTIONS)
async def test_template_injection_attempts_are_refused_at_save(
    notify: Notify, attempt: str
) -> None:
    error = _error(await notify.post("/v1/templates/validate", TEMPLATE | {"html": attempt}))
    assert error["field"] == "html"


@pytest.mark.parametrize("attempt", INJECTIONS)
def test_the_sandbox_refuses_injection_attempts_even_past_the_save_check(attempt: str) -> None:
    formatting = formatting_for("en-GB", "GB")
    context = message_context(sample_facts(date(2026, 3, 20)), formatting)
    source = TemplateSource(subject="s", html=attempt, text="t")
    with pytest.raises(TemplateRefused):
        render(source, context, formatting)


async def test_a_preview_renders_with_sample_data_or_a_known_debtors_open_invoices(
    notify: Notify,
) -> None:
    sample = await notify.post(
        "/v1/templates/preview", {"key": "notice.final", "locale": "en-GB", "tone": "final"}
    )
    await notify.publish(debtor(), creditor(), issued(invoice_state()))
    body = {"key": "reminder.firm", "locale": "en-GB", "tone": "firm", "debtor_id": "d-1"}

    async def real() -> bool:
        answer = await notify.post("/v1/templates/preview", body)
        return answer.status_code == 200 and "INV-1" in answer.json()["text"]

    await eventually(real)
    unknown = await notify.post("/v1/templates/preview", body | {"debtor_id": "d-404"})
    assert sample.status_code == 200, sample.text
    assert sample.json()["shipped_default"] is True
    assert "INV-2026-0042" in sample.json()["html"]
    assert _error(unknown)["field"] == "debtor_id"


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    with mail_server() as server:
        yield server


async def test_a_tenants_template_is_used_for_its_messages(
    backend: Backend, smtp: MailServer
) -> None:
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **smtp_overrides(smtp)) as notify,
    ):
        saved = await notify.post("/v1/templates", TEMPLATE | {"locale": "en"})
        assert saved.status_code == 201, saved.text
        await notify.publish(debtor(), creditor(), issued(invoice_state()))
        await notify.publish(request())  # locale en-GB: the tenant's "en" template applies
        await eventually(lambda: len(sent.messages) == 1)
    assert smtp.messages()[0]["Subject"] == "Reminder from Northwind Supplies Ltd: £1,320.00"
    data = sent.envelopes()[0].data
    assert (data["template_key"], data["template_version"]) == ("reminder.friendly", 1)


async def test_an_ab_variant_uses_the_tenants_template_for_that_variant(
    backend: Backend, smtp: MailServer
) -> None:
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **smtp_overrides(smtp)) as notify,
    ):
        variant_b = TEMPLATE | {"key": "reminder.friendly.b", "subject": "Variant B {{ today }}"}
        assert (await notify.post("/v1/templates", variant_b)).status_code == 201
        await notify.publish(debtor(), creditor(), issued(invoice_state()))
        await notify.publish(request(variant="b"), request("plus-7-other", case_id="case-2"))
        await eventually(lambda: len(sent.messages) == 2)
    subjects = sorted(str(m["Subject"]) for m in smtp.messages())
    assert subjects == [
        "Invoice INV-1 is now overdue - Northwind Supplies Ltd",
        "Variant B 2 Mar 2026",
    ]
    keys = sorted(e.data["template_key"] for e in sent.envelopes())
    assert keys == ["reminder.friendly", "reminder.friendly.b"]
