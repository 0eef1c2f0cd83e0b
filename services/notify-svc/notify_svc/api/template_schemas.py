"""Request and response bodies of /v1/templates."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from debtflow_shared.catalog.common import EntityId, LanguageTag
from debtflow_shared.catalog.escalation import Key
from debtflow_shared.catalog.notification import Tone
from debtflow_shared.http.pagination import Page
from notify_svc.domain.templates import Template, TemplateSource

Subject = Annotated[str, Field(min_length=1, max_length=1_000)]
Body = Annotated[str, Field(min_length=1, max_length=200_000)]
SmsBody = Annotated[str, Field(min_length=1, max_length=5_000)]

_EXAMPLE: JsonDict = {
    "key": "reminder.friendly",
    "locale": "en-GB",
    "tone": "friendly",
    "subject": "Invoice {{ invoices[0].number }} is overdue - {{ creditor.legal_name }}",
    "html": "<p>Dear {{ debtor.name }},</p>\n<p>Please pay {{ totals.open_balance }}.</p>\n"
    '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
    "text": "Dear {{ debtor.name }},\n\nPlease pay {{ totals.open_balance }}.\n\n"
    "Unsubscribe: {{ unsubscribe_url }}",
    "attach_statement": False,
    "sms": "{{ creditor.legal_name }}: {{ totals.open_balance }} is overdue. Pay: "
    "{{ how_to_pay.pay_link }} Query: {{ how_to_dispute.email }} Opt out: {{ unsubscribe_url }}",
}


class TemplateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: Subject
    html: Body
    text: Body
    attach_statement: bool = False
    sms: SmsBody | None = Field(
        default=None,
        description="the SMS body; refused at save when the sample renders to more segments "
        "(GSM-7: 160, or 153 a part; UCS-2: 70, or 67) than the tenant's limit; null: the "
        "shipped default's for the key and language",
    )
    letter: Body | None = Field(
        default=None,
        description="the letter's text, printed below the addresses and the date; null: the "
        "shipped default's for the key and language",
    )

    def source(self) -> TemplateSource:
        return TemplateSource(
            self.subject, self.html, self.text, self.attach_statement, self.sms, self.letter
        )


class TemplateIn(TemplateBody):
    """A template to save (as the next version of its key, locale and tone) or to check."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE]})

    key: Key
    locale: LanguageTag
    tone: Tone


class TemplateOut(BaseModel):
    key: str
    locale: str
    tone: Tone
    version: int
    shipped_default: bool = Field(description="true: a template notify ships, not the tenant's")
    subject: str
    html: str
    text: str
    attach_statement: bool
    sms: str | None
    letter: str | None
    created_at: datetime | None

    @classmethod
    def of(cls, template: Template) -> TemplateOut:
        return cls(
            key=template.key,
            locale=template.locale,
            tone=template.tone,
            version=template.version,
            shipped_default=template.tenant_id is None,
            subject=template.source.subject,
            html=template.source.html,
            text=template.source.text,
            attach_statement=template.source.attach_statement,
            sms=template.source.sms,
            letter=template.source.letter,
            created_at=template.created_at,
        )


class TemplatePage(Page[TemplateOut]):
    pass


class TemplateCheck(BaseModel):
    valid: bool = Field(description="always true: a template that fails is a 422 problem")


class PreviewIn(BaseModel):
    """What to render: a template given here (``template``), else the one notify would use
    for ``key``, ``locale`` and ``tone``; for ``debtor_id``'s open invoices as notify knows
    them, else for a sample debtor."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"key": "notice.final", "locale": "en-GB", "tone": "final", "debtor_id": None},
                {
                    "key": "reminder.friendly",
                    "locale": "en-GB",
                    "tone": "friendly",
                    "template": {
                        "subject": _EXAMPLE["subject"],
                        "html": _EXAMPLE["html"],
                        "text": _EXAMPLE["text"],
                    },
                },
            ]
        },
    )

    key: Key
    locale: LanguageTag
    tone: Tone
    template: TemplateBody | None = None
    debtor_id: EntityId | None = None


class PreviewOut(BaseModel):
    subject: str
    html: str
    text: str
    template_version: int | None = Field(description="the stored version used (null: as given)")
    shipped_default: bool
