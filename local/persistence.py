"""Local state that survives a restart: a snapshot of the embedded AWS in the state folder.

The embedded AWS keeps everything in memory. Every few seconds (and on shutdown) the items of
every table, the objects of every bucket and the messages waiting in every queue are written
to ``snapshot.json`` (atomically: a temporary file, then a rename); at start they are loaded
back. Scans are fine here: this is the local equivalent of a backup, not a request path.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from haven.adapters.private_files import open_private
from local.provision import _client

log = logging.getLogger("haven.local.persistence")

_FORMAT = 1


def snapshot(endpoint: str) -> dict[str, Any]:
    dynamodb = _client("dynamodb", endpoint)
    tables: dict[str, list[Any]] = {}
    for name in dynamodb.list_tables()["TableNames"]:
        items: list[Any] = []
        for page in dynamodb.get_paginator("scan").paginate(TableName=name):
            items.extend(page["Items"])
        tables[name] = items
    s3 = _client("s3", endpoint)
    buckets: dict[str, list[Any]] = {}
    for bucket in s3.list_buckets().get("Buckets", []):
        objects = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket["Name"]):
            for obj in page.get("Contents", []):
                got = s3.get_object(Bucket=bucket["Name"], Key=obj["Key"])
                objects.append(
                    {
                        "key": obj["Key"],
                        "content_type": got.get("ContentType", "binary/octet-stream"),
                        "metadata": got.get("Metadata", {}),
                        "data": base64.b64encode(got["Body"].read()).decode(),
                    }
                )
        buckets[bucket["Name"]] = objects
    return {"format": _FORMAT, "tables": tables, "buckets": buckets, "queues": _queued_messages()}


def _queued_messages() -> dict[str, list[dict[str, Any]]]:
    """Messages waiting in the queues, read without receiving them (no receive count change)."""
    from moto.sqs.models import sqs_backends

    queues: dict[str, list[dict[str, Any]]] = {}
    for account in sqs_backends.values():
        for backend in account.values():
            for name, queue in backend.queues.items():
                queues[name] = [
                    {
                        "body": m.body,
                        "attributes": {
                            k: {
                                "DataType": v.get("data_type", "String"),
                                "StringValue": v.get("string_value", ""),
                            }
                            for k, v in (m.message_attributes or {}).items()
                        },
                    }
                    for m in list(queue._messages)
                ]
    return queues


def restore(endpoint: str, data: dict[str, Any], queue_urls: dict[str, str]) -> dict[str, int]:
    if data.get("format") != _FORMAT:
        log.warning("ignoring a snapshot of an unknown format")
        return {}
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


class Snapshotter:
    def __init__(self, endpoint: str, path: Path, every_seconds: float = 5.0) -> None:
        self.endpoint = endpoint
        self.path = path
        self.every = every_seconds
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._last = ""
        self._thread = threading.Thread(target=self._run, name="snapshot", daemon=True)

    def load(self, queue_urls: dict[str, str]) -> dict[str, int]:
        if not self.path.exists():
            return {}
        return restore(self.endpoint, json.loads(self.path.read_text()), queue_urls)

    def save(self) -> None:
        with self._lock:
            text = json.dumps(snapshot(self.endpoint), separators=(",", ":"), sort_keys=True)
            if text == self._last:
                return
            tmp = self.path.with_suffix(".tmp")
            with open_private(tmp, "w") as out:
                out.write(text)
            os.replace(tmp, self.path)
            self._last = text

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.save()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.save()
            except Exception:
                log.exception("snapshot failed; will retry")
