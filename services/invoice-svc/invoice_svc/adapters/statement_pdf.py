"""Rendering an account statement as a PDF a person would send (fpdf2, A4).

Every label is in the debtor's language (the texts live in ``statement_labels``; English
when a language is not translated there); amounts, dates, country names and the creditor's
address are formatted for the debtor's locale by ``debtflow_shared.documents``, in its font
(DejaVu Sans), so Polish, Czech, Greek or Turkish names print as written. Each open item
shows the lines that make its balance, and the PDF's metadata carries the statement's
number and the business clock's time rather than the machine's.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from debtflow_shared.catalog.invoice import BankAccount, ChargeKind, InvoiceStatus
from debtflow_shared.documents.locale_format import LocaleFormat, document_locale
from debtflow_shared.documents.typography import FONT_FAMILY, use_document_font
from invoice_svc.adapters.statement_labels import StatementLabels, labels_for
from invoice_svc.domain.creditor_profile import CreditorDetails, Logo
from invoice_svc.domain.statement import (
    AGING_BUCKETS,
    LineKind,
    Statement,
    StatementItem,
    StatementLine,
)

_WIDTH = 190.0  # A4 minus 10 mm margins
_GREY = (90, 90, 90)
_LOGO_BOX = (60.0, 20.0)  # mm: the logo is scaled to fit, keeping its proportions
# Date, details, due, days overdue, amount, balance.
_LINE_COLUMNS = (23, 62, 23, 20, 31, 31)


def render_statement_pdf(statement: Statement) -> bytes:
    """The statement as PDF bytes."""
    fmt = _Formatter(statement.debtor.profile.language, statement.debtor.profile.country)
    pdf = _StatementPdf(statement, fmt)
    pdf.add_page()
    _header(pdf, statement, fmt)
    _items(pdf, statement, fmt)
    _aging(pdf, statement, fmt)
    _how_to_pay(pdf, statement.creditor, fmt.labels)
    _questions_or_disputes(pdf, statement.creditor, fmt.labels)
    return bytes(pdf.output())


class _Formatter(LocaleFormat):
    def __init__(self, language: str, country: str) -> None:
        super().__init__(document_locale(language, country))
        self.labels = labels_for(self.locale)


class _StatementPdf(FPDF):
    def __init__(self, statement: Statement, fmt: _Formatter) -> None:
        super().__init__(format="A4")
        use_document_font(self)
        self.set_margins(10, 12, 10)
        self.set_auto_page_break(True, margin=18)
        self._labels = fmt.labels
        title = self._labels.statement_of_account
        if statement.creditor is not None:
            title = f"{statement.creditor.legal_name}: {title}"
            self.set_author(statement.creditor.legal_name)
        self.set_title(title)
        self.set_subject(self._labels.pair(self._labels.statement_number, statement.number))
        self.set_keywords(statement.number)
        self.set_creator("debtflow")
        self.set_creation_date(statement.generated_at)
        self._footer_text = self._labels.footer.format(
            debtor=statement.debtor.profile.name, date=fmt.day(statement.statement_date)
        )

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT_FAMILY, size=7.5)
        self.set_text_color(*_GREY)
        self.cell(_WIDTH * 0.7, 5, self._footer_text)
        # fpdf2 replaces the "{nb}" alias with the page count when the document is closed.
        page = self._labels.page.format(page=self.page_no(), pages=self.str_alias_nb_pages)
        self.cell(_WIDTH * 0.3, 5, page, align="R")
        self.set_text_color(0, 0, 0)


def _font(pdf: FPDF, *, size: float, bold: bool = False) -> None:
    pdf.set_font(FONT_FAMILY, style="B" if bold else "", size=size)


def _lines(pdf: FPDF, lines: Iterable[str], *, size: float = 9, bold: bool = False) -> None:
    _font(pdf, size=size, bold=bold)
    for line in lines:
        pdf.cell(0, size * 0.45, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    _font(pdf, size=11, bold=True)
    pdf.cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*_GREY)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + _WIDTH, pdf.get_y())
    pdf.ln(1.5)


def _registration_label(key: str) -> str:
    # "vat" -> "VAT", "company_no" -> "Company no"
    return key.upper() if len(key) <= 4 else key.replace("_", " ").capitalize()


def _header(pdf: FPDF, statement: Statement, fmt: _Formatter) -> None:
    top = pdf.get_y()
    if statement.creditor is not None and statement.creditor.logo is not None:
        _logo(pdf, statement.creditor.logo)
    _creditor_block(pdf, statement.creditor, fmt)
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + 110, top)
    _title_block(pdf, statement, fmt)
    pdf.set_xy(pdf.l_margin, max(left_bottom, pdf.get_y()) + 8)
    debtor = statement.debtor.profile
    _lines(pdf, [fmt.labels.to], size=8)
    _lines(pdf, [debtor.name], size=11, bold=True)
    _lines(pdf, statement.postal_address or [fmt.country(debtor.country)], size=10)


def _logo(pdf: FPDF, logo: Logo) -> None:
    width, height = _LOGO_BOX
    top = pdf.get_y()
    pdf.image(
        io.BytesIO(logo.data), x=pdf.l_margin, y=top, w=width, h=height, keep_aspect_ratio=True
    )
    pdf.set_y(top + height + 3)


def _creditor_block(pdf: FPDF, creditor: CreditorDetails | None, fmt: _Formatter) -> None:
    labels = fmt.labels
    if creditor is None:
        _lines(pdf, [labels.creditor_missing], size=15, bold=True)
        # Wrapped within the left column: translations run into the statement date otherwise.
        _font(pdf, size=9)
        pdf.multi_cell(
            100,
            4.05,
            labels.creditor_missing_detail,
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        return
    _lines(pdf, [creditor.legal_name], size=14, bold=True)
    a = creditor.address
    _lines(pdf, fmt.postal_address(a.lines, a.postcode, a.city, a.country))
    numbers = creditor.registration_numbers.items()
    _lines(pdf, [labels.pair(_registration_label(k), v) for k, v in numbers], size=8)


def _title_block(pdf: FPDF, statement: Statement, fmt: _Formatter) -> None:
    """The title, statement number and date and account, right-aligned in 80 mm from x."""
    labels = fmt.labels
    facts = [
        labels.pair(labels.statement_date, fmt.day(statement.statement_date)),
        labels.pair(labels.statement_number, statement.number),
        labels.pair(labels.customer_account, statement.account),
    ]
    if statement.as_of != statement.statement_date:
        facts.append(labels.pair(labels.aged_at, fmt.day(statement.as_of)))
    x = pdf.get_x()
    _font(pdf, size=16, bold=True)
    pdf.cell(80, 8, labels.statement_of_account, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    _font(pdf, size=9)
    for fact in facts:
        pdf.set_x(x)
        pdf.cell(80, 4.5, fact, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)


def _items(pdf: FPDF, statement: Statement, fmt: _Formatter) -> None:
    labels = fmt.labels
    _heading(pdf, labels.open_items)
    if not statement.items:
        _lines(pdf, [labels.no_open_items])
        return
    currencies = sorted({i.currency for i in statement.items})
    for currency in currencies:
        if len(currencies) > 1:
            _lines(pdf, [currency], size=9.5, bold=True)
            pdf.ln(1)
        items = [i for i in statement.items if i.currency == currency]
        _item_table(pdf, items, currency, fmt)
        pdf.ln(3)


def _item_table(pdf: FPDF, items: list[StatementItem], currency: str, fmt: _Formatter) -> None:
    labels = fmt.labels
    _font(pdf, size=7.5)
    headings = (
        labels.date,
        labels.details,
        labels.due,
        labels.days_overdue,
        labels.amount,
        labels.balance,
    )
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=_LINE_COLUMNS,
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=4.6,
        padding=(0.8, 1),
        headings_style=_bold_headings(),
        borders_layout="SINGLE_TOP_LINE",
    ) as table:
        table.row(headings)
        for item in items:
            for line in item.lines:
                first = line.kind is LineKind.INVOICE
                days = str(item.days_past_due) if item.days_past_due else "\u2013"
                table.row(
                    (
                        fmt.day(line.on),
                        _describe(line, item, fmt),
                        fmt.day(item.due_date) if first else "",
                        days if first else "",
                        fmt.money(line.amount_minor, currency),
                        fmt.money(line.balance_minor, currency),
                    ),
                    style=bold if first else None,
                )
        total = sum(i.open_balance_minor for i in items)
        table.row(
            ("", labels.total_open, "", "", "", fmt.money(total, currency)),
            style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
        )


def _describe(line: StatementLine, item: StatementItem, fmt: _Formatter) -> str:
    labels = fmt.labels
    if line.kind is LineKind.INVOICE:
        text = f"{labels.invoice} {item.number}"
        if item.status is InvoiceStatus.DISPUTED:
            text = labels.disputed.format(number=text)
        return text
    if line.kind is LineKind.CHARGE:
        return _charge(line, fmt)
    label = {
        LineKind.CREDIT_NOTE: labels.credit_note,
        LineKind.PAYMENT: labels.payment,
        LineKind.ADJUSTMENT: labels.adjustment,
    }[line.kind]
    return labels.pair(label, line.detail) if line.detail else label


def _charge(line: StatementLine, fmt: _Formatter) -> str:
    labels = fmt.labels
    if line.charge_kind is ChargeKind.INTEREST:
        start, end = line.period or (line.on, line.on)
        return labels.interest.format(start=fmt.day(start), end=fmt.day(end))
    if line.charge_kind is ChargeKind.COMPENSATION:
        return labels.compensation
    return labels.late_fee


def _aging(pdf: FPDF, statement: Statement, fmt: _Formatter) -> None:
    if not statement.totals:
        return
    labels = fmt.labels
    _heading(pdf, labels.summary_by_age)
    _font(pdf, size=7.5)
    headings = (
        labels.currency,
        *(labels.bucket(b) for b, _ in AGING_BUCKETS),
        labels.total_open,
    )
    with pdf.table(
        col_widths=(20, 27, 27, 27, 27, 27, 35),
        text_align=("LEFT", *("RIGHT",) * 6),
        line_height=4.6,
        padding=(0.8, 1),
        headings_style=_bold_headings(),
        borders_layout="SINGLE_TOP_LINE",
    ) as table:
        table.row(headings)
        for t in statement.totals:
            amounts = [*(t.buckets[b] for b, _ in AGING_BUCKETS), t.open_balance_minor]
            table.row([t.currency, *(fmt.money(a, t.currency) for a in amounts)])
    pdf.ln(2)
    for t in statement.totals:
        rows = [(labels.total_open, t.open_balance_minor, False)]  # (label, amount, bold)
        if t.unapplied_credit_minor:
            rows.append((labels.unapplied_credit, -t.unapplied_credit_minor, False))
        rows.append((labels.balance_due, t.balance_due_minor, True))
        for label, minor, strong in rows:
            _font(pdf, size=10, bold=strong)
            pdf.cell(_WIDTH - 45, 6, f"{label} ({t.currency})", align="R")
            pdf.cell(
                45, 6, fmt.money(minor, t.currency), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )


def _how_to_pay(pdf: FPDF, creditor: CreditorDetails | None, labels: StatementLabels) -> None:
    _heading(pdf, labels.how_to_pay)
    if creditor is None:
        _lines(pdf, [labels.payment_details_missing])
        return
    _font(pdf, size=9)
    for account in creditor.bank_accounts:
        # Wrapped: a bank line with every detail runs past the margin in longer languages.
        text = labels.pair(labels.bank_transfer, _bank_details(account, labels))
        pdf.multi_cell(0, 4.05, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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
    _font(pdf, size=9)
    pdf.multi_cell(0, 4.5, labels.dispute, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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
