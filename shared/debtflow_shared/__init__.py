"""debtflow's platform library, shared by every service.

Nothing here knows about invoices or cases: it carries events between services safely
(envelope, catalog, bus, outbox, inbox), and gives each service the same settings,
clock, auth, logging, metrics and HTTP conventions.
"""
