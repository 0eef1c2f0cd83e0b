"""Saving, reading and previewing templates; choosing the one a notification uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from debtflow_shared.catalog.notification import Tone
from debtflow_shared.documents.locale_format import LocaleFormat, document_locale
from notify_svc.adapters import template_engine
from notify_svc.adapters.default_templates import all_default_templates, default_for
from notify_svc.adapters.template_engine import RenderedMessage
from notify_svc.domain.contact_window import debtor_zone
from notify_svc.domain.message_context import MessageFacts, message_context, sample_facts
from notify_svc.domain.sms_segments import sms_size
from notify_svc.domain.templates import (
    Template,
    TemplateRefused,
    TemplateSource,
    locale_fallbacks,
)
from notify_svc.service_layer.work import Work


class TemplateNotFound(LookupError):
    pass


class PreviewDebtorUnknown(LookupError):
    """The debtor (or the tenant's creditor profile) named for a preview is not known."""

    field = "debtor_id"


@dataclass(frozen=True)
class TemplateName:
    key: str
    locale: str
    tone: Tone


def formatting_for(locale: str, country: str = "") -> LocaleFormat:
    return LocaleFormat(document_locale(locale, country))


def validate(source: TemplateSource, locale: str, today: date, max_segments: int) -> None:
    """Refuse (``TemplateRefused``, naming field and line) what would not render at send,
    and an SMS body whose sample render costs more than ``max_segments`` segments."""
    formatting = formatting_for(locale)
    facts = sample_facts(today, statement_attached=source.attach_statement)
    context = message_context(facts, formatting)
    template_engine.check(source, context, formatting)
    if source.sms is not None:
        body = template_engine.render_field("sms", source.sms, context, formatting)
        check_sms_size(body, max_segments)


def check_sms_size(body: str, max_segments: int) -> None:
    size = sms_size(sms_text(body))
    if size.segments > max_segments:
        raise TemplateRefused(
            "sms",
            None,
            f"renders to {size.segments} SMS segments ({size.units} {size.encoding.value} "
            f"units), more than the tenant's limit of {max_segments}",
        )


_NO_BREAK_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " "})


def sms_text(body: str) -> str:
    """An SMS body as sent: lines trimmed, blank lines and outer whitespace dropped, and
    no-break spaces as plain ones (Babel writes "1.560,00\u00a0£"; GSM-7 has no no-break
    space, so one would make the whole message UCS-2 and more than double its segments)."""
    text = body.translate(_NO_BREAK_SPACES)
    return "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())


async def save_template(
    uow: Work, tenant_id: str, name: TemplateName, source: TemplateSource, max_segments: int
) -> Template:
    """Check the template, then store it as the next version of its key, locale and tone."""
    async with uow:
        now = uow.clock.now()
        validate(source, name.locale, now.date(), max_segments)
        stored = await uow.repos.templates.add(
            Template(tenant_id, name.key, name.locale, name.tone, 0, source, created_at=now)
        )
        await uow.commit()
    return stored


async def get_template(
    uow: Work, tenant_id: str, name: TemplateName, version: int | None = None
) -> Template:
    async with uow:
        repository = uow.repos.templates
        found = (
            await repository.newest(tenant_id, name.key, name.locale, name.tone)
            if version is None
            else await repository.version(tenant_id, name.key, name.locale, name.tone, version)
        )
    if found is None:
        raise TemplateNotFound(f"no template {name.key} {name.locale} {name.tone.value}")
    return found


async def retire_template(uow: Work, tenant_id: str, name: TemplateName) -> None:
    """Stop using the tenant's template (its versions stay readable); the shipped default,
    or a template for the locale's language, applies again. A later save continues the
    version numbers."""
    async with uow:
        retired = await uow.repos.templates.retire(
            tenant_id, name.key, name.locale, name.tone.value, uow.clock.now()
        )
        if not retired:
            raise TemplateNotFound(f"no template {name.key} {name.locale} {name.tone.value}")
        await uow.commit()


async def list_templates(
    uow: Work, tenant_id: str, *, after: str | None, limit: int, key: str | None
) -> list[Template]:
    async with uow:
        return await uow.repos.templates.list(tenant_id, after=after, limit=limit, key=key)


def shipped_templates() -> tuple[Template, ...]:
    return all_default_templates()


async def template_for(
    uow: Work, tenant_id: str, name: TemplateName, variant: str | None = None
) -> Template:
    """The tenant's newest template for the name (its locale, then language), else the
    shipped default for the key or the tone. An A/B ``variant`` first looks for the key
    ``<key>.<variant>`` (``reminder.firm.b``), so a tenant tests wording by saving one.
    Inside an open unit of work."""
    keys = ([f"{name.key}.{variant}"] if variant else []) + [name.key]
    for key in keys:
        for locale in locale_fallbacks(name.locale):
            found = await uow.repos.templates.newest(tenant_id, key, locale, name.tone)
            if found is not None:
                return found
    return default_for(name.key, name.tone, name.locale)


async def preview(
    uow: Work,
    tenant_id: str,
    name: TemplateName,
    source: TemplateSource | None,
    debtor_id: str | None,
    unsubscribe_url: str,
) -> tuple[RenderedMessage, Template | None]:
    """Render ``source`` (else the template the name resolves to) with sample data, or
    with the named debtor's open invoices as notify knows them now."""
    async with uow:
        now = uow.clock.now()
        template = None if source is not None else await template_for(uow, tenant_id, name)
        chosen = source if source is not None else template.source  # type: ignore[union-attr]
        if debtor_id is None:
            facts = sample_facts(now.date(), statement_attached=chosen.attach_statement)
            country = ""
        else:
            facts = await real_facts(uow, tenant_id, debtor_id, name, unsubscribe_url)
            country = facts.debtor.country
    formatting = formatting_for(name.locale, country)
    rendered = template_engine.render(chosen, message_context(facts, formatting), formatting)
    return rendered, template


async def real_facts(
    uow: Work, tenant_id: str, debtor_id: str, name: TemplateName, unsubscribe_url: str
) -> MessageFacts:
    copies = uow.repos.copies
    debtor = await copies.debtor(tenant_id, debtor_id)
    creditor = await copies.creditor(tenant_id)
    if debtor is None:
        raise PreviewDebtorUnknown(f"debtor {debtor_id} is not known to notify-svc")
    if creditor is None:
        raise PreviewDebtorUnknown("no creditor profile yet: set it in invoice-svc")
    invoices = await copies.open_invoices(tenant_id, debtor_id)
    charges = await copies.charges(tenant_id, [i.invoice_id for i in invoices])
    today = uow.clock.now().astimezone(debtor_zone(debtor.time_zone)).date()
    return MessageFacts(
        debtor=debtor,
        creditor=creditor,
        invoices=invoices,
        charges=charges,
        today=today,
        step="preview",
        tone=name.tone.value,
        unsubscribe_url=unsubscribe_url,
        history=await uow.repos.history.history(tenant_id, debtor_id),
    )
