"""PRODUCT.md's worked example as invoice-svc's events (amounts in pence).

Q1 2026 (90 days): A (250,000.00, issued in December) is the beginning AR and is paid on
15 Jan; B (500,000.00) is 400,000.00 paid; D (200,000.00) is paid; C (200,000.00) is not
due yet on 31 Mar. Sales B + C + D = 900,000.00; ending AR B's 100,000.00 + C's 200,000.00,
of which C's is current.
"""

from __future__ import annotations

from datetime import date

from debtflow_shared.bus.base import OutboundMessage
from tests.analytics_svc.ledger_events import TENANT, InvoiceStory, debtor_upserted

K = 100_000  # 1,000.00 in pence


def worked_example(tenant: str = TENANT) -> list[OutboundMessage]:
    a = InvoiceStory("inv-a", "d-1", 250 * K, date(2025, 12, 1), date(2025, 12, 31), tenant=tenant)
    b = InvoiceStory("inv-b", "d-2", 500 * K, date(2026, 1, 10), date(2026, 2, 9), tenant=tenant)
    c = InvoiceStory("inv-c", "d-3", 200 * K, date(2026, 3, 15), date(2026, 4, 14), tenant=tenant)
    d = InvoiceStory("inv-d", "d-3", 200 * K, date(2026, 2, 1), date(2026, 3, 3), tenant=tenant)
    return [
        debtor_upserted("d-1", "Alpha Ltd", tenant=tenant),
        debtor_upserted("d-2", "Bravo Ltd", tenant=tenant),
        debtor_upserted("d-3", "Charlie Ltd", tenant=tenant),
        a.issued(),
        b.issued(),
        *a.paid(250 * K, date(2026, 1, 15), "pay-a"),
        d.issued(),
        b.overdue(date(2026, 2, 10)),
        *b.paid(400 * K, date(2026, 2, 20), "pay-b"),
        *d.paid(200 * K, date(2026, 3, 10), "pay-d"),
        c.issued(),
    ]
