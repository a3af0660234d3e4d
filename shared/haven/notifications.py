"""Messages to people (SMS, e-mail, push) through a :class:`Notifier` port.

In AWS they go through SNS (SMS, push) and SES (e-mail); in local mode they land in the local
outbox, a JSON-lines file that ``make outbox`` lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

Channel = Literal["sms", "email", "push"]


@dataclass(frozen=True)
class Message:
    channel: Channel
    to: str
    subject: str
    body: str
    #: What the message is about (e.g. ``alert:<id>``), for the outbox and delivery records.
    ref: str


class Notifier(Protocol):
    def send(self, message: Message) -> str:
        """Send; the provider's message id. Raises on failure (the caller retries)."""
        ...
