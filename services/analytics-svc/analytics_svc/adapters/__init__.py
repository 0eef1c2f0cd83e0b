"""analytics-svc's adapters: tables, repositories, channel clients."""
