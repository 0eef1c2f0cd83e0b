from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from debtflow_shared.settings import ServiceSettings


class InvoiceSettings(ServiceSettings):
    """invoice-svc settings from ``INVOICE_*`` (platform-wide ones from ``DEBTFLOW_*``)."""

    model_config = SettingsConfigDict(env_prefix="INVOICE_", extra="ignore")

    http_port: int = 8001
    # How often invoices are checked for falling due soon or overdue (and on every
    # controlled-clock move), and how many rows one sweep transaction claims.
    overdue_sweep_seconds: float = Field(default=60.0, gt=0, le=86_400)
    overdue_sweep_batch_size: int = Field(default=500, ge=1, le=100_000)
