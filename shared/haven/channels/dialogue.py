"""Conversations by text message: short commands, or a guided dialogue one question at a time.

:func:`respond` is pure over its ports: it takes what a sender wrote and where the conversation
stood, calls the public use cases through :class:`Doors`, and returns the reply and the new
state. It knows no channel, no provider and no storage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal, Protocol

from haven.channels import catalog as catalogs
from haven.channels import parsing
from haven.channels.catalog import Catalog, Keyword
from haven.channels.parsing import Fees
from haven.complaints.countries import ISO_3166_1_ALPHA_2
from haven.complaints.vocabulary import Category
from haven.errors import HavenError, RateLimited
from haven.geo import Point

Channel = Literal["sms", "whatsapp"]

#: The complaint categories, numbered 1-7 by the catalogs in the domain's (and the contract's) order.
COMPLAINT_CATEGORIES: tuple[str, ...] = tuple(Category)
#: Bounds of what the API's request models accept (reports, persons, complaints).
REPORT_DESCRIPTION = (3, 5000)
PERSON_NAME = (1, 200)
RECRUITER_NAME = (2, 200)
COMPLAINT_DESCRIPTION = (10, 10_000)
MAX_PEOPLE_AFFECTED = 10_000_000
MAX_FOUND = 3
#: The reports a sender's STATUS answers for without a code, newest first: a report's code
#: (its id and token, ~60 characters) is too long to type back on a basic phone.
MAX_REMEMBERED_REPORTS = 3
#: The step of a conversation whose dialogue timed out (the next reply says so).
EXPIRED = "expired"
_CODE = re.compile(r"^\d{6}$")
_NUMBER = re.compile(r"^\d{1,8}$")


@dataclass(frozen=True)
class Inbound:
    """One message from a person, whatever the channel; ``text`` joins multi-part messages."""

    channel: Channel
    #: ``aws-sms``, ``aws-whatsapp`` or ``twilio``: whose ``message_id`` it is.
    provider: str
    message_id: str
    sender: str
    text: str
    received_at: datetime
    location: Point | None = None


@dataclass(frozen=True)
class Conversation:
    language: str
    updated_at: datetime
    flow: str | None = None
    step: str | None = None
    answers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Found:
    name: str
    city: str | None
    status: str | None


@dataclass(frozen=True)
class SubscriptionRef:
    subscription_id: str
    token: str
    place: str
    state: Literal["pending", "active"] = "pending"


class Doors(Protocol):
    """The public use cases, as the API calls them (haven.channels.doors)."""

    def report(
        self, *, description: str, location: Point, people: int | None, language: str, contact: str | None
    ) -> str:
        """Submit a report; the code to follow it."""
        ...

    def check_in(self, *, name: str, language: str) -> int:
        """Record ``name`` as safe; the days the record is kept."""
        ...

    def find(self, *, name: str, client: str) -> list[Found]: ...

    def report_status(self, code: str) -> str | None: ...

    def complaint_status(self, code: str) -> tuple[str, str] | None: ...

    def complain(
        self,
        *,
        recruiter_name: str,
        recruiter_country: str | None,
        categories: Sequence[str],
        description: str,
        occurred_on: date | None,
        fees: Fees | None,
        origin_country: str,
        destination_country: str,
        consent: bool,
        contact: str | None,
        language: str,
    ) -> str:
        """File a complaint; its tracking code."""
        ...

    def subscribe(self, *, point: Point, place: str, address: str, language: str) -> SubscriptionRef: ...

    def confirm(self, ref: SubscriptionRef, code: str) -> bool: ...

    def unsubscribe(self, ref: SubscriptionRef) -> None: ...

    def locate(self, text: str) -> tuple[Point, str] | None:
        """A place name resolved against the gazetteer: its point and the name as known."""
        ...


class SenderMemory(Protocol):
    """What outlives a dialogue, per sender: the alert subscriptions and the reports made by
    text (the codes of the last :data:`MAX_REMEMBERED_REPORTS`, kept as long as reports are)."""

    def subscriptions(self, sender_key: str) -> list[SubscriptionRef]: ...

    def remember(self, sender_key: str, refs: list[SubscriptionRef]) -> None: ...

    def reports(self, sender_key: str) -> list[str]: ...

    def remember_reports(self, sender_key: str, codes: list[str]) -> None: ...


@dataclass(frozen=True)
class Turn:
    reply: str
    #: The state to keep (``None``: the dialogue is over; only its language is kept).
    conversation: Conversation | None
    #: The template the reply came from (metrics, tests).
    template: str
    #: The language of the reply (kept for the sender's next message).
    language: str = catalogs.DEFAULT_LANGUAGE


# --- the flows: their steps, in order ---------------------------------------------------------

FLOWS: dict[str, tuple[str, ...]] = {
    "report": ("what", "where", "people", "contact"),
    "safe": ("name",),
    "find": ("name",),
    "status": ("code",),
    "complain": (
        "recruiter",
        "recruiter_country",
        "categories",
        "description",
        "occurred",
        "origin",
        "destination",
        "fees",
        "consent",
        "contact",
    ),
    "alerts": ("where", "code"),
}
#: Steps whose answer is free text: only STOP and HELP interrupt them.
FREE_TEXT = {
    ("report", "what"),
    ("safe", "name"),
    ("find", "name"),
    ("complain", "recruiter"),
    ("complain", "description"),
}
PROMPTS: dict[tuple[str, str], str] = {
    ("report", "what"): "report_what",
    ("report", "where"): "report_where",
    ("report", "people"): "report_people",
    ("report", "contact"): "report_contact",
    ("safe", "name"): "safe_name",
    ("find", "name"): "find_name",
    ("status", "code"): "status_code",
    ("complain", "recruiter"): "complain_recruiter",
    ("complain", "recruiter_country"): "complain_recruiter_country",
    ("complain", "categories"): "complain_categories",
    ("complain", "description"): "complain_description",
    ("complain", "occurred"): "complain_occurred",
    ("complain", "fees"): "complain_fees",
    ("complain", "origin"): "complain_origin",
    ("complain", "destination"): "complain_destination",
    ("complain", "consent"): "complain_consent",
    ("complain", "contact"): "complain_contact",
    ("alerts", "where"): "alerts_where",
    ("alerts", "code"): "alerts_code",
}


class _Retry(Exception):
    """The answer is not acceptable: ask again with this template."""

    def __init__(self, template: str) -> None:
        super().__init__(template)
        self.template = template


def respond(
    inbound: Inbound,
    conversation: Conversation | None,
    *,
    sender_key: str,
    doors: Doors,
    memory: SenderMemory,
    now: datetime,
) -> Turn:
    """The reply to ``inbound`` and the conversation's next state: when a dialogue ends, an
    idle conversation that remembers only the sender's language."""
    turn = _respond(inbound, conversation, sender_key=sender_key, doors=doors, memory=memory, now=now)
    if turn.conversation is None:
        return replace(turn, conversation=Conversation(turn.language, now))
    return turn


