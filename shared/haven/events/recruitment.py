"""Events of the recruitment domain: accreditation applications changing state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from haven.events import Event


@dataclass(kw_only=True, eq=False, repr=False)
class AccreditationChanged(Event):
    """An accreditation application changed state; dedupe on (``id``, ``version``)."""

    detail_type: ClassVar[str] = "accreditation.changed"
    domain: ClassVar[str] = "recruitment"

    application_id: str
    recruiter_id: str
    version: int
    action: str
    from_state: str
    to_state: str
    roster_status: str | None
    valid_until: str | None
