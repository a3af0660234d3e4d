"""In-memory fakes of the domain's ports, for unit tests of the pure core without moto.

Each fake keeps the one rule of its port that the use cases rely on (an update with a stale
version raises :class:`haven.kernel.StaleVersion` with the current state) and nothing else.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from haven.crisis.reports import Upload
from haven.kernel import Page, StaleVersion
from haven.notifications import Message
from haven.recruitment.application import Application, AuditEntry, Change, LicenceTaken
from haven.recruitment.application import Page as ApplicationPage
from haven.recruitment.application import StaleVersion as ApplicationStale
from haven.recruitment.document_uploads import StoredObject
from haven.recruitment.roster import Entry
from haven.recruitment.workflow import State


class FakeIncidents:
    """:class:`haven.crisis.incidents.IncidentRepository` in memory."""

    def __init__(self, *incidents: dict[str, Any]) -> None:
        self.items: dict[str, dict[str, Any]] = {i["incident_id"]: copy.deepcopy(i) for i in incidents}

    def page_by_status(self, status: str, limit: int, position: dict[str, Any] | None) -> Page:
        ordered = sorted(
            (i for i in self.items.values() if i["status"] == status),
            key=lambda i: (i["updated_at"], i["incident_id"]),
            reverse=True,
        )
        start = int(position["offset"]) if position else 0
        chunk = ordered[start : start + limit]
        more = {"offset": start + limit} if start + limit < len(ordered) else None
        return Page([copy.deepcopy(i) for i in chunk], more)

    def get(self, incident_id: str) -> dict[str, Any] | None:
        found = self.items.get(incident_id)
        return copy.deepcopy(found) if found else None

    def reports_of(self, incident_id: str, limit: int) -> list[dict[str, Any]]:
        return []

    def update(self, incident_id: str, expected_version: int, changes: dict[str, Any]) -> dict[str, Any]:
        current = self.items.get(incident_id)
        if current is None or current["version"] != expected_version:
            raise StaleVersion(copy.deepcopy(current))
        current.update(copy.deepcopy(changes))
        current["version"] = expected_version + 1
        return copy.deepcopy(current)


class FakeEvents:
    """An ``EventSink`` that records what was published."""

    def __init__(self) -> None:
        self.published: list[tuple[str, str, dict[str, Any]]] = []

    def publish(self, domain: str, detail_type: str, detail: dict[str, Any]) -> None:
        self.published.append((domain, detail_type, detail))


# --- accreditation -------------------------------------------------------------------------------


class FakeApplications:
    """:class:`haven.recruitment.application.ApplicationRepository` in memory, with the roster
    rules of its commit: a licence (or recruiter) listed for another application is taken."""

    def __init__(self, *applications: Application) -> None:
        self.items = {a.application_id: copy.deepcopy(a) for a in applications}
        self.trail: dict[str, list[AuditEntry]] = {}
        #: Roster entries by recruiter id, and the application holding each licence key.
        self.roster: dict[str, Entry] = {}
        self.licences: dict[str, str] = {}

    def add(self, application: Application) -> None:
        self.items[application.application_id] = replace(copy.deepcopy(application), version=1)

    def get(self, application_id: str) -> Application | None:
        found = self.items.get(application_id)
        return copy.deepcopy(found) if found else None

    def save_draft(self, application: Application, expected_version: int) -> None:
        self._check_version(application.application_id, expected_version)
        self.items[application.application_id] = replace(
            copy.deepcopy(application), version=expected_version + 1
        )

    def commit(self, change: Change) -> None:
        self._check_version(change.after.application_id, change.expected_version)
        if change.roster_upsert is not None:
            self.list_on_roster(change.roster_upsert)
        if change.roster_remove is not None:
            self.roster.pop(change.roster_remove.recruiter_id, None)
            self.licences = {
                k: a for k, a in self.licences.items() if a != change.roster_remove.application_id
            }
        self.items[change.after.application_id] = copy.deepcopy(change.after)
        self.trail.setdefault(change.after.application_id, []).append(change.entry)

    def history(self, application_id: str) -> list[AuditEntry]:
        return list(self.trail.get(application_id, []))

    def page_by_org(self, org_id: str, limit: int, position: dict[str, Any] | None) -> ApplicationPage:
        return ApplicationPage([a for a in self.items.values() if a.org_id == org_id][:limit], None)

    def page_by_state(self, state: State, limit: int, position: dict[str, Any] | None) -> ApplicationPage:
        return ApplicationPage([a for a in self.items.values() if a.state == state][:limit], None)

    def due(self, state: State, until: str) -> Iterator[Application]:
        for application in list(self.items.values()):
            due_at = application.due_at
            if application.state == state and due_at is not None and due_at <= until:
                yield copy.deepcopy(application)

    def _check_version(self, application_id: str, expected_version: int) -> None:
        current = self.items.get(application_id)
        if current is None or current.version != expected_version:
            raise ApplicationStale(copy.deepcopy(current))

    def list_on_roster(self, entry: Entry) -> None:
        """List ``entry`` as a committed transition does (LicenceTaken if another holds it)."""
        listed = self.roster.get(entry.recruiter_id)
        if listed is not None and listed.application_id != entry.application_id:
            raise LicenceTaken(f"recruiter {entry.recruiter_id}")
        for key in entry.licence_keys():
            if self.licences.get(key, entry.application_id) != entry.application_id:
                raise LicenceTaken(f"licence {key}")
        self.roster[entry.recruiter_id] = entry
        self.licences.update(dict.fromkeys(entry.licence_keys(), entry.application_id))


class FakeDocuments:
    """:class:`haven.recruitment.document_uploads.DocumentStore` in memory: ``objects`` holds
    what was uploaded under each key."""

    def __init__(self) -> None:
        self.objects: dict[str, StoredObject] = {}

    def presign_upload(
        self, key: str, content_type: str, max_bytes: int, sha256_hex: str, expires_in: int
    ) -> Upload:
        expires_at = datetime(2030, 1, 1, tzinfo=UTC)
        return Upload(f"https://uploads.example/{key}", {"key": key}, content_type, max_bytes, expires_at)

    def inspect(self, key: str, head_bytes: int) -> StoredObject | None:
        found = self.objects.get(key)
        return replace(found, head=found.head[:head_bytes]) if found else None

    def download_url(self, key: str, version_id: str | None) -> str:
        return f"https://downloads.example/{key}?version={version_id}"


class FakeNotifier:
    """A :class:`haven.notifications.Notifier` that records what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message) -> str:
        self.sent.append(message)
        return f"message-{len(self.sent)}"