def _respond(
    inbound: Inbound,
    conversation: Conversation | None,
    *,
    sender_key: str,
    doors: Doors,
    memory: SenderMemory,
    now: datetime,
) -> Turn:
    text = " ".join(inbound.text.split())
    language = _language(text, conversation)
    cat = catalogs.catalog(language)
    word = catalogs.keyword(text, catalogs.COMMANDS)
    if word is not None and word.word in ("stop", "help"):
        language = _keyword_language(word, language)
        cat = catalogs.catalog(language)
        if word.word == "stop":
            for ref in memory.subscriptions(sender_key):
                doors.unsubscribe(ref)
            memory.remember(sender_key, [])
            return Turn(cat.reply("stopped"), None, "stopped", cat.language)
        return Turn(cat.reply("help"), None, "help", cat.language)

    in_flow = conversation is not None and conversation.flow is not None and conversation.step is not None
    if in_flow and conversation is not None:
        free = (conversation.flow, conversation.step) in FREE_TEXT
        if word is None or free:
            return _answer(inbound, text, conversation, cat, sender_key, doors, memory, now)

    command: str | None = None
    rest = ""
    if word is not None:
        command, rest = word.word, word.rest
        language = _keyword_language(word, language)
        cat = catalogs.catalog(language)
    elif text in catalogs.MENU:
        command = catalogs.MENU[text]
    elif inbound.location is not None and not text:
        command = "report"
    if command is None:
        template = "menu" if conversation is None else "not_understood"
        if conversation is not None and conversation.step == EXPIRED:
            template = "expired"
        return Turn(cat.reply(template), Conversation(language, now), template)
    if command == "status" and not rest:
        own = _own_reports(sender_key, doors, memory, cat)
        if own is not None:
            return own
    started = Conversation(language, now, flow=command, step=FLOWS[command][0])
    if rest or (command == "report" and inbound.location is not None):
        if command == "report" and not rest:
            # A shared location first: what happened is asked next.
            answers = (
                {"lat": str(inbound.location.lat), "lon": str(inbound.location.lon)}
                if inbound.location
                else {}
            )
            return _ask(replace(started, answers=answers), cat, "what")
        return _answer(replace(inbound, location=None), rest, started, cat, sender_key, doors, memory, now)
    return _ask(started, cat, started.step or "")


