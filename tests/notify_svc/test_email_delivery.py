"""notification.requested to an email at a real SMTP server, and the unsubscribe link."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest

from debtflow_shared.catalog.notification import ContactOptedOut, NotificationSent
from tests.notify_svc.notify_world import (
    creditor,
    debtor,
    invoice_state,
    issued,
    request,
    running_notify,
    smtp_overrides,
)
from tests.notify_svc.smtp_server import MailServer, mail_server, secured_mail_server, self_signed
from tests.support.harness import Backend, eventually


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    with mail_server() as server:
        yield server


def _parts(message: EmailMessage) -> dict[str, EmailMessage]:
    return {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}


async def test_a_requested_email_arrives_with_both_bodies_the_statement_and_unsubscribe_headers(
    backend: Backend, smtp: MailServer
) -> None:
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **smtp_overrides(smtp)) as notify,
    ):
        await notify.publish(debtor(), creditor(), issued(invoice_state()))
        final = request("plus-21-final-notice", template_key="notice.final", tone="final")
        await notify.publish(final)
        await eventually(lambda: len(smtp.messages()) == 1)
        await eventually(lambda: len(sent.messages) == 1)

    (message,) = smtp.messages()
    assert smtp.recipients == [["ap@acme.example"]]
    assert message["To"] == "ap@acme.example"
    assert message["Subject"] == "Final notice: £1,320.00 overdue - Northwind Supplies Ltd"
    assert message["Reply-To"] == "disputes@northwind.example"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http://notify.test/v1/unsubscribe?")
    parts = _parts(message)
    assert {"text/plain", "text/html", "application/pdf"} <= set(parts)
    text = parts["text/plain"].get_content()
    html = parts["text/html"].get_content()
    for body in (text, html):
        assert "Acme Widgets Ltd" in body
        assert "INV-1" in body
        assert "£1,320.00" in body
        assert "disputes@northwind.example" in body
        assert "https://pay.northwind.example/acme" in body
    pdf = parts["application/pdf"]
    assert pdf.get_filename() == "statement.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    event = sent.envelopes()[0].data
    assert event["dedup_key"] == final.dedup_key
    assert event["address"] == "ap@acme.example"
    assert event["provider_message_id"] == message["Message-ID"]
    assert event["invoices"][0]["amount_shown"] == {"amount_minor": 132000, "currency": "GBP"}


async def test_the_unsubscribe_link_opts_the_address_out_without_login(
    backend: Backend, smtp: MailServer
) -> None:
    async with (
        backend.probe(ContactOptedOut.event_type) as opted_out,
        running_notify(backend, **smtp_overrides(smtp)) as notify,
    ):
        await notify.publish(debtor(), creditor(), issued(invoice_state()))
        await notify.publish(request())
        await eventually(lambda: len(smtp.messages()) == 1)
        link = smtp.messages()[0]["List-Unsubscribe"].strip("<>")
        url = urlsplit(link)

        page = await notify.client.get(f"{url.path}?{url.query}")
        assert page.status_code == 200
        assert "ap@acme.example" in page.text
        # A mail scanner following the link changes nothing: only the POST opts out.
        assert (await notify.get("/v1/suppressions")).json()["items"] == []
        clicked = await notify.client.post(
            f"{url.path}?{url.query}", content=b"List-Unsubscribe=One-Click"
        )
        assert clicked.status_code == 200, clicked.text
        again = await notify.client.post(f"{url.path}?{url.query}")
        assert again.status_code == 200
        await eventually(lambda: len(opted_out.messages) == 1)
        listed = await notify.get("/v1/suppressions")

    assert [(s["address"], s["reason"]) for s in listed.json()["items"]] == [
        ("ap@acme.example", "opted_out")
    ]
    data = opted_out.envelopes()[0].data
    assert (data["debtor_id"], data["channel"], data["source"]) == (
        "d-1",
        "email",
        "unsubscribe_link",
    )


async def test_a_tampered_unsubscribe_link_is_refused_and_suppresses_nothing(
    backend: Backend, smtp: MailServer
) -> None:
    async with running_notify(backend, **smtp_overrides(smtp)) as notify:
        await notify.publish(debtor(), creditor(), issued(invoice_state()))
        await notify.publish(request())
        await eventually(lambda: len(smtp.messages()) == 1)
        url = urlsplit(smtp.messages()[0]["List-Unsubscribe"].strip("<>"))
        tampered = url.query.replace("ap%40acme.example", "other%40acme.example")
        refused = await notify.client.post(f"{url.path}?{tampered}")
        listed = await notify.get("/v1/suppressions")
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert listed.json()["items"] == []


async def test_email_goes_over_starttls_with_a_login_when_the_server_requires_both(
    backend: Backend,
) -> None:
    tls = self_signed(backend.tmp_path / "tls")
    with secured_mail_server(tls, "notify", "s3cret") as server:
        secured = smtp_overrides(
            server,
            smtp_security="starttls",
            smtp_username="notify",
            smtp_password="s3cret",
            smtp_ca_file=str(tls.cert_file),
        )
        async with running_notify(backend, **secured) as notify:
            await notify.publish(debtor(), creditor(), issued(invoice_state()))
            await notify.publish(request())
            await eventually(lambda: len(server.messages()) == 1)
    assert server.recipients == [["ap@acme.example"]]


async def test_a_wrong_smtp_password_is_a_failure_that_is_retried_not_a_lost_message(
    backend: Backend,
) -> None:
    tls = self_signed(backend.tmp_path / "tls")
    with secured_mail_server(tls, "notify", "s3cret") as server:
        secured = smtp_overrides(
            server,
            smtp_security="starttls",
            smtp_username="notify",
            smtp_password="wrong",
            smtp_ca_file=str(tls.cert_file),
        )
        async with running_notify(backend, **secured) as notify:
            await notify.publish(debtor(), creditor(), issued(invoice_state()))
            await notify.publish(request())

            async def deferred() -> bool:
                items = await notify.notifications(status="deferred")
                return bool(items) and len(items[0]["attempts"]) == 1

            await eventually(deferred)
            (item,) = await notify.notifications()
            suppressed = (await notify.get("/v1/suppressions")).json()["items"]
    assert server.messages() == []
    assert suppressed == []  # our login was refused, not the debtor's address
    assert "535" in item["attempts"][0]["detail"]
