"""Authority alerts: issue, update and cancel CAP messages; the public's view of them.

An alert is a thread of immutable CAP messages: the first ``Alert``, then ``Update`` and
``Cancel`` messages that reference every earlier one. The thread record holds the current
state (version-checked, so two responders cannot both extend a thread from the same message).
Each message is published as an event; the fan-out worker delivers it to subscribers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from haven import clock, ids
from haven.alerts.cap import AreaBlock, CapMessage, Info, MsgType, Reference, to_xml
from haven.alerts.severity import SEVERITY_RANK
from haven.areas import Area, area_view
from haven.errors import Conflict, FieldError, NotFound, ValidationFailed
from haven.events import EventSink
from haven.events.alerts import AlertCancelled, AlertEvent, AlertIssued, AlertUpdated


@dataclass(frozen=True)
class AlertDraft:
    """What a responder asks to send (validated by the API adapter)."""

    status: str
    infos: tuple[Info, ...]
    note: str | None = None


@dataclass(frozen=True)
class StoredMessage:
    message_id: str
    alert_id: str
    msg_type: MsgType
    sent: datetime
    status: str
    xml: str
    summary: dict[str, Any]
    #: The infos as sent, to build the next message of the thread (a Cancel repeats them).
    infos: tuple[Info, ...]


@dataclass(frozen=True)
class AlertThread:
    alert_id: str
    state: str  # active | cancelled
    status: str
    current_message_id: str
    references: tuple[Reference, ...]
    summary: dict[str, Any]
    updated_at: datetime
    expires: datetime
    version: int


#: The states a responder lists alerts by: a stored thread is active or cancelled, and an active
#: one past its expiry is listed as expired (it is no longer public, see :func:`is_public`).
LIST_STATES = ("active", "expired", "cancelled")


@dataclass(frozen=True)
class ThreadPage:
    """One page of alert threads, newest change first; ``position`` where the Query stopped."""

    items: tuple[AlertThread, ...]
    position: dict[str, Any] | None


class AlertRepository(Protocol):
    def create(self, thread: AlertThread, message: StoredMessage) -> None: ...

    def append(self, thread: AlertThread, message: StoredMessage, expected_version: int) -> None:
        """Store the message and the thread's new state if the thread is still at
        ``expected_version``; :class:`~haven.errors.Conflict` otherwise."""
        ...

    def thread(self, alert_id: str) -> AlertThread | None: ...

    def message(self, message_id: str) -> StoredMessage | None: ...

    def active(self, limit: int) -> list[AlertThread]: ...

    def page_by_state(
        self,
        state: str,
        limit: int,
        position: dict[str, Any] | None,
        *,
        expired: bool | None = None,
        now: datetime | None = None,
    ) -> ThreadPage:
        """Threads stored in ``state`` by last change, newest first; ``expired`` keeps only
        those whose expiry is (True) or is not (False) past ``now``."""
        ...


def summary_of(message: CapMessage) -> dict[str, Any]:
    """What lists, events and the fan-out need, without re-reading the XML."""
    first = message.infos[0]
    return {
        "msg_type": message.msg_type.value,
        "status": message.status,
        "event": first.event,
        "severity": max((i.severity for i in message.infos), key=lambda s: SEVERITY_RANK[s]),
        "urgency": first.urgency,
        "certainty": first.certainty,
        "expires": clock.iso(max(i.expires for i in message.infos)),
        "languages": [i.language for i in message.infos],
        "texts": {
            i.language: {
                "event": i.event,
                "headline": i.headline,
                "description": i.description,
                "instruction": i.instruction,
            }
            for i in message.infos
        },
        "areas": [
            {
                "description": block.description,
                **area_view(shapes(block)),
            }
            for block in first.areas
        ],
    }


def shapes(block: AreaBlock) -> list[Area]:
    return [*block.polygons, *block.circles]


def _store(message: CapMessage, alert_id: str) -> StoredMessage:
    return StoredMessage(
        message_id=message.identifier,
        alert_id=alert_id,
        msg_type=message.msg_type,
        sent=message.sent,
        status=message.status,
        xml=to_xml(message).decode(),
        summary=summary_of(message),
        infos=message.infos,
    )


def alert_page(public_url: str, alert_id: str) -> str:
    """Where the public reads an alert: the absolute URL every ``info`` names as its ``web``."""
    return f"{public_url}/v1/alerts/{alert_id}"


def message_url(alert_id: str, message_id: str) -> str:
    """The path that always answers one message of a thread as CAP XML."""
    return f"/v1/alerts/{alert_id}/messages/{message_id}"


def _with_web(infos: tuple[Info, ...], page: str) -> tuple[Info, ...]:
    """Every ``info`` links a page for the public (Google's profile: ``<web>`` must be present):
    the responder's own, or the alert's public URL."""
    return tuple(info if info.web else replace(info, web=page) for info in infos)


#: Texts Google's validator compares across ``info`` blocks: the same one in two languages (it
#: compares language tags whole: ``en`` and ``en-GB`` differ) is not a translation. CAP's
#: ``event`` is handled where the request is read (ADR 0020).
_TRANSLATED = ("headline", "description", "instruction")


def _validate_texts(draft: AlertDraft) -> None:
    """Google Public Alerts' rules on the human-readable text of each ``info`` (one per language)."""
    errors = []
    seen: dict[tuple[str, str], str] = {}
    for n, info in enumerate(draft.infos):
        if info.headline == info.description:
            errors.append(FieldError(f"texts.{n}.description", "must say more than the headline"))
        if info.instruction is not None and info.instruction == info.description:
            errors.append(
                FieldError(f"texts.{n}.instruction", "must say what to do, not repeat the description")
            )
        for name in _TRANSLATED:
            value = getattr(info, name)
            if value is None:
                continue
            other = seen.setdefault((name, value), info.language)
            if other != info.language:
                message = f"is the same as in the '{other}' text: write it in this text's language"
                errors.append(FieldError(f"texts.{n}.{name}", message))
    if errors:
        raise ValidationFailed(errors)


def _validate_times(draft: AlertDraft, now: datetime) -> None:
    errors = []
    for info in draft.infos:
        if info.expires <= now:
            errors.append(FieldError("expires", "must be in the future"))
        if info.effective and info.effective >= info.expires:
            errors.append(FieldError("effective", "must be before expires"))
        if info.onset and info.onset >= info.expires:
            errors.append(FieldError("onset", "must be before expires"))
    languages = [i.language for i in draft.infos]
    if len(set(languages)) != len(languages):
        errors.append(FieldError("texts", "one text per language"))
    if errors:
        raise ValidationFailed(errors)


def _event(thread: AlertThread, message: StoredMessage) -> AlertEvent:
    return _EVENTS[message.msg_type](
        id=thread.alert_id,
        occurred_at=clock.iso(message.sent),
        alert_id=thread.alert_id,
        message_id=message.message_id,
        msg_type=message.msg_type.value,
        status=message.status,
        severity=message.summary["severity"],
        expires=message.summary["expires"],
        version=thread.version,
    )


_EVENTS: dict[MsgType, type[AlertEvent]] = {
    MsgType.ALERT: AlertIssued,
    MsgType.UPDATE: AlertUpdated,
    MsgType.CANCEL: AlertCancelled,
}


def identifier(stage: str) -> str:
    return f"haven-{stage}-{ids.new_id()}"


def issue_alert(
    draft: AlertDraft,
    *,
    sender: str,
    stage: str,
    public_url: str,
    alerts: AlertRepository,
    events: EventSink,
) -> tuple[AlertThread, StoredMessage]:
    now = clock.now().replace(microsecond=0)
    _validate_times(draft, now)
    _validate_texts(draft)
    alert_id = identifier(stage)
    infos = _with_web(draft.infos, alert_page(public_url, alert_id))
    cap = CapMessage(alert_id, sender, now, draft.status, MsgType.ALERT, infos, note=draft.note)
    message = _store(cap, cap.identifier)
    thread = AlertThread(
        alert_id=cap.identifier,
        state="active",
        status=draft.status,
        current_message_id=cap.identifier,
        references=(Reference(sender, cap.identifier, now),),
        summary=message.summary,
        updated_at=now,
        expires=max(i.expires for i in draft.infos),
        version=1,
    )
    alerts.create(thread, message)
    events.publish(_event(thread, message))
    return thread, message


def _continue(
    alert_id: str,
    draft: AlertDraft,
    msg_type: MsgType,
    *,
    expected_version: int,
    sender: str,
    stage: str,
    public_url: str,
    alerts: AlertRepository,
    events: EventSink,
) -> tuple[AlertThread, StoredMessage]:
    thread = alerts.thread(alert_id)
    if thread is None:
        raise NotFound("no such alert")
    if thread.state != "active":
        raise Conflict("this alert was cancelled; issue a new alert", current_version=thread.version)
    if thread.version != expected_version:
        raise Conflict("the alert changed since you read it", current_version=thread.version)
    now = max(clock.now().replace(microsecond=0), thread.updated_at)
    if msg_type is MsgType.UPDATE:
        _validate_times(draft, now)
        _validate_texts(draft)
    infos = _with_web(draft.infos, alert_page(public_url, alert_id))
    cap = CapMessage(
        identifier(stage), sender, now, draft.status, msg_type, infos, thread.references, draft.note
    )
    message = _store(cap, alert_id)
    updated = replace(
        thread,
        state="cancelled" if msg_type is MsgType.CANCEL else "active",
        status=draft.status,
        current_message_id=cap.identifier,
        references=(*thread.references, Reference(sender, cap.identifier, now)),
        summary=message.summary,
        updated_at=now,
        expires=max(i.expires for i in infos),
        version=thread.version + 1,
    )
    alerts.append(updated, message, expected_version)
    events.publish(_event(updated, message))
    return updated, message


def update_alert(alert_id: str, draft: AlertDraft, **kwargs: Any) -> tuple[AlertThread, StoredMessage]:
    return _continue(alert_id, draft, MsgType.UPDATE, **kwargs)


def cancel_alert(
    alert_id: str, *, note: str | None, alerts: AlertRepository, **kwargs: Any
) -> tuple[AlertThread, StoredMessage]:
    """A Cancel message repeats the current infos, so that receivers know what is withdrawn."""
    thread = alerts.thread(alert_id)
    if thread is None:
        raise NotFound("no such alert")
    if thread.state == "active" and thread.expires <= clock.now():
        # Its Cancel would be sent after the <expires> of every info it repeats, and withdraw nothing.
        raise Conflict("this alert has expired: there is nothing to cancel", current_version=thread.version)
    current = alerts.message(thread.current_message_id)
    if current is None:  # pragma: no cover - written together with the thread
        raise NotFound("no such alert")
    draft = AlertDraft(status=thread.status, infos=current.infos, note=note or "Cancelled")
    return _continue(alert_id, draft, MsgType.CANCEL, alerts=alerts, **kwargs)


def list_alerts(
    state: str, limit: int, position: dict[str, Any] | None, *, alerts: AlertRepository, now: datetime
) -> ThreadPage:
    """A responder's list: every alert in ``state`` (one of :data:`LIST_STATES`), drafts and
    exercises included, by last change; one Query on the alerts' state index."""
    if state not in LIST_STATES:
        raise ValueError(f"not a list state: {state}")
    if state == "cancelled":
        return alerts.page_by_state("cancelled", limit, position)
    return alerts.page_by_state("active", limit, position, expired=state == "expired", now=now)


def is_public(thread: AlertThread, now: datetime) -> bool:
    return thread.state == "active" and thread.status != "Draft" and thread.expires > now


def etag(*parts: str) -> str:
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'