def _own_reports(sender_key: str, doors: Doors, memory: SenderMemory, cat: Catalog) -> Turn | None:
    """The status of the reports this sender made by text, newest first, or ``None`` when none
    is remembered (any more: a report past its retention is forgotten here too)."""
    codes = memory.reports(sender_key)
    statuses = {code: doors.report_status(code) for code in codes}
    known = [code for code in codes if statuses[code] is not None]
    if known != codes:
        memory.remember_reports(sender_key, known)
    if not known:
        return None
    listed = "; ".join(cat.status(str(statuses[code])) for code in known)
    return Turn(cat.reply("status_yours", statuses=listed), None, "status_yours", cat.language)


def _language(text: str, conversation: Conversation | None) -> str:
    scripted = catalogs.script_language(text)
    if scripted:
        return scripted
    return conversation.language if conversation else catalogs.DEFAULT_LANGUAGE


def _keyword_language(word: Keyword, current: str) -> str:
    """The keyword's language, unless it is also a word of the current one (``STOP``, ``NO``)."""
    return current if current in word.languages else word.languages[0]


def _ask(conversation: Conversation, cat: Catalog, step: str, **values: str | int) -> Turn:
    assert conversation.flow is not None
    template = PROMPTS[(conversation.flow, step)]
    if (conversation.flow, step) == ("complain", "fees"):
        usual = _usual_currency(conversation.answers)
        if usual is None:
            template = "complain_fees_any"
        else:
            values = {**values, "currency": usual}
    return Turn(cat.reply(template, **values), replace(conversation, step=step), template)


def _next(conversation: Conversation, cat: Catalog, answers: dict[str, str]) -> Turn:
    assert conversation.flow is not None
    assert conversation.step is not None
    steps = FLOWS[conversation.flow]
    following = steps[steps.index(conversation.step) + 1]
    return _ask(replace(conversation, answers=answers), cat, following)


def _answer(
    inbound: Inbound,
    text: str,
    conversation: Conversation,
    cat: Catalog,
    sender_key: str,
    doors: Doors,
    memory: SenderMemory,
    now: datetime,
) -> Turn:
    conversation = replace(conversation, updated_at=now)
    try:
        return _step(inbound, text, conversation, cat, sender_key, doors, memory)
    except _Retry as retry:
        return Turn(cat.reply(retry.template), conversation, retry.template)
    except RateLimited:
        return Turn(cat.reply("find_busy"), None, "find_busy", cat.language)
    except HavenError:
        # A use case refused what the dialogue accepted: nothing was stored; say so.
        return Turn(cat.reply("try_later"), None, "try_later", cat.language)


