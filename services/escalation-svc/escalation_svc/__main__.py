"""``python -m escalation_svc``: serve escalation-svc (production: Kafka and PostgreSQL)."""

import uvicorn

from debtflow_shared.service import standalone_app
from escalation_svc.bootstrap import DEFINITION
from escalation_svc.settings import EscalationSettings

if __name__ == "__main__":
    settings = EscalationSettings()
    uvicorn.run(
        standalone_app(DEFINITION, settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        proxy_headers=True,
    )
