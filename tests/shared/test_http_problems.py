"""A service's problem table: typed errors answered as declared problems, naming the field."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, FastAPI

from debtflow_shared.http.problems import (
    CONCURRENT_CHANGE,
    NOT_FOUND,
    PROBLEM_JSON,
    NotFound,
    ProblemTable,
    ProblemType,
    install_problem_handlers,
)
from debtflow_shared.optimistic_lock import ConcurrentUpdate


class RuleBroken(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AmountTooSmall(RuleBroken):
    pass


class ThingMissing(Exception):
    pass


AMOUNT_TOO_SMALL = ProblemType(422, "Amount too small", "amount-too-small")
TABLE = ProblemTable(
    {
        AmountTooSmall: AMOUNT_TOO_SMALL,
        RuleBroken: ProblemType(422, "Rule broken", "rule-broken"),
        ThingMissing: NOT_FOUND,
        ConcurrentUpdate: CONCURRENT_CHANGE,
    }
)


def _app(error: Exception) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    router = APIRouter(route_class=TABLE.route_class)

    @router.post("/things")
    async def fail() -> None:
        raise error

    app.include_router(router)
    return app


async def _post(error: Exception) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app(error), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.post("/things")


async def test_an_error_with_a_field_is_answered_as_its_problem_naming_the_field() -> None:
    response = await _post(AmountTooSmall("the amount must be at least 1", field="amount"))
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == {
        "type": "https://debtflow.dev/problems/amount-too-small",
        "title": "Amount too small",
        "status": 422,
        "detail": "the amount must be at least 1",
        "instance": "/things",
        "errors": [{"field": "amount", "message": "the amount must be at least 1"}],
    }


async def test_an_error_without_a_field_names_none() -> None:
    body = (await _post(ThingMissing("thing 7 not found"))).json()
    assert body["type"] == "https://debtflow.dev/problems/not-found"
    assert body["status"] == 404
    assert "errors" not in body


async def test_an_unmapped_subclass_takes_its_closest_mapped_ancestors_problem() -> None:
    class Unlisted(RuleBroken):
        pass

    body = (await _post(Unlisted("no", field="kind"))).json()
    assert body["type"] == "https://debtflow.dev/problems/rule-broken"
    assert body["errors"] == [{"field": "kind", "message": "no"}]


async def test_a_lost_optimistic_lock_is_a_409_concurrent_change() -> None:
    response = await _post(ConcurrentUpdate("inv-1"))
    assert response.status_code == 409
    assert response.json()["type"] == "https://debtflow.dev/problems/concurrent-change"
    assert response.json()["detail"] == "inv-1 was changed by another request; retry"


async def test_an_error_the_table_does_not_map_stays_a_server_error() -> None:
    assert (await _post(KeyError("surprise"))).status_code == 500


async def test_a_problem_raised_by_the_route_is_answered_as_raised() -> None:
    body = (await _post(NotFound("nothing here"))).json()
    assert body["type"] == "https://debtflow.dev/problems/not-found"
    assert body["detail"] == "nothing here"
