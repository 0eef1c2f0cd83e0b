"""``python -m analytics_svc``: serve analytics-svc (production: Kafka and PostgreSQL)."""

import uvicorn

from analytics_svc.bootstrap import DEFINITION
from analytics_svc.settings import AnalyticsSettings
from debtflow_shared.service import standalone_app

if __name__ == "__main__":
    settings = AnalyticsSettings()
    uvicorn.run(
        standalone_app(DEFINITION, settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        proxy_headers=True,
    )
