"""Letters: the PDF stored in the letters folder, then, if one is configured, handed to a
print-and-mail provider over the HTTP provider contract.

Stored first, under the tenant and the Message-ID (written to a temporary name and
renamed, so a file is always whole, and a letter sent again after a crash replaces its
own file): the folder is the record of what was printed, and with no provider configured
it is the outbox a person prints from.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

from notify_svc.domain.channels import Outcome, OutgoingMessage, Sender, SendResult

_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]")


def letter_path(folder: Path, tenant_id: str, message_id: str) -> Path:
    return (
        folder / _UNSAFE.sub("_", tenant_id) / (_UNSAFE.sub("_", message_id.strip("<>")) + ".pdf")
    )


class LetterSender:
    def __init__(self, folder: Path, print_and_mail: Sender | None = None) -> None:
        self._folder = folder
        self._print = print_and_mail
        self.provider = print_and_mail.provider if print_and_mail else "letters-folder"

    async def send(self, message: OutgoingMessage) -> SendResult:
        (document,) = (a for a in message.attachments if a.media_type == "application/pdf")
        path = letter_path(self._folder, message.tenant_id, message.message_id)
        try:
            await asyncio.to_thread(_write, path, document.content)
        except OSError as error:
            return SendResult(Outcome.TRANSIENT, f"letters folder: {error}", self.provider)
        if self._print is None:
            return SendResult(Outcome.ACCEPTED, str(path), self.provider, message.message_id)
        return await self._print.send(message)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.tmp"
    temporary.write_bytes(data)
    os.replace(temporary, path)
