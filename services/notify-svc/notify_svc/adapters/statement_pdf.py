"""The statement attached to a final notice or a letter before action (fpdf2, A4).

Rendered by notify from the same copies, at the same moment, as the email it goes with, so
the PDF and the message state the same amounts. We chose this over invoice-svc's statement
endpoint: that call would add another service's availability (and its clock) to the
transaction that marks the notification ``sending``, and could show amounts a moment newer
than the email's. It uses the shared typeface and locale formatting
(``debtflow_shared.documents``), as invoice-svc's statement does.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from debtflow_shared.documents.locale_format import LocaleFormat
from debtflow_shared.documents.typography import use_document_font
from notify_svc.domain.message_context import MessageFacts

_WIDTH = 190.0
_COLUMNS = (38.0, 30.0, 30.0, 28.0, 32.0, 32.0)  # number, issued, due, overdue, invoiced, due now
_HEAD = ("Invoice", "Issued", "Due", "Days overdue", "Invoiced", "Now due")


def statement_pdf(facts: MessageFacts, formatting: LocaleFormat) -> bytes:
    pdf = FPDF(format="A4")
    family = use_document_font(pdf)
    pdf.set_margins(10, 12, 10)
    pdf.set_auto_page_break(True, margin=18)
    creditor = facts.creditor
    pdf.set_title(f"{creditor.legal_name}: statement of account")
    pdf.set_author(creditor.legal_name)
    pdf.set_creator("debtflow notify-svc")
    pdf.set_creation_date(datetime.combine(facts.today, time(), tzinfo=UTC))
    pdf.add_page()

    pdf.set_font(family, "B", 15)
    pdf.cell(_WIDTH, 8, creditor.legal_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 9)
    for text in formatting.postal_address(
        creditor.address_lines, creditor.postcode, creditor.city, creditor.country
    ):
        pdf.cell(_WIDTH, 4.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for label, number in creditor.registration_numbers.items():
        pdf.cell(_WIDTH, 4.5, f"{label}: {number}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)

    pdf.set_font(family, "B", 10)
    pdf.cell(_WIDTH, 5, facts.debtor.name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 9)
    for text in facts.debtor.postal_lines:
        pdf.cell(_WIDTH, 4.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)

    pdf.set_font(family, "B", 13)
    pdf.cell(_WIDTH, 7, "Statement of account", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 9)
    pdf.cell(
        _WIDTH,
        5,
        f"Open items as of {formatting.day(facts.today)}",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)

    pdf.set_font(family, "B", 9)
    pdf.set_fill_color(238, 242, 246)
    for width, head in zip(_COLUMNS, _HEAD, strict=True):
        pdf.cell(width, 6, head, border="B", fill=True, align="R" if width < 38 else "L")
    pdf.ln(6)
    pdf.set_font(family, "", 9)
    for invoice in facts.invoices:
        overdue = max((facts.today - invoice.due_date).days, 0)
        cells = (
            invoice.number,
            formatting.day(invoice.issue_date),
            formatting.day(invoice.due_date),
            str(overdue) if overdue else "not yet due",
            formatting.money(invoice.amount_minor, invoice.currency),
            formatting.money(invoice.open_balance_minor, invoice.currency),
        )
        for width, text in zip(_COLUMNS, cells, strict=True):
            pdf.cell(width, 5.5, text, border="B", align="R" if width < 38 else "L")
        pdf.ln(5.5)

    if facts.charges:
        pdf.ln(4)
        pdf.set_font(family, "B", 9)
        pdf.cell(_WIDTH, 5, "Charges added", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(family, "", 9)
        numbers = {i.invoice_id: i.number for i in facts.invoices}
        for charge in facts.charges:
            text = f"{charge.description} (invoice {numbers.get(charge.invoice_id, '')})"
            pdf.cell(_WIDTH - 40, 5, text[:110])
            pdf.cell(
                40,
                5,
                formatting.money(charge.amount_minor, charge.currency),
                align="R",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )

    currency = facts.invoices[0].currency if facts.invoices else facts.debtor.currency
    total = sum(i.open_balance_minor for i in facts.invoices)
    pdf.ln(4)
    pdf.set_font(family, "B", 11)
    pdf.cell(_WIDTH - 40, 7, "Total now due", border="T")
    pdf.cell(
        40,
        7,
        formatting.money(total, currency),
        border="T",
        align="R",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )

    pdf.ln(4)
    pdf.set_font(family, "B", 10)
    pdf.cell(_WIDTH, 6, "How to pay", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 9)
    if creditor.pay_link:
        pdf.cell(_WIDTH, 5, f"Online: {creditor.pay_link}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for account in creditor.bank_accounts:
        parts = [
            account.account_name,
            f"sort code {account.sort_code}" if account.sort_code else None,
            f"account {account.account_number}" if account.account_number else None,
            f"IBAN {account.iban}" if account.iban else None,
            f"BIC {account.bic}" if account.bic else None,
        ]
        pdf.multi_cell(
            _WIDTH,
            5,
            "Bank transfer: " + ", ".join(p for p in parts if p),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.ln(2)
    pdf.set_font(family, "B", 10)
    pdf.cell(_WIDTH, 6, "If you disagree", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 9)
    contact = (
        " or ".join(c for c in (creditor.dispute_email, creditor.dispute_phone) if c)
        or "reply to our message"
    )
    pdf.multi_cell(
        _WIDTH,
        5,
        f"If you believe an amount is not owed, contact {contact} and say why; collection "
        "of a disputed invoice pauses while we look into it.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    return bytes(pdf.output())
