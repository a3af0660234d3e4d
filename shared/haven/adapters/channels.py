"""The text channels wired: sender keys, repliers (AWS End User Messaging SMS and Social, or the
local outbox) and the intake with the same repositories the API's routes use.

Neither ``pinpoint-sms-voice-v2`` nor ``socialmessaging`` is served by the embedded AWS, so in
local mode replies go to the outbox (``make outbox``), as every other message does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from datetime import timedelta
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import ClientError

from haven import clock
from haven.adapters.aws import client
from haven.adapters.crypto import AesGcmSealer, derived_key
from haven.adapters.dynamo.channels import DynamoConversations, DynamoReceipts, DynamoSenderMemory
from haven.adapters.events import EventBridgePublisher
from haven.adapters.names import secret_name
from haven.adapters.notifier import OUTBOX_ENV, write_outbox
from haven.adapters.secrets import signing_key
from haven.channels.dialogue import Channel, Inbound
from haven.channels.doors import Retention, UseCaseDoors
from haven.channels.intake import Outcome, handle
from haven.settings import get_settings

if TYPE_CHECKING:
    from haven.adapters.dynamo.accreditation import DynamoRoster
    from haven.adapters.dynamo.alerts import DynamoSubscriptions
    from haven.adapters.dynamo.complaints import DynamoComplaints
    from haven.adapters.dynamo.limits import DynamoRateLimiter
    from haven.adapters.dynamo.reports import DynamoIncidentStatus, DynamoReports
    from haven.adapters.dynamo.safety import DynamoSafetyStore
    from haven.adapters.photos import S3PhotoStore
    from haven.adapters.queues import ConfirmationQueue, IntakeQueue
    from haven.adapters.uploads import S3UploadSigner

#: SendTextMessage's reason when the destination opted out of the origination identity.
OPTED_OUT = "DESTINATION_PHONE_NUMBER_OPTED_OUT"
#: Where a stage keeps its Twilio auth token: ``haven-<stage>/channels/twilio-auth-token``.
TWILIO_SECRET = "channels/twilio-auth-token"  # noqa: S105 - a secret's name, not a secret


class HmacSenderKeys:
    """HMAC-SHA256 of channel and number, keyed (HKDF) from the deployment's signing key."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key

    def _secret(self) -> bytes:
        if self._key is None:
            self._key = derived_key("channel-sender")
        return self._key

    def key(self, channel: str, sender: str) -> str:
        # One person, one key across SMS and WhatsApp: the number is what identifies them.
        del channel
        return hmac.new(self._secret(), sender.encode(), hashlib.sha256).hexdigest()[:40]


class Replier(Protocol):
    def send(self, channel: Channel, to: str, text: str, ref: str) -> str:
        """Send a reply; the provider's id. Raises on failure (the record is retried)."""
        ...


class AwsReplier:
    """SMS through AWS End User Messaging SMS (``SendTextMessage``), WhatsApp through AWS End
    User Messaging Social (``SendWhatsAppMessage``, a Cloud API message document)."""

    def __init__(
        self,
        *,
        origination_identity: str | None,
        configuration_set: str | None,
        whatsapp_phone_number_id: str | None,
        meta_api_version: str,
        sms: Any = None,
        social: Any = None,
    ) -> None:
        self._origination = origination_identity
        self._configuration_set = configuration_set
        self._phone_number_id = whatsapp_phone_number_id
        self._meta_api_version = meta_api_version
        self._sms = sms
        self._social = social

    def send(self, channel: Channel, to: str, text: str, ref: str) -> str:
        if channel == "sms":
            if not self._origination:
                raise RuntimeError("HAVEN_SMS_ORIGINATION_IDENTITY is not set: SMS replies cannot be sent")
            request: dict[str, Any] = {
                "DestinationPhoneNumber": to,
                "OriginationIdentity": self._origination,
                "MessageBody": text,
                "MessageType": "TRANSACTIONAL",
                "Context": {"haven_ref": ref},
            }
            if self._configuration_set:
                request["ConfigurationSetName"] = self._configuration_set
            sms = self._sms or client("pinpoint-sms-voice-v2")
            try:
                return str(sms.send_text_message(**request)["MessageId"])
            except ClientError as error:
                if error.response.get("Reason") == OPTED_OUT:
                    # The number opted out at AWS (its own STOP handling): nothing can reach
                    # it, and retrying would only dead-letter the message.
                    return OPTED_OUT
                raise
        if not self._phone_number_id:
            raise RuntimeError("HAVEN_WHATSAPP_PHONE_NUMBER_ID is not set: WhatsApp replies cannot be sent")
        document = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "text",
            "text": {"preview_url": False, "body": text},
        }
        social = self._social or client("socialmessaging")
        response = social.send_whatsapp_message(
            originationPhoneNumberId=self._phone_number_id,
            message=json.dumps(document, ensure_ascii=False).encode(),
            metaApiVersion=self._meta_api_version,
        )
        return str(response["messageId"])


