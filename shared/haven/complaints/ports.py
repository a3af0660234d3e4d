"""The complaints domain's stores, as its use cases see them (DynamoDB in
:mod:`haven.adapters.dynamo.complaints`, in memory in ``tests/fakes.py``).

Apart from the filing and staff workflow (:mod:`haven.complaints.complaints`, which re-exports
them) so that the referral workers load the ports they use, not the workflow.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from haven.complaints.entities import Complaint, Json, Partner, Referral
    from haven.kernel import Page
    from haven.recruitment.roster import Entry


class ComplaintRepository(Protocol):
    def add(self, complaint: Complaint) -> Complaint:
        """Create (never overwrites); the complaint as stored, at its first version."""
        ...

    def get(self, complaint_id: str) -> Complaint | None: ...

    def by_tracking_hash(self, tracking_hash: str) -> Complaint | None: ...

    def page_by_status(self, status: str, limit: int, position: Json | None) -> Page[Complaint]: ...

    def update(self, current: Complaint, new: Complaint) -> Complaint:
        """Store what changed from ``current`` at its version; :class:`StaleVersion` otherwise."""
        ...

    def refer(self, current: Complaint, new: Complaint, referrals: Sequence[Referral]) -> Complaint:
        """Update the complaint and create its referrals in one transaction."""
        ...


class Roster(Protocol):
    """The public roster: accredited and suspended recruiters."""

    def get(self, recruiter_id: str) -> Entry | None: ...

    def verify(self, country: str, number: str) -> Entry | None:
        """The recruiter holding this licence."""
        ...


class PartnerDirectory(Protocol):
    def active(self) -> list[Partner]: ...
