"""The dialogue in every language: each command started by its keyword (or the menu number),
each question in turn, the use case called with what was gathered, the reply in the sender's
language; STOP unsubscribes at once; what cannot be understood gets a helpful reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from haven.channels import catalog
from haven.channels.dialogue import (
    Conversation,
    Found,
    Inbound,
    SubscriptionRef,
    Turn,
    respond,
)
from haven.channels.parsing import Fees
from haven.errors import RateLimited, ValidationFailed
from haven.geo import Point
from tests.fakes import FakeSenderMemory

LANGUAGES = catalog.LANGUAGES
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
SENDER = "+9779800000001"


@dataclass
class FakeDoors:
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)
    refuse: bool = False
    busy: bool = False

    def _call(self, door: str, **kwargs: Any) -> None:
        if self.refuse:
            raise ValidationFailed([])
        self.calls.append((door, kwargs))

    def report(self, **kwargs: Any) -> str:
        self._call("report", **kwargs)
        return "01JDZ6Y3W6B8Q8V0K1M2N3P4Q5.token"

    def check_in(self, **kwargs: Any) -> int:
        self._call("check_in", **kwargs)
        return 40

    def find(self, **kwargs: Any) -> list[Found]:
        if self.busy:
            raise RateLimited("slow down", retry_after=30)
        self._call("find", **kwargs)
        return self.found

    def report_status(self, code: str) -> str | None:
        self._call("report_status", code=code)
        return "verified" if code.startswith("01J") else None

    def complaint_status(self, code: str) -> tuple[str, str] | None:
        self._call("complaint_status", code=code)
        return ("referred", "Sent to the inspectorate.") if code == "ABCD-EFGH-JKMN-PQRS-TVWX" else None

    def complain(self, **kwargs: Any) -> str:
        self._call("complain", **kwargs)
        return "ABCD-EFGH-JKMN-PQRS-TVWX"

    def subscribe(self, *, point: Point, place: str, address: str, language: str) -> SubscriptionRef:
        self._call("subscribe", point=point, place=place, address=address, language=language)
        return SubscriptionRef("01JDZ6Y3W6B8Q8V0K1M2N3P4Q5", "tok", place)

    def confirm(self, ref: SubscriptionRef, code: str) -> bool:
        self._call("confirm", code=code)
        return code == "123456"

    def unsubscribe(self, ref: SubscriptionRef) -> None:
        self._call("unsubscribe", subscription_id=ref.subscription_id)

    def locate(self, text: str) -> tuple[Point, str] | None:
        return (Point(27.7, 85.3), text) if text.lower() in ("kathmandu", "london") else None


class Phone:
    """One sender's side of a conversation."""

    def __init__(self, doors: FakeDoors | None = None, memory: FakeSenderMemory | None = None) -> None:
        self.doors = doors or FakeDoors()
        self.memory = memory or FakeSenderMemory()
        self.conversation: Conversation | None = None
        self.turns: list[Turn] = []
        self.n = 0

    def send(self, text: str, location: Point | None = None, at: datetime = NOW) -> Turn:
        self.n += 1
        inbound = Inbound("sms", "aws-sms", f"m{self.n}", SENDER, text, at, location)
        turn = respond(
            inbound, self.conversation, sender_key="k", doors=self.doors, memory=self.memory, now=at
        )
        self.conversation = turn.conversation
        self.turns.append(turn)
        return turn

    def templates(self) -> list[str]:
        return [t.template for t in self.turns]


def word(language: str, name: str) -> str:
    return catalog.catalog(language).keywords[name][0]


def said(language: str, template: str, **values: Any) -> str:
    return catalog.catalog(language).reply(template, **values)


@pytest.mark.parametrize("language", LANGUAGES)
def test_report(language: str) -> None:
    phone = Phone()
    assert phone.send(word(language, "report")).reply == said(language, "report_what")
    phone.send("Flood water in the houses")
    phone.send("Atlantis")  # unknown place: asked again, in the sender's language
    assert phone.turns[-1].reply == said(language, "place_unknown")
    phone.send("Kathmandu")
    phone.send("many")
    assert phone.turns[-1].template == "answer_number"
    phone.send("40")
    phone.send("maybe")
    assert phone.turns[-1].template == "answer_yes_no"
    done = phone.send(word(language, "no"))
    assert phone.templates() == [
        "report_what",
        "report_where",
        "place_unknown",
        "report_people",
        "answer_number",
        "report_contact",
        "answer_yes_no",
        "report_done",
    ]
    assert done.reply == said(language, "report_done", code="01JDZ6Y3W6B8Q8V0K1M2N3P4Q5.token")
    assert done.conversation is not None
    assert done.conversation.flow is None
    assert done.conversation.language == language
    assert phone.doors.calls == [
        (
            "report",
            {
                "description": "Flood water in the houses",
                "location": Point(27.7, 85.3),
                "people": 40,
                "language": language,
                "contact": None,
            },
        )
    ]


