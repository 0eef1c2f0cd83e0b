"""Rendering an account statement as a PDF a person would send (fpdf2, A4).

Amounts and dates are formatted with Babel in the debtor's language. fpdf2's built-in
fonts cover Windows-1252 only (Latin-1 plus the euro sign and dashes): characters outside
it are printed as "?" rather than failing the whole statement.
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

from debtflow_shared.catalog.invoice import InvoiceStatus
from invoice_svc.domain.creditor_profile import CreditorDetails
from invoice_svc.domain.statement import AGING_BUCKETS, Statement

_ENCODING = "windows-1252"
_FONT = "Helvetica"
_WIDTH = 190.0  # A4 minus 10 mm margins
_GREY = (90, 90, 90)
# Babel's French grouping uses a narrow no-break space, which Windows-1252 lacks.
_SUBSTITUTES = str.maketrans({"\u202f": "\u00a0", "\u2009": " ", "\u2212": "-"})
_BUCKET_LABELS = {
    "current": "Not yet due",
    "1-30": "1\u201330 days",
    "31-60": "31\u201360 days",
    "61-90": "61\u201390 days",
    "90+": "Over 90 days",
}


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
    _how_to_pay_and_dispute(pdf, statement.creditor)
    return bytes(pdf.output())


class _Formatter:
    def __init__(self, language: str, country: str) -> None:
        self.locale = _locale(language, country)

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
        creditor = statement.creditor.legal_name if statement.creditor else "Statement"
        self.set_title(printable(f"{creditor}: statement of account"))
        self.set_author(printable(creditor))
        self._footer_text = printable(
            f"Statement for {statement.debtor.profile.name} as of {fmt.day(statement.as_of)}"
        )

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT, size=8)
        self.set_text_color(*_GREY)
        self.cell(_WIDTH / 2, 5, self._footer_text)
        self.cell(_WIDTH / 2, 5, f"Page {self.page_no()} of {{nb}}", align="R")
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
    creditor, debtor = statement.creditor, statement.debtor.profile
    top = pdf.get_y()
    if creditor is not None:
        _lines(pdf, [creditor.legal_name], size=15, bold=True)
        a = creditor.address
        _lines(pdf, _address(a.lines, a.postcode, a.city, a.country, fmt.locale))
        _lines(
            pdf,
            [f"{_registration_label(k)}: {v}" for k, v in creditor.registration_numbers.items()],
            size=8,
        )
    else:
        _lines(pdf, ["Creditor details not set"], size=15, bold=True)
        _lines(pdf, ["The creditor has not set its legal name, address or payment details."])
    left_bottom = pdf.get_y()

    pdf.set_xy(pdf.l_margin + 110, top)
    pdf.set_font(_FONT, style="B", size=16)
    pdf.cell(80, 8, "Statement of account", align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(_FONT, size=9)
    facts = [
        ("Statement date", fmt.day(statement.as_of)),
        ("Customer account", debtor.erp_id or statement.debtor.id),
    ]
    for label, value in facts:
        pdf.set_x(pdf.l_margin + 110)
        pdf.cell(
            80, 4.5, printable(f"{label}: {value}"), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT
        )

    pdf.set_xy(pdf.l_margin, max(left_bottom, pdf.get_y()) + 8)
    _lines(pdf, ["To:"], size=8)
    _lines(pdf, [debtor.name], size=11, bold=True)
    _lines(pdf, statement.postal_address or [debtor.country], size=10)


def _items(pdf: FPDF, statement: Statement, fmt: _Formatter) -> None:
    _heading(pdf, "Open items")
    if not statement.items:
        _lines(pdf, ["There are no open items on your account."])
        return
    pdf.set_font(_FONT, size=8.5)
    headings = (
        "Invoice",
        "Issued",
        "Due",
        "Amount",
        "Paid",
        "Charges",
        "Open balance",
        "Days overdue",
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
        table.row(headings)
        for item in statement.items:
            number = item.number + (" (disputed)" if item.status is InvoiceStatus.DISPUTED else "")
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
    _heading(pdf, "Summary by age")
    pdf.set_font(_FONT, size=8.5)
    headings = ("Currency", *(_BUCKET_LABELS[b] for b, _ in AGING_BUCKETS), "Total open")
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
        rows = []
        if t.unapplied_credit_minor:
            rows.append(("Unapplied credit on your account", -t.unapplied_credit_minor))
        rows.append(("Balance due", t.balance_due_minor))
        for label, minor in rows:
            pdf.set_font(_FONT, style="B" if label == "Balance due" else "", size=10)
            pdf.cell(_WIDTH - 45, 6, printable(f"{label} ({t.currency})"), align="R")
            pdf.cell(
                45, 6, fmt.money(minor, t.currency), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )


def _how_to_pay_and_dispute(pdf: FPDF, creditor: CreditorDetails | None) -> None:
    _heading(pdf, "How to pay")
    if creditor is None:
        _lines(pdf, ["Payment details have not been set up yet: please contact us before paying."])
    else:
        for account in creditor.bank_accounts:
            parts = [
                f"Account name: {account.account_name}",
                *([f"IBAN: {account.iban}"] if account.iban else []),
                *([f"BIC: {account.bic}"] if account.bic else []),
                *([f"Sort code: {account.sort_code}"] if account.sort_code else []),
                *([f"Account number: {account.account_number}"] if account.account_number else []),
            ]
            _lines(pdf, ["Bank transfer: " + "   ".join(parts)])
        if creditor.pay_link:
            _lines(pdf, [f"Pay online: {creditor.pay_link}"])
        if not creditor.bank_accounts and not creditor.pay_link:
            _lines(pdf, ["Please contact us for payment details."])
        _lines(pdf, ["Please quote the invoice numbers as the payment reference."])
    _heading(pdf, "Questions or disputes")
    contacts = []
    if creditor is not None and creditor.dispute_email:
        contacts.append(f"email {creditor.dispute_email}")
    if creditor is not None and creditor.dispute_phone:
        contacts.append(f"call {creditor.dispute_phone}")
    reach = " or ".join(contacts) if contacts else "contact us"
    pdf.set_font(_FONT, size=9)
    pdf.multi_cell(
        0,
        4.5,
        printable(
            f"If you believe an item on this statement is wrong, please {reach}, quoting the "
            "invoice number and the reason. A disputed item is not chased while we look into it."
        ),
    )


def _bold_headings() -> FontFace:
    return FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
