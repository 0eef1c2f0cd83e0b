"""Without an SMTP server (the embedded default), each email is a .eml file in the mailbox."""

from __future__ import annotations

from email import message_from_bytes, policy

from tests.notify_svc.notify_world import (
    creditor,
    debtor,
    invoice_state,
    issued,
    request,
    running_notify,
)
from tests.support.harness import Backend, eventually


async def test_without_smtp_each_email_is_written_to_the_mailbox_folder_once(
    backend: Backend,
) -> None:
    mailbox = backend.tmp_path / "data" / "mailbox"
    async with running_notify(backend, dispatch_seconds=0.1) as notify:
        await notify.publish(debtor(), creditor(), issued(invoice_state()))
        await notify.publish(request(), request())

        async def sent() -> bool:
            return bool(await notify.notifications(status="sent"))

        await eventually(sent)
        (item,) = await notify.notifications()
    files = sorted(mailbox.glob("*.eml"))
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["Message-ID"] == item["message_id"]
    assert message["To"] == "ap@acme.example"
    assert message["Subject"] == "Invoice INV-1 is now overdue - Northwind Supplies Ltd"
    assert not list(mailbox.glob(".*.tmp"))
