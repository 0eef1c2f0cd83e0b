"""A notification as an RFC 5322 message: multipart/alternative, attachments, list headers."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from notify_svc.domain.channels import OutgoingMessage


def email_message(message: OutgoingMessage, mail_from: str, now: datetime) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = formataddr((message.sender_name, mail_from))
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message.message_id
    if message.reply_to:
        mail["Reply-To"] = message.reply_to
    # RFC 8058 one-click unsubscribe: the URL takes a POST with no login.
    mail["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.media_type.partition("/")
        mail.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return mail
