"""Events of the alert domain: the CAP messages of an alert (issued, updated, cancelled)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from haven.events import Event


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
