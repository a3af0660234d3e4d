"""Local state that survives a restart, and a kill: a snapshot and a journal in the state folder.

The embedded AWS keeps everything in memory. Every change it acknowledges is first written to
the journal (``local/journal.py``), so a ``kill -9`` loses nothing that was answered. Every few
seconds (and on shutdown), when something changed, a snapshot of every table's items, every
bucket's objects and every queue's messages is written to ``snapshot.json`` (a temporary file,
fsynced, then a rename) and the journal before it is deleted: the snapshot is a checkpoint. At
start the snapshot is loaded, then the journal written after it is replayed. Reading every item
is fine here: this is the local equivalent of a backup, not a request path.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from haven.adapters.private_files import open_private
from local import journal as journaling
from local.journal import Journal
from local.provision import _client

log = logging.getLogger("haven.local.persistence")

#: 1: items, objects and message bodies, restored through the API (before the journal).
#: 2: records as the journal writes them, and the journal segment the snapshot starts from.
_FORMAT = 2
_KINDS = {"ddb": "items", "s3": "objects", "sqs": "messages"}


def restore_format_1(endpoint: str, data: dict[str, Any], queue_urls: dict[str, str]) -> dict[str, int]:
    """A snapshot written before the journal (format 1), through the embedded AWS's API."""
    dynamodb = _client("dynamodb", endpoint)
    counts = {"items": 0, "objects": 0, "messages": 0}
    known = set(dynamodb.list_tables()["TableNames"])
    for table, items in data.get("tables", {}).items():
        if table not in known:
            continue
        for start in range(0, len(items), 25):
            chunk = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            request: dict[str, Any] = {table: chunk}
            while request:
                request = dynamodb.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
        counts["items"] += len(items)
    s3 = _client("s3", endpoint)
    for bucket, objects in data.get("buckets", {}).items():
        for obj in objects:
            s3.put_object(
                Bucket=bucket,
                Key=obj["key"],
                Body=base64.b64decode(obj["data"]),
                ContentType=obj["content_type"],
                Metadata=obj["metadata"],
            )
            counts["objects"] += 1
    sqs = _client("sqs", endpoint)
    for name, messages in data.get("queues", {}).items():
        url = queue_urls.get(name)
        if url is None:
            continue
        for m in messages:
            kwargs: dict[str, Any] = {"QueueUrl": url, "MessageBody": m["body"]}
            if m["attributes"]:
                kwargs["MessageAttributes"] = m["attributes"]
            sqs.send_message(**kwargs)
            counts["messages"] += 1
    return counts


def _kind(record: dict[str, Any]) -> str:
    return next(_KINDS[k] for k in _KINDS if k in record)


class Snapshotter:
    """Checkpoints of the embedded AWS's state; with a journal, every acknowledged change is
    durable between them too (without, as before the journal, the last seconds may be lost)."""

    def __init__(
        self, endpoint: str, path: Path, journal: Journal | None, every_seconds: float = 5.0
    ) -> None:
        self.endpoint = endpoint
        self.path = path
        self.journal = journal
        self.every = every_seconds
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._last = ""
        self._thread = threading.Thread(target=self._run, name="snapshot", daemon=True)

    def load(self, queue_urls: dict[str, str]) -> dict[str, int]:
        counts: Counter[str] = Counter()
        journal_from = 0
        if self.path.exists():
            data = json.loads(self.path.read_text())
            if data.get("format") == 1:
                counts.update(restore_format_1(self.endpoint, data, queue_urls))
            elif data.get("format") == _FORMAT:
                for record in data["records"]:
                    journaling.apply(record)
                    counts[_kind(record)] += 1
                journal_from = int(data["journal_from"])
            else:
                log.warning("ignoring a snapshot of an unknown format")
        if self.journal is None:
            return dict(counts)
        replayed = 0
        for number, path in self.journal.segments():
            if journal_from <= number < self.journal.current:
                for record in Journal.read_segment(path):
                    journaling.apply(record)
                    replayed += 1
        if replayed:
            counts["journaled changes"] = replayed
            self.save(force=True)  # the replayed segments are then folded into the snapshot
        return dict(counts)

    def save(self, force: bool = False) -> None:
        with self._lock:
            journal_from = 0
            if self.journal is not None:
                boundary = self.journal.rotate()
                if boundary is None and not force:
                    return  # nothing changed since the last checkpoint
                journal_from = boundary or self.journal.current
            records = journaling.snapshot_records()
            text = json.dumps(
                {"format": _FORMAT, "journal_from": journal_from, "records": records},
                separators=(",", ":"),
                sort_keys=True,
            )
            if self.journal is None and text == self._last:
                return
            tmp = self.path.with_suffix(".tmp")
            with open_private(tmp, "w") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
            journaling.fsync_directory(self.path.parent)
            self._last = text
            if self.journal is not None:
                self.journal.discard_before(journal_from)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.save()
        if self.journal is not None:
            self.journal.close()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.save()
            except Exception:
                log.exception("snapshot failed; will retry")
