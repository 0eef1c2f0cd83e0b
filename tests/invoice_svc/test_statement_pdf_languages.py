"""The statement PDF speaks the debtor's language: labels, dates and amounts; and prints what
a finance person would send: every name as written, the lines of each item, the statement's
number and date (also in the metadata), the creditor's address in its country's order and
its logo.

PDFs are rendered straight from a ``Statement`` value and read back with pypdf.
"""

from __future__ import annotations

import io
import string
from dataclasses import MISSING, fields, replace
from datetime import UTC, date, datetime

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image

from debtflow_shared.catalog.invoice import BankAccount, ChargeKind, InvoiceStatus, PostalAddress
from debtflow_shared.documents.typography import FONT_FILES
from invoice_svc.adapters.statement_labels import ENGLISH, LABELS, StatementLabels
from invoice_svc.adapters.statement_pdf import render_statement_pdf
from invoice_svc.domain.creditor_profile import CreditorDetails, Logo
from invoice_svc.domain.debtor import Debtor, DebtorProfile
from invoice_svc.domain.statement import (
    AGING_BUCKETS,
    LineKind,
    Statement,
    StatementItem,
    StatementLine,
    statement_totals,
)
from tests.support.pdf_text import pdf_image_count, pdf_metadata, pdf_text

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
    name: str = "Schmidt & Partner",
    lines: tuple[StatementLine, ...] = (),
) -> Statement:
    """One EUR invoice of 1,234.50 issued 1 Jan 2026, due 31 Jan, 30 days late on 2 Mar."""
    profile = DebtorProfile(name=name, country=country, currency="EUR", language=language)
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
        lines=lines or (StatementLine(LineKind.INVOICE, date(2026, 1, 1), 123_450, 123_450),),
    )
    totals = statement_totals((item,), {})
    return Statement(
        debtor, creditor, date(2026, 3, 2), NOW, (item,), totals, issued_on=date(2026, 3, 2)
    )


def pdf_of(value: Statement) -> str:
    """The statement's PDF, read back as text."""
    return pdf_text(render_statement_pdf(value))


def drawn(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def missing(pdf: str, *texts: str) -> list[str]:
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
def test_each_language_prints_in_the_document_font(language: str) -> None:
    for style, path in FONT_FILES.items():
        glyphs = TTFont(path).getBestCmap()
        for field in fields(StatementLabels):
            text = getattr(LABELS[language], field.name)
            lacking = {c for c in text if ord(c) not in glyphs}
            assert not lacking, f"{language}.{field.name} ({style or 'regular'}): {lacking}"


@pytest.mark.parametrize("language", sorted(LABELS))
def test_each_language_names_every_aging_bucket(language: str) -> None:
    names = [LABELS[language].bucket(key) for key, _ in AGING_BUCKETS]
    assert len(set(names)) == len(AGING_BUCKETS)


@pytest.mark.parametrize(
    "name",
    [
        "Zakład Łódź Żółć Sp. z o.o.",  # Polish
        "Řízení Škoda s.r.o.",  # Czech
        "Ελληνική Εταιρεία Α.Ε.",  # noqa: RUF001 (Greek)
        "Ağır Işık Şirketi A.Ş.",  # noqa: RUF001 (Turkish)
    ],
)
def test_a_name_outside_windows_1252_prints_as_written(name: str) -> None:
    assert not missing(pdf_of(statement("en", "GB", name=name)), name)


def test_each_line_of_an_item_is_printed_with_its_running_balance() -> None:
    lines = (
        StatementLine(LineKind.INVOICE, date(2026, 1, 1), 118_050, 118_050),
        StatementLine(LineKind.CREDIT_NOTE, date(2026, 1, 5), -18_050, 100_000, "short delivery"),
        StatementLine(LineKind.PAYMENT, date(2026, 2, 1), -40_000, 60_000, "BACS 4481"),
        StatementLine(
            LineKind.CHARGE,
            date(2026, 2, 2),
            1_520,
            61_520,
            charge_kind=ChargeKind.INTEREST,
            period=(date(2026, 2, 1), date(2026, 2, 28)),
        ),
    )
    value = statement("en", "GB", lines=lines)
    (item,) = value.items
    value = replace(value, items=(replace(item, open_balance_minor=61_520),))

    text = pdf_of(value)

    assert not missing(
        text,
        "1 Jan 2026 Invoice RE-1001 31 Jan 2026 30 €1,180.50 €1,180.50",
        "5 Jan 2026 Credit note: short delivery -€180.50 €1,000.00",
        "1 Feb 2026 Payment received: BACS 4481 -€400.00 €600.00",
        "2 Feb 2026 Interest 1 Feb 2026 to 28 Feb 2026 €15.20 €615.20",
        "Total open €615.20",
    )


def test_the_statement_number_and_date_head_the_pdf_and_fill_its_metadata() -> None:
    pdf = render_statement_pdf(statement("en", "GB"))

    assert not missing(
        pdf_text(pdf), "Statement date: 2 Mar 2026", "Statement no.: ST-debtor-1-20260302"
    )
    metadata = pdf_metadata(pdf)
    assert metadata["/CreationDate"] == "D:20260302090000Z"  # the business clock, not the host
    assert metadata["/Keywords"] == "ST-debtor-1-20260302"
    assert metadata["/Title"] == "Widget Supplies Ltd: Statement of account"


def test_items_aged_at_another_day_say_so_under_the_statement_date() -> None:
    value = replace(statement("en", "GB"), as_of=date(2026, 4, 30))
    assert not missing(pdf_of(value), "Statement date: 2 Mar 2026", "Aged at: 30 Apr 2026")


def test_september_is_abbreviated_like_every_other_month_on_a_british_statement() -> None:
    value = replace(statement("en", "GB"), issued_on=date(2026, 9, 3), as_of=date(2026, 9, 3))
    text = pdf_of(value)
    assert "Statement date: 3 Sep 2026" in text
    assert "Sept" not in text


def test_the_creditors_uk_address_has_the_town_then_the_postcode() -> None:
    assert "1 High Street\nLeeds\nLS1 4AP\nUnited Kingdom" in pdf_of(statement("en", "GB"))


def png(width: int = 300, height: int = 100) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 60, 120)).save(out, "PNG")
    return out.getvalue()


def test_the_creditors_logo_is_drawn_on_the_statement() -> None:
    with_logo = replace(CREDITOR, logo=Logo("image/png", png()))
    assert pdf_image_count(render_statement_pdf(statement("en", "GB", creditor=with_logo))) == 1
    assert pdf_image_count(render_statement_pdf(statement("en", "GB"))) == 0
