"""``make run``'s promise: the demo's reminders appear in the local mailbox folder as the
demo clock moves (invoice-svc seeds, escalation-svc chases, notify-svc writes each email as
one .eml file, each letter as a PDF in the letters folder), in the debtor's language, on
both backends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
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
from tests.support.pdf_text import pdf_text


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


def _letters(folder: Path) -> list[str]:
    return [pdf_text(path.read_bytes()) for path in sorted(folder.glob("demo/*.pdf"))]


async def test_the_demo_stores_the_cafes_letters_and_writes_to_nordsee_in_german(
    backend: Backend,
) -> None:
    mailbox, letters = backend.tmp_path / "mailbox", backend.tmp_path / "letters"
    async with (
        backend.service(INVOICE, InvoiceSettings) as invoice,
        backend.service(ESCALATION, EscalationSettings, timer_poll_seconds=3600.0),
        backend.service(
            NOTIFY,
            NotifySettings,
            mailbox_dir=mailbox,
            letters_dir=letters,
            dispatch_seconds=0.1,
        ) as notify,
    ):
        await seed_demo(invoice)
        # The café's invoice falls due on day 5, Nordsee's on day 6: their +21 and +45
        # steps are on days 26-27 and 50-51. Moved a day at a time, at 10:00 UTC, as a
        # person trying the demo would (a request expires a few days after it was made).
        for days in range(1, 56):
            backend.clock.set(T0 + timedelta(days=days, hours=1))
            # Escalation's timers run and its requests travel (twice: a request can still be
            # on its way the first time notify looks idle).
            for _ in range(2):
                await asyncio.sleep(0.4)
                await eventually(lambda: _nothing_due(notify), message=f"notify idle, day {days}")
        await eventually(
            lambda: sum("Harbour Café Ltd" in t for t in _letters(letters)) >= 3,
            message="the café's letters",
        )
        await eventually(lambda: len(_to_nordsee(mailbox)) >= 2, message="reminders to Nordsee")
    to_cafe = [t for t in _letters(letters) if "Harbour Café Ltd" in t]
    assert any("Final notice" in t for t in to_cafe)  # +21
    assert any("Letter before action" in t for t in to_cafe)  # +45
    assert all("3 Quay Street" in t and "HC-2026-0007" in t for t in to_cafe)
    for german in _to_nordsee(mailbox):
        assert "Sehr geehrte Damen und Herren" in _plain(german)
        assert "Mit freundlichen Grüßen" in _plain(german)
        assert "1.420,00\xa0€" in _plain(german)
    subjects = {m["Subject"] for m in _to_nordsee(mailbox)}
    assert "Rechnung NK-2026-0003 ist überfällig - Widget Supplies Ltd" in subjects
    nordsee = [t for t in _letters(letters) if "Nordsee Kaffeerösterei GmbH" in t]
    assert any("Androhung gerichtlicher Schritte" in t for t in nordsee)  # +45, in German
    assert all("20457 Hamburg" in t for t in nordsee)


async def _nothing_due(notify: ServiceRuntime) -> bool:
    async with notify.uow() as uow:
        due = await uow.repos.notifications.due(uow.clock.now(), datetime.now(UTC), 1)
    return not due


def _to_nordsee(mailbox: Path) -> list[EmailMessage]:
    return [m for m in _emails(mailbox) if m["To"] == "buchhaltung@nordsee.example"]
