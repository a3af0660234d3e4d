"""The text channels' doors into Haven: the same public use cases the API's routes call.

Each method is what one route does for a web or app client, with the values a dialogue
gathered; nothing here stores anything itself. A method loads its domain's use cases when it is
first called, as the API loads a blueprint at its route's first request (ADR 0049): a message
that reports an incident never loads the complaints domain, and the intake worker's cold start
loads none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Protocol

from haven.channels.dialogue import Found, SubscriptionRef
from haven.errors import NotFound
from haven.geo import Point

if TYPE_CHECKING:
    from haven.alerts import subscriptions as subs
    from haven.channels.parsing import Fees
    from haven.complaints import complaints as complaint_cases
    from haven.crisis import reports as crisis
    from haven.events import EventSink
    from haven.kernel import UploadSigner
    from haven.limits import RateLimiter
    from haven.safety import people

#: The area of an alert subscription made by place name: the town and around it.
ALERT_RADIUS_KM = 25.0
#: Where check-ins by text say they come from (PFIF ``source_name``).
SOURCE_NAME = "Haven (text message)"


class Repositories(Protocol):
    """The ports the doors use. Read as attributes, so that an adapter may build each at its
    first use (:class:`haven.adapters.channels.Intake` does: a report never builds the roster)."""

    @property
    def reports(self) -> crisis.ReportRepository: ...
    @property
    def intake(self) -> crisis.IntakeQueue: ...
    @property
    def media(self) -> UploadSigner: ...
    @property
    def incidents(self) -> crisis.IncidentStatusLookup: ...
    @property
    def events(self) -> EventSink: ...
    @property
    def safety(self) -> people.SafetyStore: ...
    @property
    def photos(self) -> people.PhotoStore: ...
    @property
    def limiter(self) -> RateLimiter: ...
    @property
    def complaints(self) -> complaint_cases.ComplaintRepository: ...
    @property
    def roster(self) -> complaint_cases.Roster: ...
    @property
    def evidence(self) -> UploadSigner: ...
    @property
    def subscriptions(self) -> subs.SubscriptionRepository: ...
    @property
    def confirmations(self) -> subs.ConfirmationQueue: ...
    @property
    def sealer(self) -> subs.Sealer: ...


@dataclass(frozen=True)
class Retention:
    reports: timedelta
    safety: timedelta
    safety_search_per_minute: int


class UseCaseDoors:
    def __init__(self, repositories: Repositories, retention: Retention) -> None:
        self._r = repositories
        self._retention = retention

    def locate(self, text: str) -> tuple[Point, str] | None:
        from haven.feeds import gazetteer

        point = gazetteer.locate([text])
        return None if point is None else (point, text.strip()[:60])

    def report(
        self, *, description: str, location: Point, people: int | None, language: str, contact: str | None
    ) -> str:
        from haven.crisis import reports as crisis
        from haven.crisis.taxonomy import Category

        submitted = crisis.submit_report(
            crisis.NewReport(
                category=Category.UNKNOWN.value,
                description=description,
                location=location,
                people_affected=people,
                language=language,
                contact=contact,
                anonymous=contact is None,
            ),
            reports=self._r.reports,
            queue=self._r.intake,
            uploads=self._r.media,
            events=self._r.events,
            retention=self._retention.reports,
        )
        return f"{submitted.report_id}.{submitted.tracking_token}"

    def check_in(self, *, name: str, language: str) -> int:
        from haven.safety import people

        author = people.Author(name, None, None)
        created = people.register(
            people.NewPerson(full_name=name, author=author, source_name=SOURCE_NAME),
            store=self._r.safety,
            photos=self._r.photos,
            retention=self._retention.safety,
            source_name=SOURCE_NAME,
        )
        people.add_note(
            created.person.person_id,
            people.NewNote(
                author=author, text="I am safe (text message)", status=people.Status.IS_NOTE_AUTHOR
            ),
            principal=None,
            store=self._r.safety,
        )
        return self._retention.safety.days

    def find(self, *, name: str, client: str) -> list[Found]:
        from haven.safety import people

        items = people.search(
            name,
            limit=3,
            client=f"text:{client}",
            store=self._r.safety,
            limiter=self._r.limiter,
            rate_per_minute=self._retention.safety_search_per_minute,
        )
        return [Found(i["full_name"], i.get("home_city"), i.get("latest_status")) for i in items]

    def report_status(self, code: str) -> str | None:
        from haven.crisis import reports as crisis

        report_id, _, token = code.partition(".")
        try:
            view = crisis.reporter_view(
                report_id, token, reports=self._r.reports, incidents=self._r.incidents
            )
        except NotFound:
            return None
        return str(view["status"])

    def complaint_status(self, code: str) -> tuple[str, str] | None:
        if not 16 <= len(code) <= 40:
            return None
        from haven.complaints import complaints as complaint_cases

        try:
            tracked = complaint_cases.track(code, complaints=self._r.complaints)
        except NotFound:
            return None
        messages = tracked.get("messages") or []
        return str(tracked["status"]), str(messages[-1]["message"]) if messages else ""

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
        from haven.complaints import complaints as complaint_cases

        filed = complaint_cases.file_complaint(
            complaint_cases.NewComplaint(
                recruiter=complaint_cases.Recruiter(name=recruiter_name, country=recruiter_country),
                categories=tuple(complaint_cases.Category(c) for c in dict.fromkeys(categories)),
                description=description,
                occurred_on=occurred_on,
                fees_amount=fees.amount if fees else None,
                fees_currency=fees.currency if fees else None,
                origin_country=origin_country,
                destination_country=destination_country,
                consent_share_identity=consent,
                contact={"phone": contact} if contact else None,
                anonymous=contact is None,
                language=language,
            ),
            complaints=self._r.complaints,
            roster=self._r.roster,
            uploads=self._r.evidence,
            events=self._r.events,
        )
        return filed.tracking_code

    def subscribe(self, *, point: Point, place: str, address: str, language: str) -> SubscriptionRef:
        from haven.alerts import subscriptions as subs
        from haven.areas import Circle

        created = subs.subscribe(
            area=Circle(point, ALERT_RADIUS_KM),
            channel="sms",
            address=subs.validate_address("sms", address, None),
            languages=(language,),
            min_severity="Moderate",
            webhook_secret=None,
            sealer=self._r.sealer,
            subscriptions=self._r.subscriptions,
            confirmations=self._r.confirmations,
        )
        return SubscriptionRef(created.subscription_id, created.token, place)

    def confirm(self, ref: SubscriptionRef, code: str) -> bool:
        from haven.alerts import subscriptions as subs

        try:
            subs.confirm(ref.subscription_id, code, subscriptions=self._r.subscriptions)
        except NotFound:
            return False
        return True

    def unsubscribe(self, ref: SubscriptionRef) -> None:
        from haven.alerts import subscriptions as subs

        # Lapsed unconfirmed, or removed already: nothing left to stop.
        with suppress(NotFound):
            subs.unsubscribe(ref.subscription_id, ref.token, subscriptions=self._r.subscriptions)
