"""One inbound message, processed once: dedupe, the dialogue, and the reply to send.

Providers deliver a message more than once (SNS and SQS at least once, Twilio's retries), so a
message is first *claimed* by its provider's id. The reply is stored with the claim before it
is sent, so a redelivery after a failed send sends the same reply again instead of running the
dialogue twice (a second report, a second complaint); a redelivery after the send does nothing.

The sender's number is never a key: records are found by a keyed hash of it
(:class:`SenderKeys`), and the number itself is stored only sealed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal, Protocol

from haven.channels import segments
from haven.channels.dialogue import EXPIRED, Conversation, Doors, Inbound, SenderMemory, Turn, respond

#: A dialogue not answered within this long starts over (its record expires by TTL).
DIALOGUE_TTL = timedelta(minutes=30)
#: How long a provider's message id is remembered (its redeliveries come within hours).
RECEIPT_TTL = timedelta(days=2)
#: A claim older than this whose reply was never stored is taken over (its run died): longer
#: than any run that claims (the API's and message-intake's 30 s timeouts), shorter than the
#: intake queue's visibility timeout, so the message's own redelivery takes it over.
STALE_CLAIM = timedelta(seconds=60)
#: Longest a run may hold a sender's lease (beyond the functions' 30 s timeout).
SENDER_LEASE = timedelta(seconds=60)
#: Inbound text beyond this is cut (10 concatenated SMS segments, a long WhatsApp message).
MAX_INBOUND_CHARS = 1600


@dataclass(frozen=True)
class Claim:
    state: Literal["new", "replying", "sent"]
    #: The reply stored before sending (``replying``): sent again on a redelivery.
    reply: str | None = None


class Receipts(Protocol):
    def claim(self, provider: str, message_id: str, now: datetime) -> Claim:
        """Claim a message (``new``), or say how far an earlier delivery of it came."""
        ...

    def replying(self, provider: str, message_id: str, sender_key: str, reply: str) -> None:
        """Store the reply (sealed) before it is sent."""
        ...

    def sent(self, provider: str, message_id: str) -> None: ...

    def release(self, provider: str, message_id: str) -> None:
        """Give up a claim (the dialogue failed; a redelivery starts it again)."""
        ...


class SenderBusy(RuntimeError):
    """Another message of the same sender is being answered: this one waits its turn (its
    record fails and is redelivered), so that no answer is lost between two runs."""


class ConversationStore(Protocol):
    def load(self, sender_key: str, now: datetime) -> Conversation | None:
        """Take the sender's lease (until saved, cleared or released, or :data:`SENDER_LEASE`
        has passed) and read the state; :class:`SenderBusy` while another run holds it."""
        ...

    def save(self, sender_key: str, conversation: Conversation, expires_at: datetime) -> None:
        """Keep the state until ``expires_at`` (not the number: nothing needs it); ends the lease."""
        ...

    def clear(self, sender_key: str) -> None: ...

    def release(self, sender_key: str) -> None:
        """End the lease without a change (the message failed)."""
        ...


class SenderKeys(Protocol):
    def key(self, channel: str, sender: str) -> str:
        """A keyed hash of a sender: the same number always gives the same key, and the key
        tells nothing of the number without the deployment's secret."""
        ...


@dataclass(frozen=True)
class Outcome:
    #: The reply to send, or ``None`` when an earlier delivery of the message sent it already.
    reply: str | None
    template: str | None = None


def _full_segment(text: str) -> bool:
    """Whether ``text`` fills a segment of a concatenated SMS exactly: every part of a long
    message but its last does (153 GSM-7 septets, 67 UCS-2 units), a message typed alone
    almost never."""
    cost = segments.cost(text)
    return cost.units == segments.CONCATENATED[cost.encoding]


def chains(messages: list[Inbound]) -> list[list[Inbound]]:
    """One sender's messages, in the order sent, as the messages they make: an SMS follows the
    one before it as its next part when that one filled a segment exactly (a network that
    delivered the parts of a long SMS one by one); anything else is a message of its own."""
    ordered = sorted(messages, key=lambda m: m.received_at)
    found: list[list[Inbound]] = []
    for message in ordered:
        last = found[-1][-1] if found else None
        if last is not None and message.channel == last.channel == "sms" and _full_segment(last.text):
            found[-1].append(message)
        else:
            found.append([message])
    return found


def join(parts: list[Inbound]) -> Inbound:
    """Parts of one long message (same sender, delivered together) as one message, in order;
    its id is the first part's. A shared location in any part is kept."""
    ordered = sorted(parts, key=lambda p: p.received_at)
    first = ordered[0]
    text = "".join(p.text for p in ordered)[:MAX_INBOUND_CHARS]
    location = next((p.location for p in ordered if p.location is not None), None)
    return replace(first, text=text, location=location)


def handle(
    inbound: Inbound,
    *,
    receipts: Receipts,
    conversations: ConversationStore,
    memory: SenderMemory,
    keys: SenderKeys,
    doors: Doors,
    now: datetime,
    also_received: tuple[Inbound, ...] = (),
) -> Outcome:
    """Process ``inbound`` (with ``also_received``: the other parts joined into it) once.

    The caller sends :attr:`Outcome.reply`, then calls ``receipts.sent``; if the send fails it
    raises, and the redelivery sends the stored reply again.
    """
    claims = [receipts.claim(p.provider, p.message_id, now) for p in (inbound, *also_received)]
    claim = claims[0]
    if claim.state == "sent":
        return Outcome(None)
    if claim.state == "replying":
        return Outcome(claim.reply)
    inbound = replace(inbound, text=inbound.text[:MAX_INBOUND_CHARS])
    sender_key = keys.key(inbound.channel, inbound.sender)
    try:
        conversation = conversations.load(sender_key, now)
    except Exception:
        for part in (inbound, *also_received):
            receipts.release(part.provider, part.message_id)
        raise
    try:
        if conversation is not None and conversation.updated_at + DIALOGUE_TTL < now:
            conversation = Conversation(
                conversation.language, now, step=EXPIRED if conversation.flow else None
            )
        turn: Turn = respond(
            inbound, conversation, sender_key=sender_key, doors=doors, memory=memory, now=now
        )
        if turn.conversation is None:
            conversations.clear(sender_key)
        else:
            conversations.save(sender_key, turn.conversation, now + DIALOGUE_TTL)
        for part in (inbound, *also_received):
            receipts.replying(part.provider, part.message_id, sender_key, turn.reply)
    except Exception:
        conversations.release(sender_key)
        for part in (inbound, *also_received):
            receipts.release(part.provider, part.message_id)
        raise
    return Outcome(turn.reply, turn.template)
