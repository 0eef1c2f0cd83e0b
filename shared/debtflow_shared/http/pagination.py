"""Cursor (keyset) pagination, the same on every list endpoint of every service.

A listing is ordered by a key ending in a unique id (``(due_date, id)``, ``id``). The route
asks its use case for :attr:`PageRequest.fetch` rows (one more than the page holds, which
tells whether another page follows) after :attr:`PageRequest.after`, and answers a
:class:`Page` whose ``next_cursor`` encodes the key of the page's last item. A cursor is
opaque to clients: one that does not decode is a 422 naming ``cursor``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from debtflow_shared.http.problems import UNPROCESSABLE

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
NOT_A_CURSOR = "not a cursor this API returned"

K = TypeVar("K")
R = TypeVar("R")
T = TypeVar("T")


@dataclass(frozen=True)
class CursorKey(Generic[K]):
    """How a listing's sort key is written into an opaque cursor and read back.

    ``dump`` gives the key's ``parts`` texts (only the last may hold ``|``); ``load`` builds
    the key from them and raises ``ValueError`` for texts it never dumped.
    """

    parts: int
    dump: Callable[[K], tuple[str, ...]]
    load: Callable[[tuple[str, ...]], K]

    def encode(self, key: K) -> str:
        """The cursor for the listing's rows after ``key``."""
        return base64.urlsafe_b64encode("|".join(self.dump(key)).encode()).decode()

    def decode(self, cursor: str | None) -> K | None:
        """The key a cursor of :meth:`encode` holds (None: from the start); else a 422."""
        if cursor is None:
            return None
        try:
            text = base64.urlsafe_b64decode(cursor.encode()).decode()
            parts = tuple(text.split("|", self.parts - 1))
            # A control character could only come from tampering, and the database refuses
            # some (PostgreSQL: NUL) with an error: refuse them here.
            if len(parts) != self.parts or not all(p and p.isprintable() for p in parts):
                raise ValueError(NOT_A_CURSOR)
            return self.load(parts)
        except (ValueError, binascii.Error, UnicodeError):
            raise UNPROCESSABLE.problem(NOT_A_CURSOR, field="cursor") from None


def _day_then_id(parts: tuple[str, ...]) -> tuple[date, str]:
    day, last_id = parts
    return date.fromisoformat(day), last_id


BY_ID: CursorKey[str] = CursorKey(1, lambda key: (key,), lambda parts: parts[0])
"""Listings ordered by id alone."""

BY_DAY_THEN_ID: CursorKey[tuple[date, str]] = CursorKey(
    2, lambda key: (key[0].isoformat(), key[1]), _day_then_id
)
"""Listings ordered by a date (due, received), then id."""


@dataclass(frozen=True)
class PageRequest(Generic[K]):
    """Where a page starts (``after``: the previous page's last key) and how long it is."""

    after: K | None
    limit: int
    keys: CursorKey[K]

    @property
    def fetch(self) -> int:
        """How many rows to ask for: one more than the page, to tell whether more follow."""
        return self.limit + 1

    def page(self, rows: Sequence[R], key_of: Callable[[R], K]) -> tuple[list[R], str | None]:
        """The page of ``rows`` (fetched with :attr:`fetch`) and the next page's cursor."""
        page = list(rows[: self.limit])
        more = len(rows) > self.limit and bool(page)
        return page, self.keys.encode(key_of(page[-1])) if more else None


def page_request(keys: CursorKey[K]) -> Callable[[str | None, int], PageRequest[K]]:
    """A dependency reading ``?cursor=`` and ``?limit=`` (1 to 500, default 100)."""

    def dependency(
        cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    ) -> PageRequest[K]:
        return PageRequest(keys.decode(cursor), limit, keys)

    return dependency


PagedById = Annotated[PageRequest[str], Depends(page_request(BY_ID))]
PagedByDayThenId = Annotated[PageRequest[tuple[date, str]], Depends(page_request(BY_DAY_THEN_ID))]


class Page(BaseModel, Generic[T]):
    """One page of a listing; subclass per item type (``class InvoicePage(Page[InvoiceOut])``)
    so that each keeps its own name in the OpenAPI document."""

    items: list[T]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page")
