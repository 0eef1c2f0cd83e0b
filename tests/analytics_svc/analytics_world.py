"""A running analytics-svc for tests: send it events, wait until it logged them, ask it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from analytics_svc.bootstrap import DEFINITION as ANALYTICS
from analytics_svc.settings import AnalyticsSettings
from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.service import ServiceRuntime
from tests.analytics_svc.ledger_events import TENANT
from tests.support.api import api_client, bearer
from tests.support.harness import Backend, eventually


async def logged_events(runtime: ServiceRuntime) -> int:
    async with runtime.uow() as uow:
        return int(await uow.repos.events.count())


@dataclass
class Analytics:
    backend: Backend
    runtime: ServiceRuntime
    client: httpx.AsyncClient
    sent: int = 0

    async def send(self, *messages: OutboundMessage) -> None:
        """Publish ``messages`` (in this order) and wait until every one is logged."""
        await self.backend.raw_publish(list(messages))
        self.sent += len(messages)
        expected = self.sent

        async def all_logged() -> bool:
            return await logged_events(self.runtime) >= expected

        await eventually(all_logged, message=f"analytics-svc never logged {expected} events")

    def headers(self, tenant: str = TENANT) -> dict[str, str]:
        return bearer(self.backend.token(tenant, "analytics:read"))

    async def get(self, path: str, tenant: str = TENANT, **params: Any) -> httpx.Response:
        return await self.client.get(path, params=params, headers=self.headers(tenant))

    async def json(self, path: str, **params: Any) -> Any:
        response = await self.get(path, **params)
        assert response.status_code == 200, response.text
        return response.json()


@contextlib.asynccontextmanager
async def running_analytics(backend: Backend, **overrides: Any) -> AsyncIterator[Analytics]:
    async with (
        backend.service(ANALYTICS, AnalyticsSettings, **overrides) as runtime,
        api_client(runtime) as client,
    ):
        yield Analytics(backend, runtime, client)