def _yes_no(text: str) -> bool:
    word = catalogs.keyword(text, ("yes", "no"))
    if word is None:
        raise _Retry("answer_yes_no")
    return word.word == "yes"


def _country(text: str, *, optional: bool = False) -> str | None:
    if optional and catalogs.keyword(text, ("skip",)):
        return None
    code = text.strip().upper()
    if code not in ISO_3166_1_ALPHA_2:
        raise _Retry("country_invalid")
    return code


def _usual_currency(answers: dict[str, str]) -> str | None:
    """The currency a bare amount is in: the recruiter's country's, else the home country's."""
    return parsing.usual_currency(answers.get("recruiter_country"), answers.get("origin"))


def _occurred(text: str, today: date) -> str:
    if catalogs.keyword(text, ("skip",)):
        return ""
    try:
        return parsing.parse_date(text, today=today).isoformat()
    except parsing.InFuture:
        raise _Retry("date_future") from None
    except parsing.Unreadable:
        raise _Retry("date_invalid") from None


def _fees(text: str, answers: dict[str, str]) -> Fees | None:
    if catalogs.keyword(text, ("skip", "no")):
        return None
    try:
        return parsing.parse_fees(text, usual=_usual_currency(answers))
    except parsing.Unreadable:
        raise _Retry("amount_invalid") from None


def _bounded(text: str, bounds: tuple[int, int]) -> str:
    if len(text) < bounds[0]:
        raise _Retry("too_short")
    return text[: bounds[1]]


