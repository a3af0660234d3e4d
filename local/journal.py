"""Every write the embedded AWS acknowledges survives a kill: a write-ahead journal of its state.

The embedded AWS (moto) keeps its state in memory. Each of its answers to a call that changed
state is held back until what the call changed is in the journal, on disk (fsynced): the API
answers a 2xx only after its own AWS calls were answered, so an acknowledged write survives a
``kill -9``, and so does the work it queued.

What is journaled is the state after the call, not the call: for each DynamoDB item, S3 object
and SQS message the call touched, its whole value then (or that it no longer exists). Hooks on
moto's backends note what a call touches; when the call is done, under one lock, the values are
read and appended to the journal. Records are idempotent and the last one for a thing is its
value, so replaying a journal in order over any older state gives the state of the last record
(a transaction that failed and was rolled back records the values as they are after the
rollback). The snapshot (``local/persistence.py``) is a checkpoint: the journal moves to a new
segment, the snapshot is taken after that and names the segment it starts from, and older
segments are deleted once the snapshot is on disk. At start: the snapshot, then every segment
it names or a later one, in order.

What is not journaled, because Haven does none of it: DynamoDB's PartiQL writes, S3 object
versions (local buckets are not versioned: an object is its latest value), tags and ACLs,
and a message's visibility (a message in flight comes back visible, as after its timeout).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any

from local.environment import ACCOUNT, REGION

log = logging.getLogger("haven.local.journal")

#: What a call touched: ("ddb", table, key as JSON) | ("s3", bucket, key) | ("sqs", queue, id).
Mark = tuple[str, str, str]
Record = dict[str, Any]

_SEGMENT = re.compile(r"^journal\.(\d{8})\.jsonl$")


# --- JSON for moto's values (DynamoDB binary attributes, SQS binary message attributes) --------


def encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "$b64" in value:
            return base64.b64decode(value["$b64"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


# --- what a call touched: per thread, as moto's server serves each call on a thread ----------


class Tracker:
    def __init__(self) -> None:
        self._local = threading.local()

    def begin(self) -> None:
        self._local.marks = {}

    def end(self) -> list[Mark]:
        marks: dict[Mark, None] = getattr(self._local, "marks", None) or {}
        self._local.marks = None
        return list(marks)

    def mark(self, mark: Mark) -> None:
        marks = getattr(self._local, "marks", None)
        if marks is not None:  # outside a call (a restore at start): nothing to journal
            marks[mark] = None

    @property
    def active(self) -> bool:
        return getattr(self._local, "marks", None) is not None


TRACKER = Tracker()
_installed = False


def _key_json(key: dict[str, Any]) -> str:
    return json.dumps(encode(key), sort_keys=True, separators=(",", ":"))


def _table_key(table: Any, attrs: dict[str, Any]) -> dict[str, Any]:
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def install_hooks(tracker: Tracker = TRACKER) -> None:
    """Note, on moto's backends, every item, object and message a call changes (idempotent)."""
    global _installed
    if _installed:
        return
    from moto.dynamodb.models import DynamoDBBackend
    from moto.s3.models import S3Backend
    from moto.sqs.models import Queue, SQSBackend

    def after(method: Callable[..., Any], marks: Callable[..., list[Mark]]) -> Callable[..., Any]:
        @wraps(method)
        def hooked(self: Any, *args: Any, **kwargs: Any) -> Any:
            if not tracker.active:
                return method(self, *args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            finally:
                try:
                    found = marks(self, *args, **kwargs)
                except Exception:  # an invalid call (no such table): the backend refused it
                    found = []
                for mark in found:
                    tracker.mark(mark)

        return hooked

    def before(method: Callable[..., Any], marks: Callable[..., list[Mark]]) -> Callable[..., Any]:
        @wraps(method)
        def hooked(self: Any, *args: Any, **kwargs: Any) -> Any:
            if tracker.active:
                for mark in marks(self, *args, **kwargs):
                    tracker.mark(mark)
            return method(self, *args, **kwargs)

        return hooked

    def ddb_put(backend: Any, table_name: str, item_attrs: dict[str, Any], *_: Any, **__: Any) -> list[Mark]:
        table = backend.get_table(table_name)
        return [("ddb", table.name, _key_json(_table_key(table, item_attrs)))]

    def ddb_key(backend: Any, table_name: str, key: dict[str, Any], *_: Any, **__: Any) -> list[Mark]:
        table = backend.get_table(table_name)
        return [("ddb", table.name, _key_json(_table_key(table, key)))]

    DynamoDBBackend.put_item = after(DynamoDBBackend.put_item, ddb_put)  # type: ignore[method-assign]
    DynamoDBBackend.update_item = after(DynamoDBBackend.update_item, ddb_key)  # type: ignore[method-assign]
    DynamoDBBackend.delete_item = after(DynamoDBBackend.delete_item, ddb_key)  # type: ignore[method-assign]

    def s3_key(_: Any, bucket_name: str, key_name: str, *__: Any, **___: Any) -> list[Mark]:
        return [("s3", bucket_name, key_name)]

    # CopyObject, DeleteObjects, multipart completion and presigned POSTs go through these two.
    S3Backend.put_object = after(S3Backend.put_object, s3_key)  # type: ignore[method-assign]
    S3Backend.delete_object = after(S3Backend.delete_object, s3_key)  # type: ignore[method-assign]

    def sqs_added(queue: Any, message: Any) -> list[Mark]:
        # A message moved to a dead-letter queue also left the queue it came from.
        backend = _sqs()
        sources = [q.name for q in list(backend.queues.values()) if q.dead_letter_queue is queue]
        return [("sqs", name, message.id) for name in [queue.name, *sources]]

    def sqs_deleted(queue: Any, receipt_handle: str) -> list[Mark]:
        return [
            ("sqs", queue.name, m.id) for m in list(queue._messages) if m.had_receipt_handle(receipt_handle)
        ]

    def sqs_purged(backend: Any, queue_name: str) -> list[Mark]:
        queue = backend.get_queue(queue_name)
        return [("sqs", queue.name, m.id) for m in list(queue._messages)]

    Queue.add_message = after(Queue.add_message, sqs_added)  # type: ignore[method-assign]
    Queue.delete_message = before(Queue.delete_message, sqs_deleted)  # type: ignore[method-assign]
    SQSBackend.purge_queue = before(SQSBackend.purge_queue, sqs_purged)  # type: ignore[method-assign]

    receive = SQSBackend.receive_message

    @wraps(receive)
    def received(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        result = receive(self, queue_name, *args, **kwargs)
        if tracker.active and result:
            queue = self.get_queue(queue_name)
            for m in result:
                tracker.mark(("sqs", queue.name, m.id))
        return result

    SQSBackend.receive_message = received  # type: ignore[method-assign]
    _installed = True


# --- the embedded AWS's state, read and written in process ---------------------------------


def _dynamodb() -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[ACCOUNT][REGION]


def _s3() -> Any:
    from moto.s3.models import s3_backends

    return s3_backends[ACCOUNT]["aws"]


def _sqs() -> Any:
    from moto.sqs.models import sqs_backends

    return sqs_backends[ACCOUNT][REGION]


def _message_record(queue: str, message: Any) -> Record:
    return {
        "sqs": queue,
        "id": message.id,
        "message": {
            "body": message.body,
            "attributes": encode(message.message_attributes or {}),
            "system_attributes": encode(message.system_attributes or {}),
            "group_id": message.group_id,
            "deduplication_id": message.deduplication_id,
            "sequence_number": message.sequence_number,
            "sent_timestamp": message.sent_timestamp,
            "receive_count": message.approximate_receive_count,
            "first_receive_timestamp": message.approximate_first_receive_timestamp,
            "delayed_until": message.delayed_until,
        },
    }


def _object_record(bucket: str, key: str, obj: Any) -> Record:
    return {
        "s3": bucket,
        "key": key,
        "object": {"data": base64.b64encode(obj.value).decode(), "metadata": dict(obj.metadata)},
    }


def read(mark: Mark) -> Record:
    """The state now of what a call touched."""
    kind, where, what = mark
    if kind == "ddb":
        key = decode(json.loads(what))
        item = _dynamodb().get_item(where, key)
        return {
            "ddb": where,
            "key": encode(key),
            "item": encode(item.to_json()["Attributes"]) if item else None,
        }
    if kind == "s3":
        try:
            obj = _s3().get_object(where, what)
        except Exception:  # a bucket that no longer exists
            obj = None
        return (
            _object_record(where, what, obj)
            if obj is not None
            else {"s3": where, "key": what, "object": None}
        )
    queue = _sqs().queues.get(where)
    found = next((m for m in list(queue._messages) if m.id == what), None) if queue else None
    return _message_record(where, found) if found is not None else {"sqs": where, "id": what, "message": None}


def apply(record: Record) -> None:
    """Make the embedded AWS hold what a record says (idempotent)."""
    if "ddb" in record:
        backend = _dynamodb()
        if record["ddb"] not in backend.tables:
            return
        if record["item"] is None:
            backend.delete_item(record["ddb"], decode(record["key"]))
        else:
            backend.put_item(record["ddb"], decode(record["item"]))
    elif "s3" in record:
        _apply_object(record["s3"], record["key"], record["object"])
    else:
        _apply_message(record["sqs"], record["id"], record["message"])


def _apply_object(bucket: str, key: str, obj: dict[str, Any] | None) -> None:
    backend = _s3()
    if bucket not in backend.buckets:
        return
    if obj is None:
        backend.delete_object(bucket, key)
        return
    # No notification: the upload's "Object Created" event was handled (or queued) already.
    stored = backend.put_object(bucket, key, base64.b64decode(obj["data"]), disable_notification=True)
    stored.set_metadata(dict(obj["metadata"]), replace=True)


def _apply_message(queue_name: str, message_id: str, fields: dict[str, Any] | None) -> None:
    from moto.sqs.models import Message

    queue = _sqs().queues.get(queue_name)
    if queue is None:
        return
    with queue._messages_lock:
        kept = [m for m in queue._messages if m.id != message_id]
        if fields is not None:
            message = Message(message_id, fields["body"], decode(fields["system_attributes"]) or None)
            message.message_attributes = decode(fields["attributes"])
            message.group_id = fields["group_id"]
            message.deduplication_id = fields["deduplication_id"]
            message.sequence_number = fields["sequence_number"]
            message.sent_timestamp = fields["sent_timestamp"]
            message.approximate_receive_count = fields["receive_count"]
            message.approximate_first_receive_timestamp = fields["first_receive_timestamp"]
            message.delayed_until = fields["delayed_until"]
            kept.append(message)  # visible at once: an in-flight message's timeout ended with the kill
        queue._messages = kept
        queue._pending_messages = {m for m in queue._pending_messages if m.id != message_id}
        queue._messages_lock.notify_all()


def _settled(reader: Callable[[Mark], Record], mark: Mark) -> Record:
    """Read again when another call changed the value while it was read (moto has no lock)."""
    for _ in range(9):
        try:
            return reader(mark)
        except RuntimeError:  # "dictionary changed size during iteration"
            continue
    return reader(mark)


def snapshot_records() -> list[Record]:
    """``dump()``, read again if a call changed a value while it was read."""
    for _ in range(9):
        try:
            return list(dump())
        except RuntimeError:
            continue
    return list(dump())


def dump() -> Iterator[Record]:
    """Every item, object and message, as records (the snapshot's content)."""
    backend = _dynamodb()
    for name, table in list(backend.tables.items()):
        groups = list(table.items.values())
        items = [i for g in groups for i in list(g.values())] if table.range_key_attr else groups
        for item in items:
            attrs = item.to_json()["Attributes"]
            yield {"ddb": name, "key": encode(_table_key(table, attrs)), "item": encode(attrs)}
    s3 = _s3()
    for bucket_name, bucket in list(s3.buckets.items()):
        for key_name, obj in list(bucket.keys.items()):
            if hasattr(obj, "value"):  # not a delete marker
                yield _object_record(bucket_name, key_name, obj)
    for queue_name, queue in list(_sqs().queues.items()):
        for message in list(queue._messages):
            yield _message_record(queue_name, message)


# --- the journal on disk ----------------------------------------------------------------------


def fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class Journal:
    """Append-only segments ``journal.NNNNNNNN.jsonl`` in the state folder, one record a line."""

    def __init__(self, directory: Path, sync: bool = True) -> None:
        self.directory = directory
        self.sync = sync
        self._lock = threading.Lock()
        existing = [n for n, _ in self.segments()]
        #: The segment written to now; every existing one is older (replayed at start).
        self.current = max(existing, default=0) + 1
        self._file: Any = None
        self.records = 0  # in the current segment

    def segments(self) -> list[tuple[int, Path]]:
        found = []
        for path in self.directory.iterdir():
            m = _SEGMENT.match(path.name)
            if m:
                found.append((int(m.group(1)), path))
        return sorted(found)

    def path(self, number: int) -> Path:
        return self.directory / f"journal.{number:08d}.jsonl"

    def commit(self, marks: list[Mark]) -> None:
        """Read the state of what was touched and make it durable (before the call is answered)."""
        with self._lock:
            lines = "".join(json.dumps(_settled(read, m), separators=(",", ":")) + "\n" for m in marks)
            if self._file is None:
                descriptor = os.open(self.path(self.current), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                os.fchmod(descriptor, 0o600)
                self._file = os.fdopen(descriptor, "a", encoding="utf-8")
                if self.sync:
                    fsync_directory(self.directory)  # the new file's name is durable too
            self._file.write(lines)
            self._file.flush()
            if self.sync:
                os.fdatasync(self._file.fileno())  # the data and its length, not the mtime
            self.records += len(marks)

    def rotate(self) -> int | None:
        """Start a new segment if the current one holds anything; the new segment's number."""
        with self._lock:
            if self.records == 0:
                return None
            if self._file is not None:
                self._file.close()
                self._file = None
            self.current += 1
            self.records = 0
            return self.current

    def discard_before(self, number: int) -> None:
        for n, path in self.segments():
            if n < number:
                path.unlink(missing_ok=True)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    @staticmethod
    def read_segment(path: Path) -> Iterator[Record]:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if not line.endswith("\n"):
                    return  # torn by the kill while being written: that call was never answered
                yield json.loads(line)


class JournalingApp:
    """moto's WSGI app, answering a call only once what it changed is in the journal."""

    def __init__(self, app: Callable[..., Any], journal: Journal, tracker: Tracker = TRACKER) -> None:
        self.app = app
        self.journal = journal
        self.tracker = tracker

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.tracker.begin()
        try:
            # Flask runs the whole call here; the answer is only sent when the server iterates
            # over what this returns, after the commit below.
            answer = self.app(environ, start_response)
        finally:
            marks = self.tracker.end()
        if marks:
            self.journal.commit(marks)
        return answer


def journaling_server(journal: Journal, ip_address: str, port: int) -> Any:
    """moto's threaded server (``moto.server.ThreadedMotoServer``), its app journaling."""
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    install_hooks()

    class Server(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = JournalingApp(DomainDispatcherApplication(create_backend_app), journal)
            self._server = make_server(
                self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
            )
            self._server_ready_event.set()
            self._server.serve_forever()

    return Server(ip_address=ip_address, port=port, verbose=False)
