"""The events Haven publishes on its bus: one port, one envelope, one typed detail per event.

A use case builds the detail of what happened (a frozen dataclass below) and hands it to its
:class:`EventSink`; the adapter (:mod:`haven.adapters.events`) wraps it in the EventBridge
envelope, ``source`` ``haven.<domain>`` and ``detail-type`` from the class, and consumers parse
the envelope back into the same class. Every detail carries ``id`` (the entity it is about),
``occurred_at`` and ``schema_version``; ``events/schemas/<detail-type>.json`` documents each one
and a test keeps the schema and the class in agreement (ADR 0042).

Plain dataclasses, not pydantic models: building and publishing an event needs no validation
library, and a worker's import loads none (the consumers' parser models are made at their
first batch). Without generated ``__eq__``, ``__repr__`` or frozen ``__setattr__``: each generated
method is compiled when the module is imported, and every worker imports this one (frozen with
equality and repr, these classes cost 17 ms of import; so, 6 ms). Nothing compares events or
changes one once built: a use case builds one and publishes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar, Literal, Protocol

#: detail-type → its detail class: every concrete event (filled as the classes are defined).
CATALOG: dict[str, type[Event]] = {}


@dataclass(kw_only=True, eq=False, repr=False)
class Event:
    """What every detail carries. A concrete event sets ``detail_type`` and ``domain``."""

    detail_type: ClassVar[str]
    #: The publishing domain: the envelope's ``source`` is ``haven.<domain>``.
    domain: ClassVar[str]

    id: str
    occurred_at: str
    schema_version: Literal["1"] = "1"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "detail_type" in cls.__dict__:
            CATALOG[cls.detail_type] = cls

    @classmethod
    def detail_types(cls) -> tuple[str, ...]:
        """The detail-types this class stands for: its own, or those of its subclasses."""
        return tuple(name for name, kind in CATALOG.items() if issubclass(kind, cls))

    def detail(self) -> dict[str, Any]:
        """The envelope's ``detail``: the fields in their declared order."""
        return asdict(self)


class EventSink(Protocol):
    """Where the domain publishes its events (EventBridge in AWS, a list in unit tests)."""

    def publish(self, event: Event) -> None: ...


# --- crisis -----------------------------------------------------------------------------------


@dataclass(kw_only=True, eq=False, repr=False)
class ReportReceived(Event):
    """A citizen report was accepted (before triage): no content, no contact, a coarse cell."""

    detail_type: ClassVar[str] = "report.received"
    domain: ClassVar[str] = "crisis"

    report_id: str
    category: str
    source: str
    cell: str
    media_count: int


@dataclass(eq=False, repr=False)
class Location:
    """A public location: a centroid coarsened to about 1 km."""

    lat: float
    lon: float


@dataclass(kw_only=True, eq=False, repr=False)
class IncidentEvent(Event):
    """The detail of ``incident.opened`` and ``incident.updated``: no personal data."""

    domain: ClassVar[str] = "crisis"

    incident_id: str
    version: int
    hazard: str
    category: str
    status: str
    severity: str
    report_count: int
    people_affected: int
    credibility: float
    location: Location
    radius_km: float


@dataclass(kw_only=True, eq=False, repr=False)
class IncidentOpened(IncidentEvent):
    """Triage opened an incident for a report that matched none."""

    detail_type: ClassVar[str] = "incident.opened"


@dataclass(kw_only=True, eq=False, repr=False)
class IncidentUpdated(IncidentEvent):
    """A report joined an incident, or a responder changed it."""

    detail_type: ClassVar[str] = "incident.updated"


# --- alerts -----------------------------------------------------------------------------------


@dataclass(kw_only=True, eq=False, repr=False)
class AlertEvent(Event):
    """The detail of a CAP message of an alert (``msg_type`` says which)."""

    domain: ClassVar[str] = "alerts"

    alert_id: str
    message_id: str
    msg_type: str
    status: str
    severity: str
    expires: str
    version: int


@dataclass(kw_only=True, eq=False, repr=False)
class AlertIssued(AlertEvent):
    detail_type: ClassVar[str] = "alert.issued"
    msg_type: Literal["Alert"]


@dataclass(kw_only=True, eq=False, repr=False)
class AlertUpdated(AlertEvent):
    detail_type: ClassVar[str] = "alert.updated"
    msg_type: Literal["Update"]


@dataclass(kw_only=True, eq=False, repr=False)
class AlertCancelled(AlertEvent):
    detail_type: ClassVar[str] = "alert.cancelled"
    msg_type: Literal["Cancel"]


# --- complaints -------------------------------------------------------------------------------


@dataclass(kw_only=True, eq=False, repr=False)
class ComplaintFiled(Event):
    """A worker filed a complaint: categories and countries only, no personal data."""

    detail_type: ClassVar[str] = "complaint.filed"
    domain: ClassVar[str] = "complaints"

    complaint_id: str
    categories: list[str]
    origin_country: str
    destination_country: str
    recruiter_id: str | None
    anonymous: bool
    evidence_count: int


@dataclass(kw_only=True, eq=False, repr=False)
class ComplaintReferred(Event):
    """A complaint was referred to one partner: routing facts only (identity travels in the
    partner's signed payload, by consent)."""

    detail_type: ClassVar[str] = "complaint.referred"
    domain: ClassVar[str] = "complaints"

    referral_id: str
    complaint_id: str
    partner_id: str
    categories: list[str]
    identity_shared: bool


@dataclass(kw_only=True, eq=False, repr=False)
class ReferralUpdated(Event):
    """A partner acknowledged a referral."""

    detail_type: ClassVar[str] = "referral.updated"
    domain: ClassVar[str] = "complaints"

    referral_id: str
    complaint_id: str
    partner_id: str
    version: int
    status: str


@dataclass(kw_only=True, eq=False, repr=False)
class ReferralEscalated(Event):
    """A referral was not acknowledged within its SLA (once per referral)."""

    detail_type: ClassVar[str] = "referral.escalated"
    domain: ClassVar[str] = "complaints"

    referral_id: str
    complaint_id: str
    partner_id: str
    sla_due_at: str


@dataclass(kw_only=True, eq=False, repr=False)
class ComplaintResolved(Event):
    """A partner resolved a referral: what accreditation monitoring needs for a review."""

    detail_type: ClassVar[str] = "complaint.resolved"
    domain: ClassVar[str] = "complaints"

    complaint_id: str
    referral_id: str
    partner_id: str
    substantiated: bool
    remedy_given: bool
    recruiter_id: str | None
    categories: list[str]


# --- recruitment ------------------------------------------------------------------------------


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


# --- uploads ----------------------------------------------------------------------------------


@dataclass(kw_only=True, eq=False, repr=False)
class UploadRejected(Event):
    """Upload screening deleted an uploaded object version; ``id`` is the object's key."""

    detail_type: ClassVar[str] = "upload.rejected"
    domain: ClassVar[str] = "uploads"

    bucket: str
    key: str
    version_id: str | None
    reason: str
    size_bytes: int
