"""invoice-svc's HTTP API (mounted under /v1)."""