class OutboxReplier:
    """Local mode: each reply is a line of the outbox, as the person would have received it."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def send(self, channel: Channel, to: str, text: str, ref: str) -> str:
        return write_outbox(
            self._path, channel=channel, to=to, subject=f"{channel} reply", body=text, ref=ref
        )


@cache
def replier() -> Replier:
    settings = get_settings()
    if settings.is_local:
        return OutboxReplier(Path(os.environ.get(OUTBOX_ENV, ".local-state/outbox.jsonl")))
    return AwsReplier(
        origination_identity=settings.sms_origination_identity,
        configuration_set=settings.sms_configuration_set,
        whatsapp_phone_number_id=settings.whatsapp_phone_number_id,
        meta_api_version=settings.whatsapp_meta_api_version,
    )


class Intake:
    """What the intake function and the Twilio route need, built once per process."""

    def __init__(self) -> None:
        settings = get_settings()
        sealer = AesGcmSealer("channel-records")
        self.receipts = DynamoReceipts(sealer)
        self.conversations = DynamoConversations(sealer)
        self.memory = DynamoSenderMemory(sealer)
        self.keys = HmacSenderKeys()
        self.doors = UseCaseDoors(
            Ports(),
            Retention(
                reports=timedelta(days=settings.report_retention_days),
                safety=timedelta(days=settings.safety_retention_days),
                safety_search_per_minute=settings.safety_search_per_minute,
            ),
        )

    def handle(self, inbound: Inbound, also_received: tuple[Inbound, ...] = ()) -> Outcome:
        """Answer ``inbound`` (with the other parts joined into it) once, with this process's
        ports, now: :func:`haven.channels.intake.handle`."""
        return handle(
            inbound,
            receipts=self.receipts,
            conversations=self.conversations,
            memory=self.memory,
            keys=self.keys,
            doors=self.doors,
            now=clock.now(),
            also_received=also_received,
        )


class Ports:
    """The doors' ports (:class:`haven.channels.doors.Repositories`), each built, with its
    adapter module imported, when a command first uses it: a report loads the report adapters,
    a complaint the complaint and roster ones, and the worker's cold start none of them."""

    @cached_property
    def reports(self) -> DynamoReports:
        from haven.adapters.dynamo.reports import DynamoReports

        return DynamoReports()

    @cached_property
    def intake(self) -> IntakeQueue:
        from haven.adapters.queues import IntakeQueue

        return IntakeQueue()

    @cached_property
    def media(self) -> S3UploadSigner:
        from haven.adapters.uploads import S3UploadSigner

        return S3UploadSigner("media")

    @cached_property
    def incidents(self) -> DynamoIncidentStatus:
        from haven.adapters.dynamo.reports import DynamoIncidentStatus

        return DynamoIncidentStatus()

    @cached_property
    def events(self) -> EventBridgePublisher:
        return EventBridgePublisher()

    @cached_property
    def safety(self) -> DynamoSafetyStore:
        from haven.adapters.dynamo.safety import DynamoSafetyStore

        return DynamoSafetyStore()

    @cached_property
    def photos(self) -> S3PhotoStore:
        from haven.adapters.photos import S3PhotoStore

        return S3PhotoStore()

    @cached_property
    def limiter(self) -> DynamoRateLimiter:
        # Keyed from the signing key, read at the first search (no I/O at import).
        from haven.adapters.dynamo.limits import DynamoRateLimiter

        return DynamoRateLimiter(signing_key())

    @cached_property
    def complaints(self) -> DynamoComplaints:
        from haven.adapters.dynamo.complaints import DynamoComplaints

        return DynamoComplaints()

    @cached_property
    def roster(self) -> DynamoRoster:
        from haven.adapters.dynamo.accreditation import DynamoRoster

        return DynamoRoster()

    @cached_property
    def evidence(self) -> S3UploadSigner:
        from haven.adapters.uploads import S3UploadSigner

        return S3UploadSigner("complaint-evidence")

    @cached_property
    def subscriptions(self) -> DynamoSubscriptions:
        from haven.adapters.dynamo.alerts import DynamoSubscriptions

        return DynamoSubscriptions()

    @cached_property
    def confirmations(self) -> ConfirmationQueue:
        from haven.adapters.queues import ConfirmationQueue

        return ConfirmationQueue()

    @cached_property
    def sealer(self) -> AesGcmSealer:
        # The same sealing as the API's subscriptions: the delivery workers open it.
        return AesGcmSealer("subscription-address")


@cache
def intake() -> Intake:
    return Intake()


#: How long the Twilio auth token read (or found missing) is trusted: a rotated or newly stored
#: token is used within this, without a cold start; a stage without one is not asked each request.
TWILIO_TOKEN_TTL_S = 300
#: When the token was read (``time.monotonic``), and the token or ``None``.
_twilio_token: list[tuple[float, str | None]] = []


def twilio_auth_token() -> str | None:
    """The stage's Twilio auth token from Secrets Manager (read again every
    :data:`TWILIO_TOKEN_TTL_S`); None while the stage has none (every request is then refused)."""
    now = time.monotonic()
    if not _twilio_token or now - _twilio_token[0][0] > TWILIO_TOKEN_TTL_S:
        sm = client("secretsmanager")
        try:
            token: str | None = str(sm.get_secret_value(SecretId=secret_name(TWILIO_SECRET))["SecretString"])
        except sm.exceptions.ResourceNotFoundException:
            token = None
        _twilio_token[:] = [(now, token)]
    return _twilio_token[0][1]
