"""escalation-svc: dunning policies, cases, durable timers, promises, payment plans,
compliance guard and hand-off."""
