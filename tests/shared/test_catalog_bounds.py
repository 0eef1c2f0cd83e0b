"""The catalog's input bounds: one maximum amount, one date range, one rule for text."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field, ValidationError

from debtflow_shared.catalog.common import (
    EARLIEST_DATE,
    LATEST_DATE,
    ONE_LINE,
    SEVERAL_LINES,
    BusinessDate,
    IsoDate,
    Name,
)
from debtflow_shared.catalog.erp import ErpInvoice
from debtflow_shared.catalog.money import MAX_AMOUNT_MINOR, PositiveMoney, iso_currencies

INT64_MAX = 2**63 - 1


class Dated(BaseModel):
    on: BusinessDate


class Filtered(BaseModel):
    on: IsoDate


class Named(BaseModel):
    name: Name
    note: Annotated[str, Field(max_length=100), SEVERAL_LINES] | None = None
    code: Annotated[str, Field(max_length=10), ONE_LINE] | None = None


def test_nine_thousand_invoices_at_the_maximum_amount_fit_a_64_bit_balance() -> None:
    assert 9_000 * MAX_AMOUNT_MINOR < INT64_MAX


def test_a_maximum_amount_charged_at_100_percent_a_year_over_the_whole_date_range_fits() -> None:
    years = LATEST_DATE.year - EARLIEST_DATE.year + 2  # terms may push a due date a year on
    assert MAX_AMOUNT_MINOR * years * 2 < INT64_MAX  # doubled: principal plus its interest


def test_the_maximum_amount_is_accepted_and_one_more_is_refused() -> None:
    assert PositiveMoney(amount_minor=MAX_AMOUNT_MINOR, currency="GBP")
    with pytest.raises(ValidationError, match="amount_minor"):
        PositiveMoney(amount_minor=MAX_AMOUNT_MINOR + 1, currency="GBP")


@pytest.mark.parametrize("day", [EARLIEST_DATE.isoformat(), LATEST_DATE.isoformat()])
def test_the_first_and_last_day_of_the_business_range_are_accepted(day: str) -> None:
    assert Dated(on=day).on == date.fromisoformat(day)


@pytest.mark.parametrize("day", ["1899-12-31", "2200-01-01", "0001-01-01", "9999-12-31"])
def test_a_day_outside_the_business_range_is_refused(day: str) -> None:
    with pytest.raises(ValidationError, match="from 1900-01-01 to 2199-12-31"):
        Dated(on=day)


@pytest.mark.parametrize("value", [0, "0", "1700000000", "2026-03-01T00:00:00", "2026-3-1", 1.5])
def test_a_date_not_written_yyyy_mm_dd_is_refused_even_where_any_range_goes(value: Any) -> None:
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        Filtered(on=value)


def test_a_date_object_is_accepted_from_python_code() -> None:
    assert Dated(on=date(2026, 3, 1)).on == date(2026, 3, 1)


@pytest.mark.parametrize("char", ["\u0000", "\u001f", "\u007f", "\u0085", "\u009f", "\ud800"])
def test_control_characters_and_lone_surrogates_are_refused_in_names(char: str) -> None:
    with pytest.raises(ValidationError, match="name"):
        Named(name=f"Acme{char}Ltd")


def test_line_breaks_pass_in_multi_line_text_but_nul_does_not() -> None:
    assert Named(name="Acme", note="line one\r\n\tline two").note == "line one\r\n\tline two"
    with pytest.raises(ValidationError, match="U\\+0000"):
        Named(name="Acme", note="line one\u0000")


def test_line_breaks_are_refused_in_one_line_text() -> None:
    with pytest.raises(ValidationError, match="U\\+000A"):
        Named(name="Acme", code="A\nB")


@pytest.mark.parametrize("name", [" ", "\u00a0", "\u2003\u3000"])
def test_whitespace_only_text_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="only whitespace"):
        Named(name=name)


def test_letters_of_any_script_and_inner_spaces_pass() -> None:
    assert Named(name="Łódź Ζεύς Москва 東京 Ltd").name == "Łódź Ζεύς Москва 東京 Ltd"


def test_the_text_rule_is_in_the_json_schema_as_a_pattern() -> None:
    pattern = Named.model_json_schema()["properties"]["name"]["pattern"]
    import re

    assert re.fullmatch(pattern, "Acme Ltd")
    assert not re.fullmatch(pattern, "Acme\u0000Ltd")
    assert not re.fullmatch(pattern, "   ")


def test_the_erp_invoice_schema_lists_exactly_the_accepted_currencies() -> None:
    schema = ErpInvoice.model_json_schema()
    assert schema["properties"]["currency"]["enum"] == sorted(iso_currencies())
