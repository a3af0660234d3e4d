"""Numbers the API takes, bounded where they are meaningful and kept at the precision that means
something, so that every number accepted can be stored (a DynamoDB number has at most 38
significant digits and no exponent below -130: ``1.53e-137`` would fail the write with a 500).

- coordinates: 7 decimals (about 1 cm), more than any phone measures;
- distances in km: 3 decimals (1 m), and a radius of at least 10 m (a smaller circle is a
  point: CAP and the fan-out would treat it as an area of nothing);
- accuracies in metres: 1 decimal; amounts of money: 2 decimals.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, WithJsonSchema

from haven.complaints.countries import ISO_3166_1_ALPHA_2

COORDINATE_DECIMALS = 7
KM_DECIMALS = 3
#: The smallest circle an area may have, in km (10 m).
MIN_RADIUS_KM = 0.01


def _rounded(decimals: int) -> AfterValidator:
    # round() keeps the sign of a value that rounds to zero: -0.0 + 0.0 is 0.0.
    return AfterValidator(lambda value: round(value, decimals) + 0.0)


def _integral(value: object) -> object:
    # JSON Schema's integer is a number with no fractional part: 295.0 is one.
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


#: An integer as JSON Schema means it (``2`` or ``2.0``), still refusing ``2.5``, ``"2"`` and ``true``.
Integer = Annotated[int, BeforeValidator(_integral)]

#: The characters XML 1.0 cannot carry; every text the API takes is refused with them.
NOT_TEXT_CLASS = "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF"
#: What every free-text string may hold, stated in the contract.
TEXT_PATTERN = f"^[^{NOT_TEXT_CLASS}]*$"


def text_pattern(also: str) -> str:
    """:data:`TEXT_PATTERN` and a rule of the field's own (a lookahead)."""
    return f"^(?=[\\s\\S]*{also})[^{NOT_TEXT_CLASS}]*$"


Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False), _rounded(COORDINATE_DECIMALS)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False), _rounded(COORDINATE_DECIMALS)]
AccuracyM = Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False), _rounded(1)]
Money = Annotated[float, Field(ge=0, le=1_000_000_000, allow_inf_nan=False), _rounded(2)]


#: Circles' radii: at least 10 m, to the metre, and at most what each use allows.
AlertRadiusKm = Annotated[float, Field(ge=MIN_RADIUS_KM, le=1000, allow_inf_nan=False), _rounded(KM_DECIMALS)]
SubscriptionRadiusKm = Annotated[
    float, Field(ge=MIN_RADIUS_KM, le=100, allow_inf_nan=False), _rounded(KM_DECIMALS)
]
FeedRadiusKm = Annotated[float, Field(ge=MIN_RADIUS_KM, le=1000, allow_inf_nan=False), _rounded(KM_DECIMALS)]


#: An officially assigned ISO 3166-1 alpha-2 code, upper case; the contract lists them.
Country = Annotated[
    Literal[tuple(sorted(ISO_3166_1_ALPHA_2))],  # type: ignore[valid-type]
    Field(description="ISO 3166-1 alpha-2 country code"),
]


#: RFC 3339 ``date-time`` as Python can hold it: no year 0, no leap second (the contract says so).
RFC_3339_PATTERN = (
    r"^(?!0000)\d{4}-\d{2}-\d{2}[Tt]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?"
    r"([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)
_RFC_3339 = re.compile(RFC_3339_PATTERN)


def _rfc_3339(value: object) -> object:
    # Pydantic would also read numbers (Unix time) and other layouts, in queries above all.
    if isinstance(value, str) and _RFC_3339.match(value):
        try:
            return datetime.fromisoformat(value.upper())
        except ValueError:  # 2026-02-30
            pass
    if isinstance(value, str | int | float):
        raise ValueError("must be an RFC 3339 date-time with an offset, such as 2026-12-01T10:00:00Z")
    return value


#: A moment as the contract's ``format: date-time`` means it (RFC 3339, with its offset).
Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(_rfc_3339),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": RFC_3339_PATTERN}),
]

_LAT = r"-?(90(\.0{1,15})?|[1-8]?\d(\.\d{1,15})?)"
_LON = r"-?(180(\.0{1,15})?|(1[0-7]\d|[1-9]?\d)(\.\d{1,15})?)"
#: ``west,south,east,north`` in degrees (west may exceed east: the box crosses the antimeridian;
#: south and north may come in either order).
BBOX_PATTERN = f"^{_LON},{_LAT},{_LON},{_LAT}$"
#: ``lat,lon`` in degrees.
NEAR_PATTERN = f"^{_LAT},{_LON}$"