def _step(
    inbound: Inbound,
    text: str,
    conversation: Conversation,
    cat: Catalog,
    sender_key: str,
    doors: Doors,
    memory: SenderMemory,
) -> Turn:
    flow, step = conversation.flow, conversation.step
    answers = dict(conversation.answers)
    language = conversation.language

    if flow == "report":
        if step == "what" and inbound.location is not None and not text:
            # The location came first: keep it, and still ask what happened.
            answers.update(lat=str(inbound.location.lat), lon=str(inbound.location.lon))
            return _ask(replace(conversation, answers=answers), cat, "what")
        if step == "what":
            answers["what"] = _bounded(text, REPORT_DESCRIPTION)
            if "lat" in answers:
                return _ask(replace(conversation, answers=answers), cat, "people")
            return _next(replace(conversation, answers=answers), cat, answers)
        if step == "where":
            if inbound.location is not None:
                point = inbound.location
            else:
                located = doors.locate(text)
                if located is None:
                    raise _Retry("place_unknown")
                point = located[0]
            answers.update(lat=str(point.lat), lon=str(point.lon))
            return _next(conversation, cat, answers)
        if step == "people":
            if catalogs.keyword(text, ("skip",)):
                answers["people"] = ""
            elif _NUMBER.match(text) and int(text) <= MAX_PEOPLE_AFFECTED:
                answers["people"] = text
            else:
                raise _Retry("answer_number")
            return _next(conversation, cat, answers)
        if step == "contact":
            leave = _yes_no(text)
            code = doors.report(
                description=answers["what"],
                location=Point(float(answers["lat"]), float(answers["lon"])),
                people=int(answers["people"]) if answers.get("people") else None,
                language=language,
                contact=inbound.sender if leave else None,
            )
            memory.remember_reports(sender_key, [code, *memory.reports(sender_key)][:MAX_REMEMBERED_REPORTS])
            return Turn(cat.reply("report_done", code=code), None, "report_done", cat.language)

    if flow == "safe" and step == "name":
        name = _bounded(text, PERSON_NAME)
        days = doors.check_in(name=name, language=language)
        return Turn(cat.reply("safe_done", name=name, days=days), None, "safe_done", cat.language)

    if flow == "find" and step == "name":
        name = _bounded(text, PERSON_NAME)
        found = doors.find(name=name, client=sender_key)
        if not found:
            return Turn(cat.reply("find_none", name=name), None, "find_none", cat.language)
        people = "; ".join(
            f"{p.name}{f' ({p.city})' if p.city else ''}: {cat.status(p.status or 'unknown')}"
            for p in found[:MAX_FOUND]
        )
        return Turn(cat.reply("find_found", people=people), None, "find_found", cat.language)

    if flow == "status" and step == "code":
        code = text.strip()
        if "." in code:
            status = doors.report_status(code)
            if status is not None:
                return Turn(
                    cat.reply("status_report", status=cat.status(status)), None, "status_report", cat.language
                )
        else:
            tracked = doors.complaint_status(code)
            if tracked is not None:
                message = tracked[1]
                return Turn(
                    cat.reply("status_complaint", status=cat.status(tracked[0]), message=message),
                    None,
                    "status_complaint",
                    cat.language,
                )
        return Turn(cat.reply("status_none"), None, "status_none", cat.language)

    if flow == "complain":
        if step == "recruiter":
            answers["recruiter"] = _bounded(text, RECRUITER_NAME)
        elif step == "recruiter_country":
            answers["recruiter_country"] = _country(text, optional=True) or ""
        elif step == "categories":
            numbers = [n for n in re.split(r"[\s,;.]+", text) if n]
            if not numbers or any(not n.isdigit() or not 1 <= int(n) <= 7 for n in numbers):
                raise _Retry("choice_invalid")
            picked = dict.fromkeys(COMPLAINT_CATEGORIES[int(n) - 1] for n in numbers)
            answers["categories"] = ",".join(picked)
        elif step == "description":
            answers["description"] = _bounded(text, COMPLAINT_DESCRIPTION)
        elif step == "occurred":
            answers["occurred"] = _occurred(text, conversation.updated_at.date())
        elif step == "origin":
            answers["origin"] = _country(text) or ""
        elif step == "destination":
            answers["destination"] = _country(text) or ""
        elif step == "fees":
            fees = _fees(text, answers)
            if fees is not None:
                answers.update(fees_amount=str(fees.amount), fees_currency=fees.currency)
        elif step == "consent":
            answers["consent"] = "yes" if _yes_no(text) else "no"
        elif step == "contact":
            leave = _yes_no(text)
            code = doors.complain(
                recruiter_name=answers["recruiter"],
                recruiter_country=answers["recruiter_country"] or None,
                categories=answers["categories"].split(","),
                description=answers["description"],
                occurred_on=date.fromisoformat(answers["occurred"]) if answers.get("occurred") else None,
                fees=Fees(float(answers["fees_amount"]), answers["fees_currency"])
                if "fees_amount" in answers
                else None,
                origin_country=answers["origin"],
                destination_country=answers["destination"],
                consent=answers["consent"] == "yes",
                contact=inbound.sender if leave else None,
                language=language,
            )
            return Turn(cat.reply("complain_done", code=code), None, "complain_done", cat.language)
        return _next(conversation, cat, answers)

    if flow == "alerts":
        if step == "where":
            located = doors.locate(text)
            if located is None:
                raise _Retry("place_unknown")
            point, place = located
            ref = doors.subscribe(point=point, place=place, address=inbound.sender, language=language)
            memory.remember(sender_key, [*memory.subscriptions(sender_key), ref])
            answers.update(subscription_id=ref.subscription_id, place=place)
            return _ask(replace(conversation, answers=answers), cat, "code", place=place)
        if step == "code":
            if not _CODE.match(text):
                raise _Retry("alerts_bad_code")
            refs = memory.subscriptions(sender_key)
            pending = next((r for r in refs if r.subscription_id == answers.get("subscription_id")), None)
            if pending is None or not doors.confirm(pending, text):
                raise _Retry("alerts_bad_code")
            memory.remember(sender_key, [replace(r, state="active") if r == pending else r for r in refs])
            return Turn(cat.reply("alerts_done", place=pending.place), None, "alerts_done", cat.language)

    return Turn(cat.reply("not_understood"), None, "not_understood", cat.language)
