"""escalation-svc's adapters: tables, repositories, channel clients."""
