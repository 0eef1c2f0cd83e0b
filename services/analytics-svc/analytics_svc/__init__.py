"""analytics-svc: Aging, DSO and CEI, effectiveness, risk scoring, worklists and forecasts."""
