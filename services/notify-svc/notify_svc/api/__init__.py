"""notify-svc's HTTP API (mounted under /v1)."""
