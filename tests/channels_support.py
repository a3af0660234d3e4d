"""Shared helpers of the text-channel tests: SNS-shaped SQS records and the outbox."""

from __future__ import annotations

from pathlib import Path

from haven.adapters.notifier import read_outbox
from local.messages import sns_record

__all__ = ["replies", "sns_record"]


def replies(outbox: Path, to: str | None = None) -> list[str]:
    return [m["body"] for m in read_outbox(outbox) if to is None or m["to"] == to]
