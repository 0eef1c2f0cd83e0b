"""Every shipped template, rendered for a sample debtor, says what every message must say."""

from __future__ import annotations

from datetime import date

import pytest

from debtflow_shared.catalog.notification import SHIPPED_TEMPLATE_KEYS, Tone
from notify_svc.adapters.default_templates import (
    TONE_DEFAULTS,
    all_default_templates,
    default_for,
    default_templates,
)
from notify_svc.adapters.template_engine import render, render_field
from notify_svc.domain.message_context import message_context, sample_facts
from notify_svc.domain.templates import Template
from notify_svc.service_layer.templates import check_sms_size, formatting_for, sms_text
from notify_svc.settings import NotifySettings

TEMPLATES = default_templates()


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.key)
def test_every_default_template_shows_creditor_amount_how_to_pay_and_dispute_and_unsubscribe(
    template: Template,
) -> None:
    formatting = formatting_for("en-GB", "GB")
    facts = sample_facts(date(2026, 3, 20), statement_attached=template.source.attach_statement)
    rendered = render(template.source, message_context(facts, formatting), formatting)
    for body in (rendered.html, rendered.text):
        assert "Northwind Supplies Ltd" in body  # the creditor
        assert "Acme Widgets Ltd" in body  # the debtor
        assert "INV-2026-0042" in body  # the invoices
        assert "INV-2026-0057" in body
        assert "1 Mar 2026" in body  # a due date, in the debtor's locale
        assert "£1,560.00" in body  # the total now due
        assert "£40.00" in body  # the charge
        assert "https://pay.northwind.example/acme" in body  # how to pay
        assert "12-34-56" in body  # the bank details
        assert "disputes@northwind.example" in body  # how to dispute
        assert "https://notify.example/v1/unsubscribe?sample=1" in body
    assert "Northwind Supplies Ltd" in rendered.subject


def test_there_is_a_default_for_every_notify_step_of_the_default_ladder() -> None:
    keys = [t.key for t in TEMPLATES]
    assert keys == [
        "reminder.pre_due",
        "reminder.friendly",
        "reminder.firm",
        "notice.final",
        "letter.before_action",
    ]
    attaching = {t.key for t in TEMPLATES if t.source.attach_statement}
    assert attaching == {"notice.final", "letter.before_action"}


@pytest.mark.parametrize("tone", list(Tone))
def test_a_key_notify_does_not_ship_falls_back_to_the_default_for_its_tone(tone: Tone) -> None:
    assert default_for("policy.custom-step", tone).key == TONE_DEFAULTS[tone]


def test_a_pre_due_reminder_says_not_yet_due_instead_of_zero_days_overdue() -> None:
    formatting = formatting_for("en-GB", "GB")
    facts = sample_facts(date(2026, 2, 26))
    pre_due = default_for("reminder.pre_due", Tone.FRIENDLY)
    rendered = render(pre_due.source, message_context(facts, formatting), formatting)
    assert "not yet due" in rendered.html
    assert rendered.subject == "2 invoices fall due soon - Northwind Supplies Ltd"


def test_amounts_and_dates_are_formatted_for_the_requests_locale() -> None:
    formatting = formatting_for("de-DE", "DE")
    facts = sample_facts(date(2026, 3, 20))
    firm = default_for("reminder.firm", Tone.FIRM)
    rendered = render(firm.source, message_context(facts, formatting), formatting)
    assert "1.560,00\xa0£" in rendered.text
    assert "01.03.2026" in rendered.text


def test_the_catalog_names_exactly_the_template_keys_notify_ships() -> None:
    assert {t.key for t in TEMPLATES} == SHIPPED_TEMPLATE_KEYS


LOCALISED = [t for t in all_default_templates() if t.locale in ("de", "fr")]
COUNTRY = {"de": "DE", "fr": "FR"}


def _rendered_everywhere(template: Template) -> dict[str, str]:
    """The email's subject, HTML and text, the SMS and the letter text, for the sample."""
    formatting = formatting_for(template.locale, COUNTRY[template.locale])
    facts = sample_facts(date(2026, 3, 20), statement_attached=template.source.attach_statement)
    context = message_context(facts, formatting)
    email = render(template.source, context, formatting)
    assert template.source.sms is not None
    assert template.source.letter is not None
    return {
        "subject": email.subject,
        "html": email.html,
        "text": email.text,
        "sms": render_field("sms", template.source.sms, context, formatting),
        "letter": render_field("letter", template.source.letter, context, formatting),
    }


@pytest.mark.parametrize("template", LOCALISED, ids=lambda t: f"{t.locale}-{t.key}")
def test_every_german_and_french_default_shows_creditor_amount_how_to_pay_dispute_and_opt_out(
    template: Template,
) -> None:
    formatting = formatting_for(template.locale, COUNTRY[template.locale])
    total = formatting.money(156_000, "GBP")
    bodies = _rendered_everywhere(template)
    assert "Northwind Supplies Ltd" in bodies["subject"]
    for channel in ("html", "text", "sms", "letter"):
        body = bodies[channel]
        assert "Northwind Supplies Ltd" in body, channel  # the creditor
        assert total in body, channel  # the amount, as the locale writes it
        assert "https://pay.northwind.example/acme" in body, channel  # how to pay
        assert "disputes@northwind.example" in body, channel  # how to dispute
    for channel in ("html", "text", "letter"):
        body = bodies[channel]
        assert "INV-2026-0042" in body or channel == "letter"  # the letter's table is drawn
        assert "12-34-56" in body, channel  # the bank details
        assert "https://notify.example/v1/unsubscribe?sample=1" in body, channel  # opt-out
    assert "STOP" in bodies["sms"]  # an SMS opts out by replying STOP


@pytest.mark.parametrize("template", LOCALISED, ids=lambda t: f"{t.locale}-{t.key}")
def test_german_and_french_defaults_are_in_their_language(template: Template) -> None:
    bodies = _rendered_everywhere(template)
    words = {"de": ("Rechnung", "Mit freundlichen Grüßen"), "fr": ("facture", "salutations")}
    for word in words[template.locale]:
        assert word in bodies["text"] + bodies["letter"]
    assert "Dear" not in bodies["text"]
    assert "How to pay" not in bodies["letter"]


@pytest.mark.parametrize("template", all_default_templates(), ids=lambda t: f"{t.locale}-{t.key}")
def test_every_shipped_sms_fits_the_default_segment_limit(template: Template) -> None:
    formatting = formatting_for(template.locale, COUNTRY.get(template.locale, "GB"))
    context = message_context(sample_facts(date(2026, 3, 20)), formatting)
    assert template.source.sms is not None
    body = render_field("sms", template.source.sms, context, formatting)
    check_sms_size(sms_text(body), NotifySettings().sms_max_segments)


def test_a_german_request_gets_the_german_default_and_an_unknown_language_english() -> None:
    assert default_for("reminder.firm", Tone.FIRM, "de-AT").locale == "de"
    assert default_for("reminder.firm", Tone.FIRM, "fr-CA").locale == "fr"
    assert default_for("reminder.firm", Tone.FIRM, "pl").locale == "en"
