"""Message templates: per tenant, template key, locale and tone; every save a new version.

A template has a subject, an HTML body and a plain-text body for email, optionally an SMS
body and a letter body (Jinja2, rendered in a sandbox with strict undefined variables by
``adapters/template_engine.py``), and says whether the message attaches the debtor's
statement as a PDF. A template without an SMS or letter body uses the shipped default's for
its key and language on that channel. A notification uses the newest version of
the tenant's template for its key, locale and tone, falling back to the locale's language
("en-GB" to "en") and then to the shipped default for the key (or, for a key notify does not
ship, the default for the tone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from debtflow_shared.catalog.notification import Tone


@dataclass(frozen=True)
class TemplateSource:
    subject: str
    html: str
    text: str
    attach_statement: bool = False
    sms: str | None = None
    """the SMS body (plain text); None: the shipped default's for the key and language"""
    letter: str | None = None
    """the letter's text, printed as a PDF below the addresses; None: the shipped default's"""


@dataclass(frozen=True)
class Template:
    tenant_id: str | None
    """None: a default notify ships"""
    key: str
    locale: str
    tone: Tone
    version: int
    source: TemplateSource
    created_at: datetime | None = None


class TemplateRefused(ValueError):
    """A template that would fail at send time: the field, the line and what is wrong."""

    def __init__(self, field: str, line: int | None, message: str) -> None:
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{field}: {where}{message}")
        self.field = field
        self.line = line
        self.message = message


def locale_fallbacks(locale: str) -> tuple[str, ...]:
    """``en-GB`` -> ("en-GB", "en"): the exact locale first, then its language."""
    language = locale.replace("_", "-").split("-")[0]
    return (locale,) if language == locale else (locale, language)
