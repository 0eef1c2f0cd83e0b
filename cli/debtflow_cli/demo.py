"""The demo tenant's sample data for ``debtflow run`` (idempotent: upserts by ERP id).

Invoices are dated relative to the clock's today when first seeded, so a new demo shows
every aging bucket; they are only ever created once (fixed ERP ids), so a restart on a
later day finds the same invoices, simply older.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from debtflow_shared.catalog.debtor import (
    Channel,
    ContactKind,
    CreditPolicy,
    DebtorAddress,
    EmailContact,
    PhoneContact,
    PostalContact,
)
from debtflow_shared.catalog.invoice import BankAccount, PostalAddress
from debtflow_shared.catalog.money import Money
from debtflow_shared.service import ServiceRuntime
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.adapters.payment_repository import PaymentRepository
from invoice_svc.domain.creditor_profile import CreditorDetails
from invoice_svc.domain.debtor import DebtorProfile
from invoice_svc.domain.invoice import InvoiceLine
from invoice_svc.domain.payment import PaymentDetails
from invoice_svc.service_layer.creditor_profile import set_creditor_profile
from invoice_svc.service_layer.debtors import upsert_debtor
from invoice_svc.service_layer.invoices import IssueInvoice, issue_invoice
from invoice_svc.service_layer.payments import RecordPayment, record_payment

DEMO_TENANT = "demo"

_DEBTORS = (
    DebtorProfile(
        erp_id="C-1001",
        name="Acme Widgets Ltd",
        country="GB",
        currency="GBP",
        time_zone="Europe/London",
        preferred_channel=Channel.EMAIL,
        contacts=(
            EmailContact(kind=ContactKind.EMAIL, value="ap@acme.example"),
            PhoneContact(kind=ContactKind.PHONE, value="+441632960001"),
            PostalContact(
                kind=ContactKind.POSTAL,
                value="Accounts Payable\nUnit 4, Riverside Park\n"
                "Manchester M17 1AB\nUnited Kingdom",
            ),
        ),
        credit_policy=CreditPolicy(credit_limit=Money(amount_minor=5_000_000, currency="GBP")),
        tags=("wholesale",),
    ),
    DebtorProfile(
        erp_id="C-1002",
        name="Bergmann Maschinenbau GmbH",
        country="DE",
        currency="EUR",
        time_zone="Europe/Berlin",
        language="de",
        preferred_channel=Channel.EMAIL,
        postal_address=DebtorAddress(
            lines=("Buchhaltung", "Industriestraße 12"),
            postcode="70565",
            city="Stuttgart",
            country="DE",
        ),
        contacts=(
            EmailContact(kind=ContactKind.EMAIL, value="buchhaltung@bergmann.example"),
            PostalContact(
                kind=ContactKind.POSTAL,
                value="Buchhaltung\nIndustriestraße 12\n70565 Stuttgart\nDeutschland",
            ),
        ),
        credit_policy=CreditPolicy(payment_terms_days=14),
    ),
    DebtorProfile(
        erp_id="C-1003",
        name="Northwind Traders Inc",
        country="US",
        currency="USD",
        time_zone="America/New_York",
        preferred_channel=Channel.SMS,
        contacts=(
            PhoneContact(kind=ContactKind.PHONE, value="+12025550143", sms_capable=True),
            EmailContact(kind=ContactKind.EMAIL, value="payables@northwind.example"),
            PostalContact(
                kind=ContactKind.POSTAL,
                value="Attn: Accounts Payable\n200 Harbor Drive, Suite 1400\n"
                "Boston, MA 02210\nUnited States",
            ),
        ),
        credit_policy=CreditPolicy(payment_terms_days=45),
    ),
    DebtorProfile(
        erp_id="C-1004",
        name="Lumière Distribution SARL",
        country="FR",
        currency="EUR",
        time_zone="Europe/Paris",
        language="fr",
        contacts=(
            EmailContact(kind=ContactKind.EMAIL, value="compta@lumiere.example"),
            PostalContact(
                kind=ContactKind.POSTAL,
                value="Service comptabilité\n18 rue de la Lumière\n69002 Lyon\nFrance",
            ),
        ),
    ),
    # Owes one invoice falling due in five days: as the demo clock moves it gets the default
    # ladder's reminders by email from the start (the others are long overdue already), and
    # the +21 and +45 letters land in .data/letters/ as PDFs.
    DebtorProfile(
        erp_id="C-1005",
        name="Harbour Café Ltd",
        country="GB",
        currency="GBP",
        time_zone="Europe/London",
        preferred_channel=Channel.EMAIL,
        postal_address=DebtorAddress(
            lines=("Accounts", "3 Quay Street"), postcode="BS1 4DB", city="Bristol", country="GB"
        ),
        contacts=(
            EmailContact(kind=ContactKind.EMAIL, value="accounts@harbourcafe.example"),
            PostalContact(
                kind=ContactKind.POSTAL,
                value="Accounts\n3 Quay Street\nBristol BS1 4DB\nUnited Kingdom",
            ),
        ),
    ),
    # A fortnight overdue with no history: the ladder's +14 step gives a collector a call,
    # and escalation-svc's demo seeding records the promise that call brought.
    DebtorProfile(
        erp_id="C-1006",
        name="Penrose Print & Signs Ltd",
        country="GB",
        currency="GBP",
        time_zone="Europe/London",
        preferred_channel=Channel.EMAIL,
        contacts=(
            EmailContact(kind=ContactKind.EMAIL, value="accounts@penrose.example"),
            PhoneContact(kind=ContactKind.PHONE, value="+441632960077"),
        ),
    ),
    # German-speaking, with an invoice falling due in six days: its reminders, from the
    # first, are the German defaults (email, and the letters in .data/letters/).
    DebtorProfile(
        erp_id="C-1007",
        name="Nordsee Kaffeerösterei GmbH",
        country="DE",
        currency="EUR",
        time_zone="Europe/Berlin",
        language="de",
        preferred_channel=Channel.EMAIL,
        postal_address=DebtorAddress(
            lines=("Buchhaltung", "Am Sandtorkai 41"),
            postcode="20457",
            city="Hamburg",
            country="DE",
        ),
        contacts=(EmailContact(kind=ContactKind.EMAIL, value="buchhaltung@nordsee.example"),),
    ),
)


CREDITOR = CreditorDetails(
    legal_name="Widget Supplies Ltd",
    address=PostalAddress(lines=("1 High Street",), postcode="LS1 4AP", city="Leeds", country="GB"),
    registration_numbers={"company_no": "01234567", "vat": "GB123456789"},
    bank_accounts=(
        BankAccount(
            account_name="Widget Supplies Ltd", sort_code="12-34-56", account_number="12345678"
        ),
        BankAccount(
            account_name="Widget Supplies Ltd (EUR)",
            iban="GB33BUKB20201555555555",
            bic="BUKBGB22",
        ),
    ),
    pay_link="https://pay.example.com/widget-supplies",
    dispute_email="credit-control@widget.example",
    dispute_phone="+44 113 496 0000",
)


@dataclass(frozen=True)
class DemoInvoice:
    debtor_erp_id: str
    erp_id: str
    amount_minor: int
    issued_days_ago: int
    due_in_days: int  # negative: overdue by that many days on the day it is seeded
    description: str
    paid_minor: int = 0  # recorded as a payment named to this invoice


# Every aging bucket shows on a fresh demo: not yet due, 5, 20, 45, 75 and 95 days overdue;
# one invoice part paid and two paid in full; one debtor whose invoice falls due in five
# days, so the demo's reminders start from the first step; and one a fortnight overdue.
_INVOICES = (
    DemoInvoice("C-1001", "INV-GB-1041", 485_000, 10, 20, "Widgets, pallet of 500"),
    DemoInvoice("C-1001", "INV-GB-1027", 120_000, 35, -5, "Widget spare parts"),
    DemoInvoice("C-1001", "INV-GB-0988", 340_000, 75, -45, "Widgets, 2 pallets", 100_000),
    DemoInvoice("C-1001", "INV-GB-0951", 215_000, 90, -60, "Installation service", 215_000),
    DemoInvoice("C-1002", "RE-2026-0117", 789_050, 34, -20, "Getriebeteile"),
    DemoInvoice("C-1002", "RE-2026-0131", 234_000, 4, 10, "Wartungsvertrag"),
    DemoInvoice("C-1002", "RE-2026-0098", 412_500, 60, -46, "Ersatzteile", 412_500),
    DemoInvoice("C-1003", "NW-5531", 1_250_000, 140, -95, "Annual supply contract, Q1"),
    DemoInvoice("C-1003", "NW-5702", 630_000, 15, 30, "Widgets, container shipment"),
    DemoInvoice("C-1004", "FA-2026-0042", 98_000, 105, -75, "Luminaires, lot 12"),
    DemoInvoice("C-1004", "FA-2026-0051", 154_000, 20, 10, "Luminaires, lot 15"),
    DemoInvoice("C-1005", "HC-2026-0007", 86_500, 25, 5, "Coffee machines, service visit"),
    DemoInvoice("C-1006", "PPS-2026-0213", 264_000, 46, -16, "Shop signage, 12 branches"),
    DemoInvoice("C-1007", "NK-2026-0003", 142_000, 24, 6, "Röstmaschine, Wartung"),
)


async def seed_demo(invoice: ServiceRuntime) -> int:
    """Upsert the creditor profile, debtors and their invoices; returns debtors created now."""
    await set_creditor_profile(invoice.uow(), DEMO_TENANT, CREDITOR)
    created, debtor_ids = 0, {}
    for profile in _DEBTORS:
        result = await upsert_debtor(invoice.uow(), DEMO_TENANT, profile)
        created += result.created
        debtor_ids[profile.erp_id] = result.debtor.id
    today = invoice.clock.now().date()
    currencies = {p.erp_id: p.currency for p in _DEBTORS}
    for demo in _INVOICES:
        await _seed_invoice(
            invoice, demo, debtor_ids[demo.debtor_erp_id], currencies[demo.debtor_erp_id], today
        )
    return created


async def _seed_invoice(
    invoice: ServiceRuntime, demo: DemoInvoice, debtor_id: str, currency: str, today: date
) -> None:
    # Created once: re-sending on a later day would move its dates (an ERP amendment).
    async with invoice.uow() as uow:
        existing = await InvoiceRepository(uow.session).get_by_erp_id(DEMO_TENANT, demo.erp_id)
        paid = await PaymentRepository(uow.session).get_by_erp_id(DEMO_TENANT, _payment(demo))
    if existing is None:
        issued = today - timedelta(days=demo.issued_days_ago)
        command = IssueInvoice(
            debtor_id=debtor_id,
            number=demo.erp_id,
            currency=currency,
            issue_date=issued,
            due_date=today + timedelta(days=demo.due_in_days),
            amount_minor=demo.amount_minor,
            erp_id=demo.erp_id,
            lines=(InvoiceLine(demo.description, demo.amount_minor),),
        )
        existing = (await issue_invoice(invoice.uow(), DEMO_TENANT, command)).invoice
    if demo.paid_minor and paid is None:
        received = existing.terms.due_date - timedelta(days=3)
        details = PaymentDetails(
            amount_minor=demo.paid_minor,
            currency=currency,
            received_on=min(received, today),
            erp_id=_payment(demo),
            reference=demo.erp_id,
            method="bank_transfer",
        )
        await record_payment(
            invoice.uow(),
            DEMO_TENANT,
            RecordPayment(debtor_id=debtor_id, details=details, invoice_ids=(existing.id,)),
        )


def _payment(demo: DemoInvoice) -> str:
    return f"PAY-{demo.erp_id}"
