"""invoice-svc's adapters: tables, repositories."""
