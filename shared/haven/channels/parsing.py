"""What people type for a date or an amount of money, read as the complaint API takes it.

Digits may be written in any script (Arabic-Indic ``١٢``, Devanagari ``१२``); a date is
``DD/MM/YYYY`` (``-`` and ``.`` too) or ISO ``YYYY-MM-DD``; an amount is a number with an
optional ISO 4217 code before or after it (``1500 QAR``, ``QAR 1,500``, ``1500``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

#: The largest fee the API accepts (``chalicelib.fields.Money``).
MAX_AMOUNT = 1_000_000_000
#: The earliest year a date may name: older is a typing slip, asked again.
MIN_YEAR = 1950
#: The currency people usually pay recruitment fees in, by country (ISO 3166-1 → ISO 4217), for
#: the main labour-migration corridors; a country not here has no default and a code is asked.
USUAL_CURRENCY: dict[str, str] = {
    "AE": "AED",
    "BD": "BDT",
    "BH": "BHD",
    "ET": "ETB",
    "GB": "GBP",
    "GH": "GHS",
    "HK": "HKD",
    "ID": "IDR",
    "IN": "INR",
    "JO": "JOD",
    "KE": "KES",
    "KH": "KHR",
    "KW": "KWD",
    "LB": "LBP",
    "LK": "LKR",
    "MM": "MMK",
    "MY": "MYR",
    "NG": "NGN",
    "NP": "NPR",
    "OM": "OMR",
    "PH": "PHP",
    "PK": "PKR",
    "QA": "QAR",
    "SA": "SAR",
    "SG": "SGD",
    "TH": "THB",
    "UG": "UGX",
    "US": "USD",
    "VN": "VND",
}

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_AMOUNT = re.compile(r"^(?:([A-Z]{3})\s*)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?:\s*([A-Z]{3}))?$")


class Unreadable(ValueError):
    """Not a date, or not an amount."""


class InFuture(ValueError):
    """A date after today (the API refuses it)."""


@dataclass(frozen=True)
class Fees:
    amount: float
    currency: str


def ascii_digits(text: str) -> str:
    """``text`` with every decimal digit, in whatever script, as 0-9."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def parse_date(text: str, *, today: date) -> date:
    written = ascii_digits(text.strip()).replace(" ", "")
    iso, dmy = _ISO.match(written), _DMY.match(written)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif dmy:
        day, month, year = (int(g) for g in dmy.groups())
    else:
        raise Unreadable(text)
    try:
        when = date(year, month, day)
    except ValueError as error:
        raise Unreadable(text) from error
    if when.year < MIN_YEAR:
        raise Unreadable(text)
    if when > today:
        raise InFuture(text)
    return when


def parse_fees(text: str, *, usual: str | None) -> Fees | None:
    """The fees written, ``None`` for 0; a bare number is in the ``usual`` currency."""
    written = " ".join(ascii_digits(text).upper().replace("٫", ".").replace("٬", ",").split())
    match = _AMOUNT.match(written)
    if match is None:
        raise Unreadable(text)
    before, whole, cents, after = match.groups()
    if before and after:
        raise Unreadable(text)
    amount = float(f"{whole.replace(',', '')}.{cents or '0'}")
    if amount == 0:
        return None
    currency = before or after or usual
    if currency is None or amount > MAX_AMOUNT:
        raise Unreadable(text)
    return Fees(round(amount, 2), currency)


def usual_currency(*countries: str | None) -> str | None:
    """The usual currency of the first of ``countries`` that has one."""
    return next((USUAL_CURRENCY[c] for c in countries if c and c in USUAL_CURRENCY), None)
