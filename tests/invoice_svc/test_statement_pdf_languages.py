"""The statement PDF speaks the debtor's language: labels, dates and amounts.

PDFs are rendered straight from a ``Statement`` value with ``compress=False``, so the drawn
text can be found in the bytes (Windows-1252, parentheses escaped).
"""

from __future__ import annotations

import string
from dataclasses import MISSING, fields
from datetime import UTC, date, datetime

import pytest

from debtflow_shared.catalog.invoice import BankAccount, InvoiceStatus, PostalAddress
from invoice_svc.adapters.statement_labels import ENGLISH, LABELS, StatementLabels
from invoice_svc.adapters.statement_pdf import render_statement_pdf
from invoice_svc.domain.creditor_profile import CreditorDetails
from invoice_svc.domain.debtor import Debtor, DebtorProfile
from invoice_svc.domain.statement import (
    AGING_BUCKETS,
    Statement,
    StatementItem,
    statement_totals,
)

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
CREDITOR = CreditorDetails(
    legal_name="Widget Supplies Ltd",
    address=PostalAddress(lines=("1 High Street",), postcode="LS1 4AP", city="Leeds", country="GB"),
    bank_accounts=(BankAccount(account_name="Widget Supplies Ltd", iban="GB33BUKB20201555555555"),),
    dispute_email="credit-control@widget.example",
)


def statement(
    language: str,
    country: str = "DE",
    *,
    status: InvoiceStatus = InvoiceStatus.OPEN,
    creditor: CreditorDetails | None = CREDITOR,
) -> Statement:
    """One EUR invoice of 1,234.50 issued 1 Jan 2026, due 31 Jan, 30 days late on 2 Mar."""
    profile = DebtorProfile(
        name="Schmidt & Partner", country=country, currency="EUR", language=language
    )
    debtor = Debtor("debtor-1", "tenant-a", profile, 1, NOW, NOW)
    item = StatementItem(
        invoice_id="invoice-1",
        number="RE-1001",
        status=status,
        currency="EUR",
        issue_date=date(2026, 1, 1),
        due_date=date(2026, 1, 31),
        amount_minor=123_450,
        paid_minor=0,
        charges_open_minor=0,
        open_balance_minor=123_450,
        days_past_due=30,
        bucket="1-30",
    )
    totals = statement_totals((item,), {})
    return Statement(debtor, creditor, date(2026, 3, 2), NOW, (item,), totals)


def pdf_of(value: Statement) -> bytes:
    return render_statement_pdf(value, compress=False)


def drawn(text: str) -> bytes:
    """``text`` as it appears in an uncompressed PDF drawn with the built-in fonts."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("cp1252")


def missing(pdf: bytes, *texts: str) -> list[str]:
    return [t for t in texts if drawn(t) not in pdf]


def test_a_german_debtor_gets_german_headings() -> None:
    pdf = pdf_of(statement("de"))

    assert not missing(
        pdf,
        "Kontoauszug",
        "Stichtag: ",
        "An:",
        "Offene Posten",
        "Fällig",
        "Übersicht nach Fälligkeit",
        "1\u201330 Tage",
        "Zahlungsinformationen",
        "Rückfragen und Beanstandungen",
        "Seite 1 von ",
    )
    assert drawn("Statement of account") not in pdf


def test_a_german_debtor_gets_german_dates_and_amounts() -> None:
    pdf = pdf_of(statement("de"))

    assert not missing(pdf, "02.03.2026", "31.01.2026", "1.234,50\u00a0€")


def test_a_french_debtor_gets_french_headings_dates_and_amounts() -> None:
    pdf = pdf_of(statement("fr", "FR"))

    assert not missing(
        pdf,
        "Relevé de compte",
        "Date du relevé\u00a0: 2 mars 2026",
        "Factures non réglées",
        "Échéance",
        "31 janv. 2026",
        "1\u00a0234,50\u00a0€",  # Babel's narrow no-break space, drawn as a no-break space
        "Page 1 sur ",
    )
    assert drawn("Open items") not in pdf


@pytest.mark.parametrize(
    ("language", "title", "due"),
    [
        ("en", "Statement of account", "Due"),
        ("de", "Kontoauszug", "Fällig"),
        ("fr", "Relevé de compte", "Échéance"),
        ("es", "Extracto de cuenta", "Vencimiento"),
        ("nl", "Rekeningoverzicht", "Vervaldatum"),
    ],
)
def test_each_translated_language_titles_its_own_statement(
    language: str, title: str, due: str
) -> None:
    assert not missing(pdf_of(statement(language)), title, due)


@pytest.mark.parametrize("language", ["de-AT", "de_CH", "DE"])
def test_a_regional_language_tag_uses_its_base_language(language: str) -> None:
    assert not missing(pdf_of(statement(language, "AT")), "Kontoauszug", "Offene Posten")


def test_an_untranslated_language_falls_back_to_english_labels() -> None:
    pdf = pdf_of(statement("sw", "KE"))

    assert not missing(pdf, "Statement of account", "Open items", "Not yet due", "How to pay")


def test_a_disputed_item_is_marked_in_the_debtors_language() -> None:
    pdf = pdf_of(statement("nl", "NL", status=InvoiceStatus.DISPUTED))

    assert not missing(pdf, "RE-1001 (betwist)")


def test_a_statement_without_a_creditor_says_so_in_the_debtors_language() -> None:
    pdf = pdf_of(statement("es", "ES", creditor=None))

    assert not missing(pdf, "Faltan los datos del acreedor", "Forma de pago")


def test_the_dispute_contacts_are_labelled_in_the_debtors_language() -> None:
    pdf = pdf_of(statement("de"))

    assert not missing(pdf, "E-Mail: credit-control@widget.example")


def test_english_german_french_spanish_and_dutch_are_translated() -> None:
    assert {"en", "de", "fr", "es", "nl"} <= set(LABELS)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("language", sorted(LABELS))
def test_each_language_translates_every_label_with_the_same_placeholders(language: str) -> None:
    labels = LABELS[language]
    for field in fields(StatementLabels):
        text, english = getattr(labels, field.name), getattr(ENGLISH, field.name)
        assert text.strip(), f"{language}.{field.name} is empty"
        assert placeholders(text) == placeholders(english), f"{language}.{field.name}"


def test_a_new_label_has_no_default_that_would_hide_a_missing_translation() -> None:
    defaulted = [
        f.name
        for f in fields(StatementLabels)
        if f.default is not MISSING or f.default_factory is not MISSING
    ]
    assert defaulted == []


@pytest.mark.parametrize("language", sorted(LABELS))
def test_each_language_prints_in_the_built_in_pdf_fonts(language: str) -> None:
    for field in fields(StatementLabels):
        getattr(LABELS[language], field.name).encode("cp1252")  # raises if it cannot print


@pytest.mark.parametrize("language", sorted(LABELS))
def test_each_language_names_every_aging_bucket(language: str) -> None:
    names = [LABELS[language].bucket(key) for key, _ in AGING_BUCKETS]
    assert len(set(names)) == len(AGING_BUCKETS)
