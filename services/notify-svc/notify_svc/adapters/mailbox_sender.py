"""Email into a local folder, one ``.eml`` file per message: the embedded default's mailbox.

Written to a temporary name and renamed, so a file in the folder is always whole; named by
the Message-ID, so a message sent again after a crash replaces its own file.
"""

from __future__ import annotations

import asyncio
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from notify_svc.adapters.email_message import email_message
from notify_svc.domain.channels import Outcome, OutgoingMessage, SendResult

_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]")


class MailboxSender:
    provider = "mailbox"

    def __init__(self, folder: Path, mail_from: str) -> None:
        self._folder = folder
        self._mail_from = mail_from

    async def send(self, message: OutgoingMessage) -> SendResult:
        data = email_message(message, self._mail_from, datetime.now(UTC)).as_bytes()
        name = _UNSAFE.sub("_", message.message_id.strip("<>")) + ".eml"
        try:
            await asyncio.to_thread(self._write, name, data)
        except OSError as error:
            return SendResult(Outcome.TRANSIENT, f"mailbox folder: {error}", self.provider)
        return SendResult(
            Outcome.ACCEPTED, str(self._folder / name), self.provider, message.message_id
        )

    def _write(self, name: str, data: bytes) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        temporary = self._folder / f".{name}.tmp"
        temporary.write_bytes(data)
        os.replace(temporary, self._folder / name)
