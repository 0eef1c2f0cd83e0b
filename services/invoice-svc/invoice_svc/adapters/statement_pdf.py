"""Rendering an account statement as a PDF a person would send (fpdf2, A4).

Every label is in the debtor's language (the texts live in ``statement_labels``; English
when a language is not translated there), and amounts, dates and country names are formatted
by Babel in that language. fpdf2's built-in fonts cover Windows-1252 only (Latin-1 plus the
euro sign and dashes): characters outside it are printed as "?" rather than failing the
whole statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, get_currency_precision
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from debtflow_shared.catalog.invoice import BankAccount, InvoiceStatus
from invoice_svc.adapters.statement_labels import StatementLabels, labels_for
from invoice_svc.domain.creditor_profile import CreditorDetails
from invoice_svc.domain.statement import AGING_BUCKETS, Statement

_ENCODING = "windows-1252"
_FONT = "Helvetica"
_WIDTH = 190.0  # A4 minus 10 mm margins
_GREY = (90, 90, 90)
# Babel's French grouping uses a narrow no-break space, which Windows-1252 lacks.
_SUBSTITUTES = str.maketrans({"\u202f": "\u00a0", "\u2009": " ", "\u2212": "-"})


def printable(text: str) -> str:
    """``text`` in what the built-in fonts can draw; anything else becomes '?'."""
    return text.translate(_SUBSTITUTES).encode(_ENCODING, errors="replace").decode(_ENCODING)


def render_statement_pdf(statement: Statement, *, compress: bool = True) -> bytes:
    """The statement as PDF bytes; ``compress=False`` keeps page text readable (tests)."""
    fmt = _Formatter(statement.debtor.profile.language, statement.debtor.profile.country)
    pdf = _StatementPdf(statement, fmt)
    pdf.set_compression(compress)
    pdf.add_page()
    _header(pdf, statement, fmt)
    _items(pdf, statement, fmt)
    _aging(pdf, statement, fmt)
    _how_to_pay(pdf, statement.creditor, fmt.labels)
    _questions_or_disputes(pdf, statement.creditor, fmt.labels)
    return bytes(pdf.output())


class _Formatter:
    def __init__(self, language: str, country: str) -> None:
        self.locale = _locale(language, country)
        self.labels = labels_for(self.locale)

    def money(self, minor: int, currency: str) -> str:
        digits = get_currency_precision(currency)
        amount = Decimal(minor).scaleb(-digits)
        return printable(format_currency(amount, currency, locale=self.locale))

    def day(self, value: date) -> str:
        return printable(format_date(value, format="medium", locale=self.locale))


def _locale(language: str, country: str) -> Locale:
    for tag in (f"{language}_{country}", language):
        try:
            return Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
    return Locale("en")


class _StatementPdf(FPDF):
    def __init__(self, statement: Statement, fmt: _Formatter) -> None:
        super().__init__(format="A4")
        self.core_fonts_encoding = _ENCODING
        self.set_margins(10, 12, 10)
        self.set_auto_page_break(True, margin=18)
        self._labels = fmt.labels
        title = self._labels.statement_of_account
        if statement.creditor is not None:
            title = f"{statement.creditor.legal_name}: {title}"
            self.set_author(printable(statement.creditor.legal_name))
        self.set_title(printable(title))
        self._footer_text = printable(
            self._labels.footer.format(
                debtor=statement.debtor.profile.name, date=fmt.day(statement.as_of)
            )
        )

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT, size=8)
        self.set_text_color(*_GREY)
        self.cell(_WIDTH / 2, 5, self._footer_text)
        # fpdf2 replaces the "{nb}" alias with the page count when the document is closed.
        page = self._labels.page.format(page=self.page_no(), pages=self.str_alias_nb_pages)
        self.cell(_WIDTH / 2, 5, printable(page), align="R")
        self.set_text_color(0, 0, 0)


def _lines(pdf: FPDF, lines: Iterable[str], *, size: float = 9, bold: bool = False) -> None:
    pdf.set_font(_FONT, style="B" if bold else "", size=size)
    for line in lines:
        pdf.cell(0, size * 0.45, printable(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    pdf.set_font(_FONT, style="B", size=11)
    pdf.cell(0, 6, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*_GREY)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + _WIDTH, pdf.get_y())
    pdf.ln(1.5)


def _address(
    lines: tuple[str, ...], postcode: str | None, city: str | None, country: str, locale: Locale
) -> list[str]:
    place = " ".join(x for x in (postcode, city) if x)
    return [*lines, *([place] if place else []), locale.territories.get(country, country)]


def _registration_label(key: str) -> str:
    # "vat" -> "VAT", "company_no" -> "Company no"
    return key.upper() if len(key) <= 4 else key.replace("_", " ").capitalize()


def _header(pdf: FPDF, statement: Statement, fmt: _Formatter) -> None:
    top = pdf.get_y()
    _creditor_block(pdf, statement.creditor, fmt)
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + 110, top)
    _title_block(pdf, statement, fmt)
    pdf.set_xy(pdf.l_margin, max(left_bottom, pdf.get_y()) + 8)
    debtor = statement.debtor.profile
    _lines(pdf, [fmt.labels.to], size=8)
    _lines(pdf, [debtor.name], size=11, bold=True)
    _lines(pdf, statement.postal_address or [debtor.country], size=10)


def _creditor_block(pdf: FPDF, creditor: CreditorDetails | None, fmt: _Formatter) -> None:
    labels = fmt.labels
    if creditor is None:
        _lines(pdf, [labels.creditor_missing], size=15, bold=True)
        # Wrapped within the left column: translations run into the statement date otherwise.
        pdf.set_font(_FONT, size=9)
        detail = printable(labels.creditor_missing_detail)
        pdf.multi_cell(100, 4.05, detail, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    _lines(pdf, [creditor.legal_name], size=15, bold=True)
    a = creditor.address
    _lines(pdf, _address(a.lines, a.postcode, a.city, a.country, fmt.locale))
    numbers = creditor.registration_numbers.items()
    _lines(pdf, [labels.pair(_registration_label(k), v) for k, v in numbers], size=8)


def _title_block(pdf: FPDF, statement: Statement, fmt: _Formatter) -> None:
    """The title, statement date and account number, right-aligned in 80 mm from x."""
    labels = fmt.labels
    account = statement.debtor.profile.erp_id or statement.debtor.id
    facts = [
        labels.pair(labels.statement_date, fmt.day(statement.as_of)),
        labels.pair(labels.customer_account, account),
    ]
    x = pdf.get_x()
    pdf.set_font(_FONT, style="B", size=16)
    title = printable(labels.statement_of_account)
    pdf.cell(80, 8, title, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(_FONT, size=9)
    for fact in facts:
        pdf.set_x(x)
        pdf.cell(80, 4.5, printable(fact), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)


def _items(pdf: FPDF, statement: Statement, fmt: _Formatter) -> None:
    labels = fmt.labels
    _heading(pdf, labels.open_items)
    if not statement.items:
        _lines(pdf, [labels.no_open_items])
        return
    pdf.set_font(_FONT, size=8.5)
    headings = (
        labels.invoice,
        labels.issued,
        labels.due,
        labels.amount,
        labels.paid,
        labels.charges,
        labels.open_balance,
        labels.days_overdue,
    )
    with pdf.table(
        col_widths=(30, 21, 21, 25, 23, 19, 27, 24),
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5,
        padding=1,
        headings_style=_bold_headings(),
        first_row_as_headings=True,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        table.row([printable(h) for h in headings])
        for item in statement.items:
            number = item.number
            if item.status is InvoiceStatus.DISPUTED:
                number = labels.disputed.format(number=number)
            amounts = (
                item.amount_minor,
                item.paid_minor,
                item.charges_open_minor,
                item.open_balance_minor,
            )
            table.row(
                (
                    printable(number),
                    fmt.day(item.issue_date),
                    fmt.day(item.due_date),
                    *(fmt.money(a, item.currency) for a in amounts),
                    str(item.days_past_due) if item.days_past_due else "-",
                )
            )


def _aging(pdf: FPDF, statement: Statement, fmt: _Formatter) -> None:
    if not statement.totals:
        return
    labels = fmt.labels
    _heading(pdf, labels.summary_by_age)
    pdf.set_font(_FONT, size=8.5)
    headings = (
        labels.currency,
        *(labels.bucket(b) for b, _ in AGING_BUCKETS),
        labels.total_open,
    )
    with pdf.table(
        col_widths=(20, 27, 27, 27, 27, 27, 35),
        text_align=("LEFT", *("RIGHT",) * 6),
        line_height=5,
        padding=1,
        headings_style=_bold_headings(),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        table.row([printable(h) for h in headings])
        for t in statement.totals:
            amounts = [*(t.buckets[b] for b, _ in AGING_BUCKETS), t.open_balance_minor]
            table.row([t.currency, *(fmt.money(a, t.currency) for a in amounts)])
    pdf.ln(2)
    for t in statement.totals:
        rows = []  # (label, amount, bold)
        if t.unapplied_credit_minor:
            rows.append((labels.unapplied_credit, -t.unapplied_credit_minor, False))
        rows.append((labels.balance_due, t.balance_due_minor, True))
        for label, minor, bold in rows:
            pdf.set_font(_FONT, style="B" if bold else "", size=10)
            pdf.cell(_WIDTH - 45, 6, printable(f"{label} ({t.currency})"), align="R")
            pdf.cell(
                45, 6, fmt.money(minor, t.currency), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )


def _how_to_pay(pdf: FPDF, creditor: CreditorDetails | None, labels: StatementLabels) -> None:
    _heading(pdf, labels.how_to_pay)
    if creditor is None:
        _lines(pdf, [labels.payment_details_missing])
        return
    for account in creditor.bank_accounts:
        _lines(pdf, [labels.pair(labels.bank_transfer, _bank_details(account, labels))])
    if creditor.pay_link:
        _lines(pdf, [labels.pair(labels.pay_online, creditor.pay_link)])
    if not creditor.bank_accounts and not creditor.pay_link:
        _lines(pdf, [labels.ask_for_payment_details])
    _lines(pdf, [labels.quote_invoice_numbers])


def _bank_details(account: BankAccount, labels: StatementLabels) -> str:
    # IBAN and BIC are the same word in every language, so they are not translated.
    details = [
        (labels.account_name, account.account_name),
        ("IBAN", account.iban),
        ("BIC", account.bic),
        (labels.sort_code, account.sort_code),
        (labels.account_number, account.account_number),
    ]
    return "   ".join(labels.pair(label, value) for label, value in details if value)


def _questions_or_disputes(
    pdf: FPDF, creditor: CreditorDetails | None, labels: StatementLabels
) -> None:
    _heading(pdf, labels.questions_or_disputes)
    pdf.set_font(_FONT, size=9)
    pdf.multi_cell(0, 4.5, printable(labels.dispute), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    # The contacts stand on their own line so the sentence reads the same in every language
    # whichever of them the creditor has given.
    contacts = [
        (labels.email, creditor.dispute_email if creditor else None),
        (labels.phone, creditor.dispute_phone if creditor else None),
    ]
    given = [labels.pair(label, value) for label, value in contacts if value]
    if given:
        _lines(pdf, ["   ".join(given)])


def _bold_headings() -> FontFace:
    return FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
