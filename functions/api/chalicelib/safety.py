"""Safety: "I am safe" check-ins and missing persons (public), PFIF export (responder)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from chalice import Response
from pydantic import Field
from typing_extensions import TypedDict

from chalicelib.answers import Upload, answer
from chalicelib.fields import Country, Integer, Timestamp
from chalicelib.http import (
    XML,
    HavenBlueprint,
    Json,
    Strict,
    client_address,
    json_response,
    paginate,
    rate_limiter,
)
from haven import clock
from haven.adapters.dynamo.safety import DynamoSafetyStore
from haven.adapters.photos import S3PhotoStore
from haven.auth import Principal, Role
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


@answer()
class PersonRegistered(TypedDict):
    person_id: str
    deletion_token: Annotated[str, Field(description="Keep it: the only way to delete the record")]
    expires_at: str
    photo_upload: Upload | None


@answer()
class PersonSummary(TypedDict):
    """What the public sees of a record: never contact details, age or description."""

    person_id: str
    full_name: str
    home_city: str | None
    latest_status: str | None


@answer(
    json_schema_extra={
        "examples": [
            {
                "items": [
                    {
                        "person_id": "01JDX5R2T7Y4U9I1O6P3A8S0DF",
                        "full_name": "María José García López",
                        "home_city": "Valencia",
                        "latest_status": "believed_alive",
                    }
                ]
            }
        ]
    }
)
class PeopleFound(TypedDict):
    items: list[PersonSummary]


@answer()
class NoteAdded(TypedDict):
    note_id: str
    person_id: str
    status: str | None
    entry_date: str


@bp.route(
    "/v1/safety/people",
    method="POST",
    summary="Register a person (safe, or sought)",
    body=PersonIn,
    status=201,
    example={"full_name": "María José García López", "author": {"name": "Ana García"}},
    idempotent=True,
)
def create_person(*, body: PersonIn) -> Json[PersonRegistered]:
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


@bp.route("/v1/safety/people", summary="Search people by name", query=SearchQuery)
def search_people(*, query: SearchQuery) -> Json[PeopleFound]:
    request = bp.current_request
    items = use_cases.search(
        query.q,
        limit=query.limit,
        client=client_address(request),
        store=_store,
        limiter=rate_limiter(),
        rate_per_minute=get_settings().safety_search_per_minute,
    )
    return json_response({"items": items})


@bp.route(
    "/v1/safety/people/{person_id}/notes",
    method="POST",
    summary="Add a PFIF note to a person record",
    body=NoteIn,
    status=201,
    optional_auth=True,
    example={"author": {"name": "Ana García"}, "text": "Seen at the shelter", "status": "believed_alive"},
    idempotent=True,
)
def add_note(person_id: str, *, body: NoteIn, principal: Principal | None) -> Json[NoteAdded]:
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
        principal=principal,
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


@bp.route(
    "/v1/safety/people/{person_id}",
    method="DELETE",
    summary="Delete one's own person record",
    query=TokenQuery,
    status=204,
    secret_lookup=True,
)
def delete_person(person_id: str, *, query: TokenQuery) -> Response:
    use_cases.delete(person_id, query.token, store=_store, photos=_photos)
    return Response(body="", status_code=204)


def _photo_url(person: Person) -> str | None:
    return _photos.presign_get(person.photo_key, expires_in=3600) if person.photo_key else None


@bp.route(
    "/v1/ops/safety/pfif", summary="PFIF 1.4 export", roles=(Role.RESPONDER,), query=PfifQuery, media=XML
)
def export_pfif(*, principal: Principal, query: PfifQuery) -> Response:
    since = query.since or EPOCH
    items, cursor = paginate(
        "/v1/ops/safety/pfif",
        {"since": since.isoformat(), "limit": query.limit, "who": principal.subject},
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
