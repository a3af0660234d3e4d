"""How many SMS segments a text costs: GSM-7 when every character is in the GSM 03.38 default
alphabet (or its extension table), UCS-2 otherwise.

A single message holds 160 GSM-7 septets or 70 UCS-2 code units; a concatenated one spends
room on its User Data Header, leaving 153 septets or 67 code units per segment (3GPP TS 23.038
and 23.040). An extension character (``{``, ``€``, ...) costs two septets; a character outside
the Basic Multilingual Plane costs two UTF-16 code units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

#: The GSM 03.38 default alphabet (basic character set), in code point order 0x00-0x7F.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: The extension table: each costs an escape septet and its own.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {"GSM-7": 160, "UCS-2": 70}
CONCATENATED = {"GSM-7": 153, "UCS-2": 67}
#: The longest reply Haven sends: three segments.
MAX_SEGMENTS = 3


@dataclass(frozen=True)
class Cost:
    encoding: Encoding
    #: Septets (GSM-7) or UTF-16 code units (UCS-2).
    units: int
    segments: int


def encoding(text: str) -> Encoding:
    return "GSM-7" if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else "UCS-2"


def _units(text: str, enc: Encoding) -> int:
    if enc == "GSM-7":
        return sum(2 if c in GSM7_EXTENSION else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def cost(text: str) -> Cost:
    enc = encoding(text)
    units = _units(text, enc)
    if units <= SINGLE[enc]:
        return Cost(enc, units, 1 if units else 0)
    per = CONCATENATED[enc]
    return Cost(enc, units, -(-units // per))


def segments(text: str) -> int:
    return cost(text).segments


def truncate(text: str, max_segments: int = MAX_SEGMENTS) -> str:
    """``text`` cut (at a word where possible, with an ellipsis) to fit ``max_segments``."""
    if segments(text) <= max_segments:
        return text
    enc = encoding(text)
    room = CONCATENATED[enc] * max_segments if max_segments > 1 else SINGLE[enc]
    ellipsis = "..."
    cut = text
    while cut and _units(cut, enc) + len(ellipsis) > room:
        cut = cut[:-1]
    word = cut.rsplit(" ", 1)[0]
    if len(word) >= len(cut) * 0.8:
        cut = word
    return cut.rstrip() + ellipsis
