"""A letter as a PDF (fpdf2, A4): letterhead, the debtor's address, the date, the subject,
the template's letter text, and the invoices it is about.

The shared typeface (DejaVu Sans, ``debtflow_shared.documents.typography``) prints Polish,
Greek or Cyrillic names as their owners write them; amounts, dates and the address's line
order come from the shared locale formatting, so a German debtor's address reads postcode,
then town, and its amounts "1.320,00 €". The recipient block sits where a DIN 5008 / C5
window envelope shows it (left, 45 mm from the top). Column heads are in the letter's
language (English, German or French; others get English).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from debtflow_shared.documents.locale_format import LocaleFormat
from debtflow_shared.documents.typography import use_document_font
from notify_svc.domain.message_context import MessageFacts

_WIDTH = 180.0
INVOICES_MARKER = "[invoices]"
_COLUMNS = (50.0, 35.0, 35.0, 60.0)  # number, due, days overdue, now due

_LABELS = {
    "en": ("Invoice", "Due", "Days overdue", "Now due", "Total now due", "not yet due"),
    "de": (
        "Rechnung",
        "Fällig am",
        "Tage überfällig",
        "Offen",
        "Gesamt offen",
        "noch nicht fällig",
    ),
    "fr": ("Facture", "Échéance", "Jours de retard", "Reste dû", "Total dû", "pas encore échue"),
}


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    """the rendered letter body: paragraphs (blank-line separated); a paragraph's first line
    starting ``# `` is printed as its heading, and a paragraph ``[invoices]`` is where the
    table of invoices goes (else it follows the text)"""
    language: str


def letter_pdf(facts: MessageFacts, letter: Letter, formatting: LocaleFormat) -> bytes:
    pdf = FPDF(format="A4")
    family = use_document_font(pdf)
    pdf.set_margins(20, 15, 10)
    pdf.set_auto_page_break(True, margin=20)
    creditor = facts.creditor
    pdf.set_title(letter.subject)
    pdf.set_author(creditor.legal_name)
    pdf.set_creator("debtflow notify-svc")
    pdf.set_creation_date(datetime.combine(facts.today, time(), tzinfo=UTC))
    pdf.add_page()

    pdf.set_font(family, "B", 14)
    pdf.cell(_WIDTH, 7, creditor.legal_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 8.5)
    sender = formatting.postal_address(
        creditor.address_lines, creditor.postcode, creditor.city, creditor.country
    )
    pdf.cell(_WIDTH, 4, " · ".join(sender), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    registrations = [f"{k} {v}" for k, v in creditor.registration_numbers.items()]
    if registrations:
        pdf.cell(_WIDTH, 4, " · ".join(registrations), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_y(45)
    pdf.set_font(family, "", 10.5)
    for line in recipient_lines(facts, formatting):
        pdf.cell(90, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_y(90)
    pdf.set_font(family, "", 10)
    pdf.cell(_WIDTH, 5, formatting.day(facts.today), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font(family, "B", 11.5)
    pdf.multi_cell(_WIDTH, 6, letter.subject, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    labels = _LABELS.get(letter.language, _LABELS["en"])
    paragraphs = [p.strip("\n") for p in letter.text.strip().split("\n\n")]
    for paragraph in paragraphs:
        if paragraph.strip() == INVOICES_MARKER:
            _invoices(pdf, family, facts, formatting, labels)
        else:
            _paragraph(pdf, family, paragraph)
    if INVOICES_MARKER not in (p.strip() for p in paragraphs):
        _invoices(pdf, family, facts, formatting, labels)
    return bytes(pdf.output())


def recipient_lines(facts: MessageFacts, formatting: LocaleFormat) -> list[str]:
    """The debtor's name, then the address in its country's order and the country's name."""
    postal = facts.debtor.postal_address
    if postal is None:
        return [facts.debtor.name, *facts.debtor.postal_lines]
    return [
        facts.debtor.name,
        *formatting.postal_address(postal.lines, postal.postcode, postal.city, postal.country),
    ]


def _paragraph(pdf: FPDF, family: str, paragraph: str) -> None:
    lines = [line.rstrip() for line in paragraph.splitlines()]
    if not any(lines):
        return
    if lines[0].startswith("# "):
        pdf.set_font(family, "B", 10)
        pdf.cell(_WIDTH, 6, lines[0][2:], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        lines = lines[1:]
    pdf.set_font(family, "", 10)
    if lines:
        pdf.multi_cell(_WIDTH, 5, "\n".join(lines), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _invoices(
    pdf: FPDF,
    family: str,
    facts: MessageFacts,
    formatting: LocaleFormat,
    labels: tuple[str, ...],
) -> None:
    pdf.set_font(family, "B", 9)
    pdf.set_fill_color(238, 242, 246)
    for width, head in zip(_COLUMNS, labels[:4], strict=True):
        pdf.cell(width, 6, head, border="B", fill=True, align="L" if width == 50 else "R")
    pdf.ln(6)
    pdf.set_font(family, "", 9)
    for invoice in facts.invoices:
        overdue = max((facts.today - invoice.due_date).days, 0)
        cells = (
            invoice.number,
            formatting.day(invoice.due_date),
            str(overdue) if overdue else labels[5],
            formatting.money(invoice.open_balance_minor, invoice.currency),
        )
        for width, text in zip(_COLUMNS, cells, strict=True):
            pdf.cell(width, 5.5, text, border="B", align="L" if width == 50 else "R")
        pdf.ln(5.5)
    currency = facts.invoices[0].currency if facts.invoices else facts.debtor.currency
    total = sum(i.open_balance_minor for i in facts.invoices)
    pdf.set_font(family, "B", 10)
    pdf.cell(_WIDTH - 60, 7, labels[4])
    pdf.cell(
        60, 7, formatting.money(total, currency), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(3)
