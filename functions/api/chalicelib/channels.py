"""Text channels over HTTP: Twilio's inbound SMS and WhatsApp webhook, answered with TwiML.

The request must carry Twilio's ``X-Twilio-Signature`` for this stage's auth token (Secrets
Manager, ``haven-<stage>/channels/twilio-auth-token``): a wrong or missing one is 403 before
anything is read or stored. The message then runs through the same intake as the SMS and
WhatsApp worker (haven.channels.intake): the same dialogue, the same use cases, once per
``MessageSid``.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl

from chalice import Response
from pydantic import ConfigDict, Field

from chalicelib.http import XML, HavenBlueprint, Strict, parse_form
from haven import clock
from haven.adapters.channels import intake, twilio_auth_token
from haven.adapters.dynamo.channels import ClaimHeld
from haven.channels import providers, twilio
from haven.channels.intake import SenderBusy
from haven.errors import Conflict, FieldError, Forbidden, MalformedRequest, PayloadTooLarge, ValidationFailed
from haven.settings import get_settings

bp = HavenBlueprint(__name__)

PATH = "/v1/channels/twilio/sms"
FORM = "application/x-www-form-urlencoded"
#: Twilio's form posts are small: a message of up to 1600 characters and its metadata.
MAX_FORM_BYTES = 16 * 1024
#: Media parameters Twilio numbers (MediaUrl0, MediaContentType0, ...): media are not read.
_MEDIA = re.compile(r"^Media(Url|ContentType)\d$")
#: A message whose sender is being answered by another request is tried again in this request,
#: this many times this far apart (a turn takes well under a second): Twilio retries only a
#: connect timeout by default, so a 409 would lose the person's message.
BUSY_TRIES = 5
BUSY_WAIT_S = 0.4

Short = Field(default=None, max_length=200)
Sid = Field(pattern=r"^[A-Z]{2}[0-9a-f]{32}$")


class TwilioMessageIn(Strict):
    """The parameters Twilio's Messaging webhook sends (SMS, MMS and WhatsApp).

    Unlike Haven's own request bodies, a parameter not listed here is ignored, not refused: the
    form is signed by Twilio, which adds parameters to its webhook from time to time, and a
    refusal would lose the person's message. The form's size stays bounded (MAX_FORM_BYTES), and
    only the parameters below are ever read.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, strict=True)

    MessageSid: str = Sid
    AccountSid: str = Sid
    From: str = Field(min_length=3, max_length=64)
    To: str = Field(min_length=3, max_length=64)
    Body: str = Field(default="", max_length=1600)
    SmsSid: str | None = Short
    SmsMessageSid: str | None = Short
    SmsStatus: str | None = Short
    MessagingServiceSid: str | None = Short
    NumMedia: str | None = Field(default=None, pattern=r"^\d{1,2}$")
    NumSegments: str | None = Field(default=None, pattern=r"^\d{1,2}$")
    ApiVersion: str | None = Short
    MessageType: str | None = Short
    FromCity: str | None = Short
    FromState: str | None = Short
    FromZip: str | None = Short
    FromCountry: str | None = Short
    ToCity: str | None = Short
    ToState: str | None = Short
    ToZip: str | None = Short
    ToCountry: str | None = Short
    ProfileName: str | None = Short
    WaId: str | None = Short
    Forwarded: str | None = Short
    FrequentlyForwarded: str | None = Short
    ButtonText: str | None = Short
    ButtonPayload: str | None = Short
    Latitude: str | None = Field(default=None, max_length=32)
    Longitude: str | None = Field(default=None, max_length=32)
    Address: str | None = Short
    Label: str | None = Short
    ChannelMetadata: str | None = Field(default=None, max_length=2000)
    OriginalRepliedMessageSender: str | None = Short
    OriginalRepliedMessageSid: str | None = Short


def _pairs(raw: bytes) -> list[tuple[str, str]]:
    if len(raw) > MAX_FORM_BYTES:
        raise PayloadTooLarge(f"the body must not exceed {MAX_FORM_BYTES} bytes")
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(raw))
    except (UnicodeDecodeError, ValueError):
        raise MalformedRequest("the body is not a URL-encoded form") from None


def _form(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The form as Twilio signs it; a name given twice is refused (after the signature)."""
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise ValidationFailed([FieldError(name, "is given more than once")])
        form[name] = value
    return form


def twiml_response(reply: str | None) -> Response:
    return Response(body=twilio.twiml(reply), status_code=200, headers={"Content-Type": twilio.TWIML})


@bp.route(
    PATH,
    method="POST",
    summary="Twilio's inbound SMS/WhatsApp webhook (X-Twilio-Signature), answered with TwiML",
    body=TwilioMessageIn,
    body_media=FORM,
    media=XML,
    refuses=("403", "415"),
    example={
        "MessageSid": "SM" + "0" * 32,
        "AccountSid": "AC" + "0" * 32,
        "From": "+447700900123",
        "To": "+447700900000",
        "Body": "SAFE Maria Lopez",
    },
)
def twilio_sms() -> Response:
    request = bp.current_request
    pairs = _pairs(request.raw_body or b"")
    url = get_settings().public_url + PATH
    token = twilio_auth_token()
    # The signature first: nothing of an unsigned form is judged, let alone stored.
    signed = dict(pairs)
    if token is None or not twilio.valid(token, url, signed, request.headers.get("x-twilio-signature")):
        raise Forbidden("the X-Twilio-Signature does not match this request")
    form = _form(pairs)
    parse_form({k: v for k, v in form.items() if not _MEDIA.match(k)}, TwilioMessageIn)
    try:
        inbound = providers.from_twilio(form, clock.now())
    except providers.Unparseable as error:
        raise ValidationFailed([FieldError("From", str(error))]) from None
    service = intake()
    for attempt in range(1, BUSY_TRIES + 1):
        try:
            outcome = service.handle(inbound)
            break
        except SenderBusy:
            # Another message of this sender is being answered: its turn ends in a moment.
            if attempt == BUSY_TRIES:
                raise Conflict("a message of this sender is being answered; try again") from None
            time.sleep(BUSY_WAIT_S)
        except ClaimHeld:
            # This very message is being answered by another request (a retry of Twilio's).
            raise Conflict("this message is being answered already") from None
    # The reply goes back in this response: from here on it counts as sent.
    service.receipts.sent(inbound.provider, inbound.message_id)
    return twiml_response(outcome.reply)
