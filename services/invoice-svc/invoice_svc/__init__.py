"""invoice-svc: the ledger of what is owed (debtors, invoices, payments, disputes, charges)."""
