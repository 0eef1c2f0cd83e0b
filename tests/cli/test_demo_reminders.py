"""``make run``'s promise: the demo's reminders appear in the local mailbox folder as the
demo clock moves (invoice-svc seeds, escalation-svc chases, notify-svc writes each email as
one .eml file), on both backends."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from debtflow_cli.demo import DEMO_TENANT, seed_demo
from debtflow_shared.service import ServiceRuntime
from escalation_svc.bootstrap import DEFINITION as ESCALATION
from escalation_svc.settings import EscalationSettings
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from notify_svc.bootstrap import DEFINITION as NOTIFY
from notify_svc.domain.notification import Status
from notify_svc.domain.repositories import NotificationFilter
from notify_svc.settings import NotifySettings
from tests.support.harness import T0, Backend, eventually


def _emails(mailbox: Path) -> list[EmailMessage]:
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(mailbox.glob("*.eml"))
    ]


async def _none_sending(notify: ServiceRuntime) -> bool:
    async with notify.uow() as uow:
        sending = NotificationFilter(status=Status.SENDING)
        return not await uow.repos.notifications.list(DEMO_TENANT, sending, after=None, limit=1)


def _to_cafe(mailbox: Path) -> list[EmailMessage]:
    return [m for m in _emails(mailbox) if m["To"] == "accounts@harbourcafe.example"]


async def test_the_demos_reminders_reach_the_mailbox_folder_as_the_demo_clock_moves(
    backend: Backend,
) -> None:
    # The café's invoice falls due on Saturday 7 March (T0 is Monday 2 March, 09:00 UTC):
    # the pre-due reminder is due on Wednesday, the +1 reminder on Sunday; the test looks on
    # Wednesday and then on Monday.
    mailbox = backend.tmp_path / "mailbox"
    async with (
        backend.service(INVOICE, InvoiceSettings) as invoice,
        backend.service(ESCALATION, EscalationSettings, timer_poll_seconds=3600.0),
        backend.service(
            NOTIFY, NotifySettings, mailbox_dir=mailbox, dispatch_seconds=0.1
        ) as notify,
    ):
        await seed_demo(invoice)
        for days, count in ((2, 1), (7, 2)):
            backend.clock.set(T0 + timedelta(days=days, hours=1))
            await eventually(
                lambda n=count: len(_to_cafe(mailbox)) >= n,
                message=f"reminder {count} to the café",
            )
            # The file is written before notify records the send: move time on after that.
            await eventually(lambda: _none_sending(notify))
    to_cafe = _to_cafe(mailbox)
    assert len(to_cafe) == 2
    assert all("HC-2026-0007" in _plain(m) for m in to_cafe)


def _plain(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None, message["Subject"]
    text: str = body.get_content()
    return text
