"""Safety: "I am safe" check-ins and missing persons (public), PFIF export (responder)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from chalice import Response
from pydantic import Field

from chalicelib.fields import Country, Integer, Timestamp
from chalicelib.http import (
    HavenBlueprint,
    Strict,
    caller,
    client_address,
    json_response,
    paginate,
    parse_body,
    parse_query,
    rate_limiter,
)
from haven import clock
from haven.adapters.dynamo.safety import DynamoSafetyStore
from haven.adapters.photos import S3PhotoStore
from haven.auth import Role, require
from haven.safety import people as use_cases
from haven.safety import pfif
from haven.safety.people import Author, Person, Status
from haven.settings import get_settings

bp = HavenBlueprint(__name__)

_store = DynamoSafetyStore()
_photos = S3PhotoStore()

Sex = Literal["female", "male", "other"]
PhotoType = Literal["image/jpeg", "image/png", "image/webp"]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
StatusName = Literal[tuple(s.value for s in Status)]  # type: ignore[valid-type]
ShortText = Field(default=None, min_length=1, max_length=200)


class AuthorIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, min_length=3, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = Field(default=None, min_length=3, max_length=40, pattern=r"^[+0-9 ()./-]+$")

    def author(self) -> Author:
        return Author(self.name, self.email, self.phone)


class PhotoIn(Strict):
    content_type: PhotoType
    size_bytes: Integer = Field(gt=0, le=use_cases.MAX_PHOTO_BYTES)


class PersonIn(Strict):
    full_name: str = Field(min_length=1, max_length=200)
    given_name: str | None = ShortText
    family_name: str | None = ShortText
    alternate_names: str | None = ShortText
    age: Integer | None = Field(default=None, ge=0, le=130)
    birth_year: Integer | None = Field(default=None, ge=1890, le=2100)
    sex: Sex | None = None
    home_city: str | None = ShortText
    home_country: Country | None = None
    description: str | None = Field(default=None, min_length=1, max_length=2000)
    author: AuthorIn
    source_name: str | None = ShortText
    source_url: str | None = Field(default=None, max_length=500, pattern=r"^https://")
    photo: PhotoIn | None = None


class NoteIn(Strict):
    author: AuthorIn
    text: str = Field(min_length=1, max_length=2000)
    status: StatusName | None = None
    author_made_contact: bool | None = None
    last_known_location: str | None = Field(default=None, min_length=1, max_length=500)
    linked_person_id: str | None = Field(default=None, pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")


class SearchQuery(Strict):
    q: str = Field(min_length=1, max_length=200)
    limit: Integer = Field(default=20, ge=1, le=50)


class TokenQuery(Strict):
    token: str = Field(min_length=16, max_length=128)


class PfifQuery(Strict):
    since: Timestamp | None = None
    limit: Integer = Field(default=100, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=2048)


@bp.route("/v1/safety/people", methods=["POST"], idempotent=True)
def create_person() -> Response:
    body = parse_body(bp.current_request, PersonIn)
    fields = body.model_dump(exclude={"author", "photo"})
    created = use_cases.register(
        use_cases.NewPerson(
            **fields,
            author=body.author.author(),
            photo_content_type=body.photo.content_type if body.photo else None,
        ),
        store=_store,
        photos=_photos,
        retention=timedelta(days=get_settings().safety_retention_days),
        source_name="Haven",
    )
    person = created.person
    upload = created.upload
    return json_response(
        {
            "person_id": person.person_id,
            "deletion_token": created.deletion_token,
            "expires_at": clock.iso(person.expires_at),
            "photo_upload": None
            if upload is None
            else {
                "method": "POST",
                "url": upload.url,
                "fields": upload.fields,
                "content_type": upload.content_type,
                "max_bytes": upload.max_bytes,
                "expires_at": clock.iso(upload.expires_at),
            },
        },
        status=201,
        headers={"Location": f"/v1/safety/people/{person.person_id}"},
    )


@bp.route("/v1/safety/people", methods=["GET"])
def search_people() -> Response:
    request = bp.current_request
    query = parse_query(request, SearchQuery)
    items = use_cases.search(
        query.q,
        limit=query.limit,
        client=client_address(request),
        store=_store,
        limiter=rate_limiter(),
        rate_per_minute=get_settings().safety_search_per_minute,
    )
    return json_response({"items": items})


@bp.route("/v1/safety/people/{person_id}/notes", methods=["POST"], idempotent=True)
def add_note(person_id: str) -> Response:
    request = bp.current_request
    body = parse_body(request, NoteIn)
    note = use_cases.add_note(
        person_id,
        use_cases.NewNote(
            author=body.author.author(),
            text=body.text,
            status=Status(body.status) if body.status else None,
            author_made_contact=body.author_made_contact,
            last_known_location=body.last_known_location,
            linked_person_id=body.linked_person_id,
        ),
        principal=caller(request),
        store=_store,
    )
    return json_response(
        {
            "note_id": note.note_id,
            "person_id": note.person_id,
            "status": note.status.value if note.status else None,
            "entry_date": clock.iso(note.entry_date),
        },
        status=201,
    )


@bp.route("/v1/safety/people/{person_id}", methods=["DELETE"], secret_lookup=True)
def delete_person(person_id: str) -> Response:
    query = parse_query(bp.current_request, TokenQuery)
    use_cases.delete(person_id, query.token, store=_store, photos=_photos)
    return Response(body="", status_code=204)


def _photo_url(person: Person) -> str | None:
    return _photos.presign_get(person.photo_key, expires_in=3600) if person.photo_key else None


@bp.route("/v1/ops/safety/pfif", methods=["GET"])
def export_pfif() -> Response:
    request = bp.current_request
    who = require(caller(request), Role.RESPONDER)
    query = parse_query(request, PfifQuery)
    since = query.since or EPOCH
    items, cursor = paginate(
        "/v1/ops/safety/pfif",
        {"since": since.isoformat(), "limit": query.limit, "who": who.subject},
        query.cursor,
        lambda position: pfif.entries(
            since,
            limit=query.limit,
            position=position,
            store=_store,
            retention=timedelta(days=get_settings().safety_retention_days),
        ),
    )
    headers = {"Content-Type": "application/xml; charset=utf-8"}
    if cursor:
        headers["Haven-Next-Cursor"] = cursor
    body = pfif.render(items, get_settings().pfif_domain, _photo_url)
    return Response(body=body.decode(), status_code=200, headers=headers)
