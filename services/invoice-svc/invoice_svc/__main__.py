"""``python -m invoice_svc``: serve invoice-svc (production: Kafka and PostgreSQL)."""

import uvicorn

from debtflow_shared.service import standalone_app
from invoice_svc.bootstrap import DEFINITION
from invoice_svc.settings import InvoiceSettings

if __name__ == "__main__":
    settings = InvoiceSettings()
    uvicorn.run(
        standalone_app(DEFINITION, settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        proxy_headers=True,
    )
