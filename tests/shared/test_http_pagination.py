"""Shared cursor pagination: bounded limits, opaque cursors, a 422 naming ``cursor``."""

from __future__ import annotations

import base64
from datetime import date

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from debtflow_shared.http.pagination import (
    BY_DAY_THEN_ID,
    BY_ID,
    MAX_LIMIT,
    Page,
    PagedByDayThenId,
    PageRequest,
)
from debtflow_shared.http.problems import Problem, install_problem_handlers

ROWS = [(date(2026, 3, day), f"id-{day:02}") for day in range(1, 8)]


class RowPage(Page[str]):
    pass


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    router = APIRouter()

    @router.get("/rows")
    async def rows(paging: PagedByDayThenId) -> RowPage:
        after = [r for r in ROWS if paging.after is None or r > paging.after]
        page, next_cursor = paging.page(after[: paging.fetch], lambda r: r)
        return RowPage(items=[row_id for _, row_id in page], next_cursor=next_cursor)

    app.include_router(router)
    return app


async def _get(**params: str | int) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get("/rows", params=params)


def _encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def test_a_cursor_decodes_to_the_key_it_encodes() -> None:
    key = (date(2026, 3, 2), "inv-7")
    assert BY_DAY_THEN_ID.decode(BY_DAY_THEN_ID.encode(key)) == key
    assert BY_ID.decode(BY_ID.encode("a|b")) == "a|b"
    assert BY_ID.decode(None) is None


async def test_following_next_cursor_visits_every_row_once_in_order() -> None:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = (await _get(**params)).json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [row_id for _, row_id in ROWS]


async def test_the_last_page_has_no_next_cursor_even_when_it_is_full() -> None:
    body = (await _get(limit=len(ROWS))).json()
    assert len(body["items"]) == len(ROWS)
    assert body["next_cursor"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "",
        _encoded("2026-13-01|id"),
        _encoded("no separator"),
        _encoded("2026-03-01|"),
        _encoded("2026-03-01|id\x00"),
        "%%%",
    ],
    ids=["not-base64", "empty", "bad-date", "one-part", "empty-id", "control-char", "symbols"],
)
async def test_a_tampered_cursor_is_a_422_naming_cursor(cursor: str) -> None:
    response = await _get(cursor=cursor)
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "https://debtflow.dev/problems/validation"
    assert body["detail"] == "not a cursor this API returned"
    assert [e["field"] for e in body["errors"]] == ["cursor"]


@pytest.mark.parametrize("limit", [0, MAX_LIMIT + 1, -1])
async def test_a_limit_out_of_bounds_is_a_422_naming_limit(limit: int) -> None:
    response = await _get(limit=limit)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["limit"]


async def test_the_limit_defaults_to_100_and_may_be_500() -> None:
    assert (await _get(limit=MAX_LIMIT)).status_code == 200
    request = PageRequest(None, 100, BY_ID)
    rows = [str(i) for i in range(101)]
    page, next_cursor = request.page(rows[: request.fetch], lambda r: r)
    assert len(page) == 100
    assert next_cursor is not None
    assert BY_ID.decode(next_cursor) == "99"


def test_decoding_a_tampered_cursor_raises_a_problem_naming_cursor() -> None:
    with pytest.raises(Problem) as raised:
        BY_ID.decode("@@@")
    assert raised.value.kind.status == 422
    assert raised.value.errors == [{"field": "cursor", "message": "not a cursor this API returned"}]
