"""Publishing domain events on the ``haven`` bus (EventBridge)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

from haven.adapters.aws import client
from haven.adapters.names import event_bus


class EventPublisher(Protocol):
    def publish(self, domain: str, detail_type: str, detail: Mapping[str, Any]) -> None: ...


class PublishFailed(RuntimeError):
    pass


class EventBridgePublisher:
    def publish(self, domain: str, detail_type: str, detail: Mapping[str, Any]) -> None:
        response = client("events").put_events(
            Entries=[
                {
                    "EventBusName": event_bus(),
                    "Source": f"haven.{domain}",
                    "DetailType": detail_type,
                    "Detail": json.dumps(detail, separators=(",", ":"), default=str),
                }
            ]
        )
        if response.get("FailedEntryCount"):
            code = response["Entries"][0].get("ErrorCode", "unknown")
            raise PublishFailed(f"EventBridge refused {detail_type}: {code}")
