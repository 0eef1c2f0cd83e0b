"""How many SMS segments a text costs: GSM-7 when every character is in the GSM 03.38
alphabet, else UCS-2.

A single message holds 160 GSM-7 characters or 70 UCS-2 code units; a longer one is split
into parts that each lose room to the concatenation header: 153 and 67. A character of
the GSM extension table (``€ [ ] { } \\ ~ ^ |`` and form feed) costs two septets, and an
escape pair is never split across parts. UCS-2 counts UTF-16 code units, so an emoji
outside the Basic Multilingual Plane costs two, and a surrogate pair is never split either.
Written here rather than taken from a library: the packages that count segments are small,
unmaintained or tied to one provider's SDK, and the rules fit in this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {"gsm-7": 160, "ucs-2": 70}
PART = {"gsm-7": 153, "ucs-2": 67}


class SmsEncoding(StrEnum):
    GSM_7 = "gsm-7"
    UCS_2 = "ucs-2"


@dataclass(frozen=True)
class SmsSize:
    encoding: SmsEncoding
    units: int
    """septets (GSM-7) or UTF-16 code units (UCS-2)"""
    segments: int


def _units(text: str, encoding: SmsEncoding) -> list[int]:
    """The cost of each character, in the encoding's units."""
    if encoding is SmsEncoding.GSM_7:
        return [2 if c in _GSM_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def sms_size(text: str) -> SmsSize:
    gsm = all(c in _GSM_BASIC or c in _GSM_EXTENSION for c in text)
    encoding = SmsEncoding.GSM_7 if gsm else SmsEncoding.UCS_2
    costs = _units(text, encoding)
    total = sum(costs)
    if total == 0:
        return SmsSize(encoding, 0, 0)
    if total <= SINGLE[encoding.value]:
        return SmsSize(encoding, total, 1)
    # Fill parts character by character: a two-unit character that does not fit whole
    # starts the next part.
    room, segments, used = PART[encoding.value], 1, 0
    for cost in costs:
        if used + cost > room:
            segments, used = segments + 1, 0
        used += cost
    return SmsSize(encoding, total, segments)
