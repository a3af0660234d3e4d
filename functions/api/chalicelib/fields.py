"""Numbers the API takes, bounded where they are meaningful and kept at the precision that means
something, so that every number accepted can be stored (a DynamoDB number has at most 38
significant digits and no exponent below -130: ``1.53e-137`` would fail the write with a 500).

- coordinates: 7 decimals (about 1 cm), more than any phone measures;
- distances in km: 3 decimals (1 m), and a radius of at least 10 m (a smaller circle is a
  point: CAP and the fan-out would treat it as an area of nothing);
- accuracies in metres: 1 decimal; amounts of money: 2 decimals.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

COORDINATE_DECIMALS = 7
KM_DECIMALS = 3
#: The smallest circle an area may have, in km (10 m).
MIN_RADIUS_KM = 0.01


def _rounded(decimals: int) -> AfterValidator:
    # round() keeps the sign of a value that rounds to zero: -0.0 + 0.0 is 0.0.
    return AfterValidator(lambda value: round(value, decimals) + 0.0)


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
