"""Amounts, dates, month names and postal addresses as a reader in one locale writes them."""

from __future__ import annotations

from datetime import date

import pytest
from babel.core import Locale

from debtflow_shared.documents.locale_format import (
    LocaleFormat,
    address_lines,
    document_locale,
    month_abbreviations,
)
from debtflow_shared.documents.typography import FONT_FILES

LOCALES = ["en_GB", "en_US", "de_DE", "fr_FR", "es_ES", "nl_NL", "pl_PL", "cs_CZ", "el_GR", "tr_TR"]


def test_british_september_is_abbreviated_like_the_other_months() -> None:
    fmt = LocaleFormat(Locale.parse("en_GB"))
    assert fmt.day(date(2026, 9, 3)) == "3 Sep 2026"
    assert fmt.day(date(2026, 1, 31)) == "31 Jan 2026"


def test_spanish_september_is_abbreviated_like_the_other_months() -> None:
    assert LocaleFormat(Locale.parse("es_ES")).day(date(2026, 9, 3)) == "3 sep 2026"


def test_a_locale_whose_abbreviations_vary_keeps_them_as_written() -> None:
    french = month_abbreviations(Locale.parse("fr_FR"))
    assert (french[1], french[3], french[9]) == ("janv.", "mars", "sept.")


@pytest.mark.parametrize("tag", LOCALES)
def test_every_locale_has_twelve_distinct_month_abbreviations(tag: str) -> None:
    assert len(set(month_abbreviations(Locale.parse(tag)).values())) == 12


def test_amounts_are_formatted_from_minor_units_in_the_readers_locale() -> None:
    assert LocaleFormat(Locale.parse("en_GB")).money(118_050, "GBP") == "£1,180.50"
    assert LocaleFormat(Locale.parse("de_DE")).money(123_450, "EUR") == "1.234,50\u00a0€"
    assert LocaleFormat(Locale.parse("en_GB")).money(5_000, "JPY") == "JP¥5,000"


def test_a_uk_address_puts_the_town_then_the_postcode_on_its_own_line() -> None:
    lines = address_lines(("1 High Street",), "LS1 4AP", "Leeds", "GB")
    assert lines == ["1 High Street", "Leeds", "LS1 4AP"]


def test_a_german_address_puts_the_postcode_before_the_town() -> None:
    assert address_lines(("Hauptstr. 5",), "10115", "Berlin", "DE") == [
        "Hauptstr. 5",
        "10115 Berlin",
    ]


def test_a_missing_postcode_leaves_no_stray_line_or_punctuation() -> None:
    assert address_lines(("1 Main St",), None, "Springfield", "US") == ["1 Main St", "Springfield"]


def test_the_address_ends_with_the_country_in_the_readers_language() -> None:
    fmt = LocaleFormat(Locale.parse("de_DE"))
    assert fmt.postal_address(("1 High Street",), "LS1 4AP", "Leeds", "GB")[-1] == (
        "Vereinigtes Königreich"
    )


@pytest.mark.parametrize(
    ("language", "country", "expected"),
    [
        ("de-AT", "AT", "de_AT"),
        ("de_CH", "CH", "de_CH"),
        ("DE", "DE", "de_DE"),
        ("xx", "ZZ", "en"),
    ],
)
def test_a_language_tag_resolves_to_the_nearest_locale(
    language: str, country: str, expected: str
) -> None:
    assert str(document_locale(language, country)) == expected


def test_the_document_font_ships_with_its_licence() -> None:
    for path in FONT_FILES.values():
        assert path.stat().st_size > 100_000
        assert (path.parent / "LICENSE").read_text().count("Bitstream") > 1
