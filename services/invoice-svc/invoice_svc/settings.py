from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from debtflow_shared.settings import ServiceSettings


class InvoiceSettings(ServiceSettings):
    """invoice-svc settings from ``INVOICE_*`` (platform-wide ones from ``DEBTFLOW_*``)."""

    model_config = SettingsConfigDict(env_prefix="INVOICE_", extra="ignore")

    http_port: int = 8001
