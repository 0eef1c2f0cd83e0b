"""``python -m notify_svc``: serve notify-svc (production: Kafka and PostgreSQL)."""

import uvicorn

from debtflow_shared.service import standalone_app
from notify_svc.bootstrap import DEFINITION
from notify_svc.settings import NotifySettings

if __name__ == "__main__":
    settings = NotifySettings()
    uvicorn.run(
        standalone_app(DEFINITION, settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        proxy_headers=True,
    )
