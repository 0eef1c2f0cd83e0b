"""Catalog rules a ledger would otherwise trip over later: checked when a payload is parsed."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from debtflow_shared.catalog.common import iso_countries
from debtflow_shared.catalog.debtor import CreditPolicy, InterestRule, LateFeeRule
from debtflow_shared.catalog.erp import MAX_INVOICE_LINES, ErpDebtor, ErpInvoice
from debtflow_shared.catalog.money import Money, iso_currencies

DEBTOR: dict[str, Any] = {"erp_id": "C-1", "name": "Acme", "country": "GB", "currency": "GBP"}
INVOICE: dict[str, Any] = {
    "erp_id": "I-1",
    "debtor_erp_id": "C-1",
    "number": "1",
    "issue_date": "2026-03-01",
    "currency": "GBP",
    "amount_minor": 12_000,
}


def refused_fields(model: Any, data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as error:
        model.model_validate(data)
    return [".".join(str(part) for part in e["loc"]) for e in error.value.errors()]


def test_countries_are_the_249_iso_3166_codes() -> None:
    assert len(iso_countries()) == 249
    assert {"GB", "DE", "FR", "US", "JP", "AQ", "SS"} <= iso_countries()
    assert not {"ZZ", "EU", "UN", "XK", "AC", "EZ"} & iso_countries()


@pytest.mark.parametrize("country", ["ZZ", "EU", "XK", "UK"])
def test_a_debtor_outside_iso_3166_is_refused_naming_country(country: str) -> None:
    assert refused_fields(ErpDebtor, DEBTOR | {"country": country}) == ["country"]


@pytest.mark.parametrize("code", ["XXX", "XTS", "XAU", "XAG", "XPT", "XPD", "XDR", "XBA", "XSU"])
def test_codes_that_are_not_money_are_not_currencies(code: str) -> None:
    assert code not in iso_currencies()
    assert refused_fields(Money, {"amount_minor": 1, "currency": code}) == ["currency"]


def test_real_currencies_starting_with_x_are_still_currencies() -> None:
    assert {"XOF", "XAF", "XCD", "XPF"} <= iso_currencies()


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"kind": "statutory", "jurisdiction": "XX"}, "jurisdiction"),
        ({"kind": "statutory", "jurisdiction": "gb"}, "jurisdiction"),
        ({"kind": "statutory"}, "jurisdiction"),
        (
            {"kind": "statutory", "jurisdiction": "GB", "annual_rate_percent": "8"},
            "annual_rate_percent",
        ),
        ({"kind": "contractual"}, "annual_rate_percent"),
        ({"kind": "contractual", "annual_rate_percent": "8", "jurisdiction": "GB"}, "jurisdiction"),
        ({"kind": "none", "annual_rate_percent": "8"}, "annual_rate_percent"),
    ],
    ids=[
        "unknown-jurisdiction",
        "lowercase-jurisdiction",
        "statutory-without-jurisdiction",
        "statutory-with-a-rate",
        "contractual-without-rate",
        "contractual-with-jurisdiction",
        "none-with-a-rate",
    ],
)
def test_an_interest_rule_missing_or_misplacing_a_field_is_refused_naming_it(
    rule: dict[str, Any], field: str
) -> None:
    assert refused_fields(InterestRule, rule) == [field]


def test_each_interest_kind_with_its_own_fields_is_accepted() -> None:
    assert InterestRule.model_validate({"kind": "statutory", "jurisdiction": "GB"}).jurisdiction
    assert InterestRule.model_validate({"kind": "contractual", "annual_rate_percent": "8"})
    assert InterestRule() == InterestRule.model_validate({"kind": "none"})


def test_a_debtor_rule_error_names_the_path_from_the_payload() -> None:
    policy = {"interest": {"kind": "statutory", "jurisdiction": "XX"}}
    assert refused_fields(ErpDebtor, DEBTOR | {"credit_policy": policy}) == [
        "credit_policy.interest.jurisdiction"
    ]


GBP_5 = {"amount_minor": 500, "currency": "GBP"}


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"kind": "fixed"}, "fixed"),
        ({"kind": "fixed", "fixed": {"amount_minor": 0, "currency": "GBP"}}, "fixed"),
        ({"kind": "fixed", "fixed": GBP_5, "percent": "2"}, "percent"),
        ({"kind": "percent"}, "percent"),
        ({"kind": "none", "fixed": GBP_5}, "fixed"),
        ({"kind": "none", "cap": GBP_5}, "cap"),
    ],
    ids=[
        "fixed-without-amount",
        "fixed-zero",
        "fixed-with-percent",
        "percent-without-percent",
        "none-with-amount",
        "none-with-cap",
    ],
)
def test_a_late_fee_rule_missing_or_misplacing_a_field_is_refused_naming_it(
    rule: dict[str, Any], field: str
) -> None:
    assert refused_fields(LateFeeRule, rule) == [field]


def test_the_default_credit_policy_is_valid() -> None:
    assert CreditPolicy.model_validate_json(CreditPolicy().model_dump_json()) == CreditPolicy()


def line(amount_minor: int, description: str = "Widgets") -> dict[str, Any]:
    return {"description": description, "amount_minor": amount_minor}


def test_invoice_lines_adding_up_to_the_amount_are_accepted_discounts_included() -> None:
    lines = [line(10_000), line(2_500, "VAT"), line(-500, "Discount")]
    assert len(ErpInvoice.model_validate(INVOICE | {"lines": lines}).lines) == 3


def test_invoice_lines_not_adding_up_to_the_amount_are_refused_naming_lines() -> None:
    assert refused_fields(ErpInvoice, INVOICE | {"lines": [line(10_000)]}) == ["lines"]


def test_more_than_500_invoice_lines_are_refused_naming_lines() -> None:
    lines = [line(1)] * (MAX_INVOICE_LINES + 1)
    assert refused_fields(ErpInvoice, INVOICE | {"amount_minor": len(lines), "lines": lines}) == [
        "lines"
    ]


def test_an_overlong_line_description_is_refused_naming_the_line() -> None:
    lines = [line(12_000, "x" * 501)]
    assert refused_fields(ErpInvoice, INVOICE | {"lines": lines}) == ["lines.0.description"]
