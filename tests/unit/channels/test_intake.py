"""Processing a message once: claims, the stored reply sent again on a redelivery, a dialogue
that timed out, a failure that releases its claim, the parts of one message joined in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from haven.channels import intake
from haven.channels.dialogue import Conversation, Inbound
from haven.channels.intake import Claim, handle, join
from tests.fakes import FakeSenderMemory

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
SENDER = "+447700900123"


@dataclass
class Receipts:
    states: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    released: list[str] = field(default_factory=list)

    def claim(self, provider: str, message_id: str, now: datetime) -> Claim:
        state = self.states.get(message_id)
        if state is None:
            self.states[message_id] = ("claimed", None)
            return Claim("new")
        if state[0] == "sent":
            return Claim("sent")
        return Claim("replying", state[1])

    def replying(self, provider: str, message_id: str, sender_key: str, reply: str) -> None:
        self.states[message_id] = ("replying", reply)

    def sent(self, provider: str, message_id: str) -> None:
        self.states[message_id] = ("sent", None)

    def release(self, provider: str, message_id: str) -> None:
        self.states.pop(message_id, None)
        self.released.append(message_id)


@dataclass
class Conversations:
    saved: dict[str, Conversation] = field(default_factory=dict)

    leases: list[str] = field(default_factory=list)

    def load(self, sender_key: str, now: datetime) -> Conversation | None:
        self.leases.append(sender_key)
        return self.saved.get(sender_key)

    def release(self, sender_key: str) -> None:
        self.leases.remove(sender_key)

    def save(self, sender_key: str, conversation: Conversation, expires_at: datetime) -> None:
        assert expires_at == conversation.updated_at + intake.DIALOGUE_TTL
        self.saved[sender_key] = conversation
        self.leases.remove(sender_key)

    def clear(self, sender_key: str) -> None:
        self.saved.pop(sender_key, None)
        self.leases.remove(sender_key)


class Keys:
    def key(self, channel: str, sender: str) -> str:
        return "key-of-" + sender[-4:]


class Doors:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.check_ins: list[str] = []

    def check_in(self, *, name: str, language: str) -> int:
        if self.fail:
            raise RuntimeError("DynamoDB is throttling")
        self.check_ins.append(name)
        return 40

    def locate(self, text: str) -> None:
        return None


def message(text: str, message_id: str, at: datetime = NOW) -> Inbound:
    return Inbound("sms", "aws-sms", message_id, SENDER, text, at)


def run(
    m: Inbound, doors: Doors, receipts: Receipts, conversations: Conversations, **kwargs: object
) -> intake.Outcome:
    return handle(
        m,
        receipts=receipts,
        conversations=conversations,
        memory=FakeSenderMemory(),
        keys=Keys(),
        doors=doors,  # type: ignore[arg-type]
        now=kwargs.pop("now", m.received_at),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_redelivery_sends_the_stored_reply_and_runs_nothing_again() -> None:
    doors, receipts, conversations = Doors(), Receipts(), Conversations()
    first = run(message("SAFE Ana", "m1"), doors, receipts, conversations)
    assert first.template == "safe_done"
    again = run(message("SAFE Ana", "m1"), doors, receipts, conversations)
    assert again.reply == first.reply
    receipts.sent("aws-sms", "m1")
    assert run(message("SAFE Ana", "m1"), doors, receipts, conversations).reply is None
    assert doors.check_ins == ["Ana"]


def test_a_failure_releases_the_claim_so_the_redelivery_runs_it() -> None:
    receipts, conversations = Receipts(), Conversations()
    with pytest.raises(RuntimeError):
        run(message("SAFE Ana", "m1"), Doors(fail=True), receipts, conversations)
    assert receipts.released == ["m1"]
    assert conversations.leases == []  # the sender's lease is given back too
    doors = Doors()
    assert run(message("SAFE Ana", "m1"), doors, receipts, conversations).template == "safe_done"
    assert doors.check_ins == ["Ana"]


def test_a_dialogue_not_answered_in_time_starts_over_and_says_so() -> None:
    doors, receipts, conversations = Doors(), Receipts(), Conversations()
    run(message("SAFE", "m1"), doors, receipts, conversations)
    late = NOW + intake.DIALOGUE_TTL + timedelta(seconds=1)
    outcome = run(message("Ana", "m2", at=late), doors, receipts, conversations)
    assert outcome.template == "expired"
    assert doors.check_ins == []
    in_time = run(message("SAFE", "m3", at=late), doors, receipts, conversations)
    assert in_time.template == "safe_name"
    assert run(
        message("Ana", "m4", at=late + timedelta(minutes=29)), doors, receipts, conversations
    ).template == ("safe_done")


def test_parts_are_joined_in_the_order_they_were_sent() -> None:
    parts = [
        message("and the water is still rising.", "p2", NOW + timedelta(seconds=2)),
        message("The river broke its banks ", "p1", NOW),
    ]
    joined = join(parts)
    assert joined.text == "The river broke its banks and the water is still rising."
    assert joined.message_id == "p1"


def test_only_a_full_segment_is_followed_by_its_next_part() -> None:
    full_gsm = "a" * 153
    full_ucs2 = "ş" * 67
    at = [NOW + timedelta(seconds=n) for n in range(6)]
    found = intake.chains(
        [
            message("tail", "m2", at[1]),
            message(full_gsm, "m1", at[0]),
            message("SAFE", "m3", at[2]),
            message("Ana", "m4", at[3]),
            message(full_ucs2, "m5", at[4]),
            message("ğ", "m6", at[5]),
        ]
    )
    assert [[m.message_id for m in chain] for chain in found] == [["m1", "m2"], ["m3"], ["m4"], ["m5", "m6"]]
    whatsapp = Inbound("whatsapp", "aws-whatsapp", "w1", SENDER, full_gsm, NOW)
    assert len(intake.chains([whatsapp, Inbound("whatsapp", "aws-whatsapp", "w2", SENDER, "x", at[1])])) == 2


def test_inbound_text_is_bounded() -> None:
    assert len(join([message("x" * 5000, "p1")]).text) == intake.MAX_INBOUND_CHARS
