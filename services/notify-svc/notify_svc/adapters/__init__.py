"""notify-svc's adapters: tables, repositories, channel clients."""
