"""The demo tenant's sample data for ``debtflow run`` (idempotent: upserts by ERP id)."""

from __future__ import annotations

from debtflow_shared.catalog.debtor import Channel, Contact, ContactKind, CreditPolicy
from debtflow_shared.catalog.money import Money
from debtflow_shared.service import ServiceRuntime
from invoice_svc.domain.debtor import DebtorProfile
from invoice_svc.service_layer.debtors import upsert_debtor

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
            Contact(kind=ContactKind.EMAIL, value="ap@acme.example"),
            Contact(kind=ContactKind.PHONE, value="+441632960001"),
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
        contacts=(Contact(kind=ContactKind.EMAIL, value="buchhaltung@bergmann.example"),),
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
            Contact(kind=ContactKind.PHONE, value="+12025550143"),
            Contact(kind=ContactKind.EMAIL, value="payables@northwind.example"),
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
        contacts=(Contact(kind=ContactKind.EMAIL, value="compta@lumiere.example"),),
    ),
)


async def seed_demo(invoice: ServiceRuntime) -> int:
    """Upsert the demo debtors; returns how many were created now."""
    created = 0
    for profile in _DEBTORS:
        result = await upsert_debtor(invoice.uow(), DEMO_TENANT, profile)
        created += result.created
    return created