def test_a_report_by_text_is_remembered_for_its_sender_newest_first_up_to_three() -> None:
    memory = FakeSenderMemory()
    memory.remember_reports(
        "k", ["01JOLDER000000000000000003.t", "01JOLDER000000000000000002.t", "01JOLDEST0.t"]
    )
    phone = Phone(memory=memory)
    for text in (word("en", "report"), "Flood water in the houses", "Kathmandu", "40"):
        phone.send(text)
    assert phone.send(word("en", "no")).template == "report_done"
    assert memory.reports("k") == [
        "01JDZ6Y3W6B8Q8V0K1M2N3P4Q5.token",
        "01JOLDER000000000000000003.t",
        "01JOLDER000000000000000002.t",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_alone_answers_for_the_senders_own_reports(language: str) -> None:
    """A report's code is ~60 characters: nobody types it back on a basic phone. STATUS alone
    answers for the reports this number made; one past its retention is forgotten."""
    cat = catalog.catalog(language)
    memory = FakeSenderMemory()
    memory.remember_reports("k", ["01JNEWER.tok", "expired.tok", "01JOLDER.tok"])
    phone = Phone(memory=memory)
    answer = phone.send(word(language, "status"))
    statuses = "; ".join([cat.status("verified")] * 2)
    assert answer.reply == said(language, "status_yours", statuses=statuses)
    assert answer.conversation is not None
    assert answer.conversation.flow is None
    assert memory.reports("k") == ["01JNEWER.tok", "01JOLDER.tok"]
    # With nothing remembered (or nothing left), STATUS asks for a code as before.
    memory.remember_reports("k", ["expired.tok"])
    assert Phone(memory=memory).send(word(language, "status")).template == "status_code"
    assert memory.reports("k") == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_report_with_contact_and_skip(language: str) -> None:
    phone = Phone()
    phone.send(f"{word(language, 'report')} Fire near the market")
    phone.send("London")
    phone.send(word(language, "skip"))
    phone.send(word(language, "yes"))
    assert phone.doors.calls[0][1]["people"] is None
    assert phone.doors.calls[0][1]["contact"] == SENDER


@pytest.mark.parametrize("language", LANGUAGES)
def test_safe(language: str) -> None:
    phone = Phone()
    phone.send(word(language, "safe"))
    done = phone.send("Sita Sharma")
    assert done.reply == said(language, "safe_done", name="Sita Sharma", days=40)
    assert phone.doors.calls == [("check_in", {"name": "Sita Sharma", "language": language})]
    # With the name in the command itself: one message, one reply.
    quick = Phone()
    assert quick.send(f"{word(language, 'safe')} Ram Thapa").template == "safe_done"


@pytest.mark.parametrize("language", LANGUAGES)
def test_find(language: str) -> None:
    phone = Phone(
        FakeDoors(found=[Found("Sita Sharma", "Pokhara", "is_note_author"), Found("Sita K", None, None)])
    )
    phone.send(word(language, "find"))
    found = phone.send("Sita")
    cat = catalog.catalog(language)
    assert found.reply == said(
        language,
        "find_found",
        people=f"Sita Sharma (Pokhara): {cat.status('is_note_author')}; Sita K: {cat.status('unknown')}",
    )
    nobody = Phone()
    assert nobody.send(f"{word(language, 'find')} Nobody").reply == said(language, "find_none", name="Nobody")
    busy = Phone(FakeDoors(busy=True))
    assert busy.send(f"{word(language, 'find')} Sita").template == "find_busy"


@pytest.mark.parametrize("language", LANGUAGES)
def test_status(language: str) -> None:
    cat = catalog.catalog(language)
    assert Phone().send(f"{word(language, 'status')} 01JDZ6Y3W6B8Q8V0K1M2N3P4Q5.tok").reply == said(
        language, "status_report", status=cat.status("verified")
    )
    phone = Phone()
    phone.send(word(language, "status"))
    assert phone.send("ABCD-EFGH-JKMN-PQRS-TVWX").reply == said(
        language, "status_complaint", status=cat.status("referred"), message="Sent to the inspectorate."
    )
    assert Phone().send(f"{word(language, 'status')} nonsense").template == "status_none"


@pytest.mark.parametrize("language", LANGUAGES)
def test_complain_asks_the_web_forms_fields_one_at_a_time(language: str) -> None:
    phone = Phone()
    answers = [
        word(language, "complain"),
        "Gulf Manpower",
        "XX",  # not a country
        word(language, "skip"),
        "9",  # not a category
        "1, 2 2",
        "short",  # under ten characters
        "They kept my passport and charged me fees",
        "31/02/2026",  # no such day
        "12/12/2026",  # after today
        "12/03/2026",
        "NP",
        "qa",
        "a lot",  # not an amount
        "1,500",  # in the usual currency of the home country
        word(language, "yes"),
        word(language, "no"),
    ]
    for text in answers:
        phone.send(text)
    assert phone.templates() == [
        "complain_recruiter",
        "complain_recruiter_country",
        "country_invalid",
        "complain_categories",
        "choice_invalid",
        "complain_description",
        "too_short",
        "complain_occurred",
        "date_invalid",
        "date_future",
        "complain_origin",
        "complain_destination",
        "complain_fees",
        "amount_invalid",
        "complain_consent",
        "complain_contact",
        "complain_done",
    ]
    assert phone.turns[-1].reply == said(language, "complain_done", code="ABCD-EFGH-JKMN-PQRS-TVWX")
    assert phone.turns[-5].reply == said(language, "complain_fees", currency="NPR")
    assert "NPR" in phone.turns[-5].reply
    assert phone.doors.calls == [
        (
            "complain",
            {
                "recruiter_name": "Gulf Manpower",
                "recruiter_country": None,
                "categories": ["recruitment_fees", "passport_retention"],
                "description": "They kept my passport and charged me fees",
                "occurred_on": date(2026, 3, 12),
                "fees": Fees(1500.0, "NPR"),
                "origin_country": "NP",
                "destination_country": "QA",
                "consent": True,
                "contact": None,
                "language": language,
            },
        )
    ]


def _to_fees(phone: Phone, language: str, recruiter_country: str, origin: str) -> None:
    for text in (
        word(language, "complain"),
        "Gulf Manpower",
        recruiter_country,
        "1",
        "They charged me fees for a visa",
    ):
        phone.send(text)


# The date and the fees in the scripts people write them in: Devanagari and Arabic-Indic digits.
LOCAL_DATE = {"ne": "१२/०३/२०२६", "ar": "١٢/٠٣/٢٠٢٦"}
LOCAL_FEES = {"ne": "१५०० QAR", "ar": "١٥٠٠ QAR"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_complaint_date_and_fees_are_read_as_people_write_them(language: str) -> None:
    phone = Phone()
    _to_fees(phone, language, "QA", "NP")
    phone.send(LOCAL_DATE.get(language, "2026-03-12"))
    phone.send("NP")
    assert phone.send("QA").reply == said(language, "complain_fees", currency="QAR")
    assert phone.send(LOCAL_FEES.get(language, "qar 1500.50")).template == "complain_consent"
    phone.send(word(language, "no"))
    phone.send(word(language, "no"))
    [(door, call)] = phone.doors.calls
    assert door == "complain"
    assert call["occurred_on"] == date(2026, 3, 12)
    assert call["fees"] == Fees(1500.0 if language in LOCAL_FEES else 1500.5, "QAR")
    assert call["recruiter_country"] == "QA"
    assert call["consent"] is False


@pytest.mark.parametrize("language", LANGUAGES)
def test_complaint_date_and_fees_may_be_skipped(language: str) -> None:
    for no_fees in (word(language, "skip"), word(language, "no"), "0"):
        phone = Phone()
        _to_fees(phone, language, word(language, "skip"), "XK")
        assert phone.send(word(language, "skip")).template == "complain_origin"
        phone.send("AF")  # a country without a usual currency here: the code is asked for
        phone.send("QA")
        assert phone.turns[-1].reply == said(language, "complain_fees_any")
        assert phone.send("1500").template == "amount_invalid"
        assert phone.send(no_fees).template == "complain_consent"
        phone.send(word(language, "yes"))
        phone.send(word(language, "yes"))
        [(_, call)] = phone.doors.calls
        assert call["occurred_on"] is None
        assert call["fees"] is None
        assert call["contact"] == SENDER


@pytest.mark.parametrize("language", LANGUAGES)
def test_alerts_and_stop(language: str) -> None:
    memory = FakeSenderMemory()
    phone = Phone(memory=memory)
    assert phone.send(f"{word(language, 'alerts')} Kathmandu").reply == said(
        language, "alerts_code", place="Kathmandu"
    )
    assert phone.send("000000").template == "alerts_bad_code"
    assert phone.send("123456").reply == said(language, "alerts_done", place="Kathmandu")
    assert [r.state for r in memory.refs["k"]] == ["active"]
    stop = phone.send(word(language, "stop"))
    assert stop.reply == said(language, "stopped")
    assert ("unsubscribe", {"subscription_id": "01JDZ6Y3W6B8Q8V0K1M2N3P4Q5"}) in phone.doors.calls
    assert memory.refs["k"] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_stop_interrupts_any_step_even_free_text(language: str) -> None:
    memory = FakeSenderMemory()
    memory.remember("k", [SubscriptionRef("01JDZ6Y3W6B8Q8V0K1M2N3P4Q5", "tok", "London", "active")])
    phone = Phone(memory=memory)
    phone.send(word(language, "complain"))
    stop = phone.send(word(language, "stop"))
    assert stop.template == "stopped"
    assert stop.conversation is not None
    assert stop.conversation.flow is None
    assert memory.refs["k"] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_menu_numbers_and_help(language: str) -> None:
    phone = Phone()
    phone.send(word(language, "help"))
    assert phone.turns[-1].reply == said(language, "help")
    phone.conversation = Conversation(language, NOW)
    assert phone.send("2").reply == said(language, "safe_name")


def test_the_first_message_that_is_not_a_command_gets_the_menu_in_its_script() -> None:
    assert Phone().send("hello").reply == said("en", "menu")
    assert Phone().send("مرحبا").reply == said("ar", "menu")
    assert Phone().send("नमस्ते").reply == said("ne", "menu")
    phone = Phone()
    phone.send(word("fr", "help"))
    phone.conversation = Conversation("fr", NOW)
    assert phone.send("bonjour").reply == said("fr", "not_understood")


def test_stop_keeps_the_language_of_the_conversation() -> None:
    phone = Phone()
    phone.send(word("tl", "safe"))
    assert phone.send("STOP").reply == said("tl", "stopped")


def test_a_refusal_of_the_use_case_is_said_and_ends_the_dialogue() -> None:
    phone = Phone(FakeDoors(refuse=True))
    turn = phone.send("SAFE Ana")
    assert turn.template == "try_later"
    assert turn.conversation is not None
    assert turn.conversation.flow is None


def test_a_shared_location_starts_a_report() -> None:
    phone = Phone()
    assert phone.send("", location=Point(14.6, 121.0)).template == "report_what"
    assert phone.send("Typhoon damage").template == "report_people"
    phone.send("3")
    phone.send("NO")
    assert phone.doors.calls[0][1]["location"] == Point(14.6, 121.0)


def test_a_location_shared_while_asked_what_happened_answers_where_later() -> None:
    phone = Phone()
    phone.send("REPORT")
    assert phone.send("", location=Point(51.5, -0.12)).template == "report_what"
    assert phone.send("Fire in a tower block").template == "report_people"
    phone.send("SKIP")
    phone.send("NO")
    assert phone.doors.calls[0][1]["location"] == Point(51.5, -0.12)
    assert phone.doors.calls[0][1]["description"] == "Fire in a tower block"


def test_an_answer_outside_a_dialogue_gets_help_not_silence() -> None:
    for text in ("YES", "12", "?", " "):
        turn = Phone().send(text)
        assert turn.template == "menu"
        assert turn.reply
    phone = Phone()
    phone.send("SAFE Ana")
    assert phone.send("what now?").template == "not_understood"


def test_the_first_menu_tells_a_latin_script_reader_how_to_get_their_language() -> None:
    # A first "hola" or "bonjour" cannot tell its language (Arabic and Devanagari can): the
    # menu names each language's HELP, which answers in that language from then on.
    menu = Phone().send("hola").reply
    for language in ("fr", "es", "tl"):
        assert word(language, "help").upper() in menu
        phone = Phone()
        phone.send("hola")
        assert phone.send(word(language, "help").upper()).reply == said(language, "help")
        assert phone.conversation is not None
        assert phone.conversation.language == language
