"""Schemathesis hooks for the contract run (loaded through ``SCHEMATHESIS_HOOKS``).

A list's ``cursor`` is opaque and signed (HMAC over the position and the query it belongs to):
the contract bounds it, but no string generated from a schema can be a valid one, and a
forged or stale cursor is rightly refused with 422. So cases generated as valid data carry no
cursor; cases generated to be invalid keep theirs, and must still be refused.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation

OPAQUE_SIGNED = ("cursor",)


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    meta = case.meta
    negative = meta is not None and meta.is_negative_at(ParameterLocation.QUERY)
    if case.query and not negative:
        case.query = {k: v for k, v in case.query.items() if k not in OPAQUE_SIGNED}
    return case
