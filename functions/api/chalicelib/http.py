"""Plumbing every route shares: its contract, parsing, errors as problem+json, identity, idempotency.

A route is declared once, by :meth:`HavenBlueprint.route`: its path and method, summary, roles,
body and query models, success status and marks (secret lookup, idempotency). The wrapper checks
the roles, parses the body and the query and hands them to the view as keyword arguments
(``principal=``, ``body=``, ``query=``, besides the path parameters); a
:class:`~haven.errors.HavenError` becomes an RFC 9457 response and an ``idempotent`` POST honours
``Idempotency-Key``. The view calls one use case and returns its answer: a ``TypedDict`` (see
:func:`answer`), a :class:`Json` of one, or another :class:`chalice.Response`. The OpenAPI
document (``chalicelib.openapi``) is derived from these contracts and return annotations.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

from chalice import Blueprint, Chalice, Response
from chalice.app import Request
from pydantic import (
    BaseModel,
    ConfigDict,
    GetJsonSchemaHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue

from chalicelib.problems import problem_response
from haven.adapters.dynamo.limits import DynamoRateLimiter
from haven.adapters.idempotency_store import DynamoIdempotencyStore
from haven.adapters.secrets import signing_key
from haven.adapters.tokens import verify_bearer
from haven.auth import Principal, Role, require
from haven.cursor import CursorCodec
from haven.errors import (
    FieldError,
    HavenError,
    MalformedRequest,
    NotFound,
    PayloadTooLarge,
    Problem,
    RateLimited,
    ValidationFailed,
)
from haven.idempotency import StoredResponse, fingerprint, scoped_key, validate_key
from haven.settings import get_settings

JSON = "application/json"
XML = "application/xml"
CSV = "text/csv"
MARKDOWN = "text/markdown"
#: Longest path parameter a view is given; longer ids exist nowhere (and exceed DynamoDB keys).
MAX_PATH_PARAMETER = 128

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
V = TypeVar("V", bound=Callable[..., Any])

#: Whose resources a route serves: another organisation's or partner's is answered 404.
Tenant = Literal["org", "partner"]


class Strict(BaseModel):
    """Base of request models: unknown fields are rejected, strings are stripped.

    Validators are built at a model's first use, not at import (``defer_build``, ADR 0039)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True, defer_build=True)


class Patch(Strict):
    """A partial update: ``expected_version`` and at least one of :attr:`CHANGES`. A change left
    out is kept; one sent as ``null`` is refused, unless it is one of :attr:`REMOVABLE` (then
    ``null`` removes it). The contract states both rules."""

    CHANGES: ClassVar[tuple[str, ...]] = ()
    REMOVABLE: ClassVar[tuple[str, ...]] = ()

    @field_validator("*", mode="after")
    @classmethod
    def _no_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.CHANGES and info.field_name not in cls.REMOVABLE:
            raise ValueError("must not be null: leave it out to keep it")
        return value

    @model_validator(mode="after")
    def _some_change(self) -> Patch:
        if not set(self.CHANGES) & self.model_fields_set:
            raise ValueError(f"set at least one of {', '.join(self.CHANGES)}")
        return self

    @classmethod
    def __get_pydantic_json_schema__(cls, core: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler.resolve_ref_schema(handler(core))
        properties = schema.get("properties", {})
        for name in cls.CHANGES:
            prop = properties.get(name, {})
            branches = [b for b in prop.get("anyOf", []) if b.get("type") != "null"]
            if name not in cls.REMOVABLE and len(branches) == 1 and len(prop["anyOf"]) == 2:
                del prop["anyOf"]
                prop.update(branches[0])
                prop.pop("default", None)
        # At least one change besides what is required (``expected_version``): JSON Schema says
        # it with a count, since no other property may be given (additionalProperties: false).
        schema["minProperties"] = len(schema.get("required", ())) + 1
        return schema


#: The example body of a change to a versioned resource (the version it was read at).
VERSIONED = {"expected_version": 1}


def _field_errors(error: ValidationError, root: str | None) -> list[FieldError]:
    fields = []
    for item in error.errors():
        loc = ".".join(str(part) for part in item["loc"] if part != "__root__")
        if root:
            loc = f"{root}.{loc}" if loc else root
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown field"
        fields.append(FieldError(loc or "body", message))
    return fields


#: What XML 1.0 cannot carry (its Char production): C0 controls but tab, LF and CR, lone
#: surrogates, U+FFFE and U+FFFF. Text people send may end up in CAP, Atom or PFIF documents,
#: where one such character makes the whole document unparseable; it is refused on the way in.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: A parameter of a route template (``{person_id}``, or API Gateway's greedy ``{proxy+}``).
_PATH_PARAMETER = re.compile(r"\{(\w+)\+?\}")


def _unencodable_text(value: Any, path: list[str]) -> list[FieldError]:
    """A field error for each string of a parsed body or query (models, their lists and maps)
    holding a character XML 1.0 cannot carry."""
    if isinstance(value, str):
        bad = _NOT_XML_CHAR.search(value)
        if bad is None:
            return []
        where = ".".join(path) or "body"
        return [
            FieldError(where, f"contains U+{ord(bad.group()):04X}, a character that text here may not hold")
        ]
    if isinstance(value, BaseModel):  # a validated body: its depth is the model's, bounded
        return [
            e
            for name in type(value).model_fields
            for e in _unencodable_text(getattr(value, name), [*path, name])
        ]
    if isinstance(value, dict):
        return [e for key, item in value.items() for e in _unencodable_text(item, [*path, str(key)])]
    if isinstance(value, list | tuple):
        return [e for n, item in enumerate(value) for e in _unencodable_text(item, [*path, str(n)])]
    return []


def parse_body(request: Request, model: type[M]) -> M:
    raw = request.raw_body or b""
    if len(raw) > get_settings().max_body_bytes:
        raise PayloadTooLarge(f"the body must not exceed {get_settings().max_body_bytes} bytes")
    if not raw.strip():
        raise MalformedRequest("a JSON body is required")
    try:
        parsed = model.model_validate_json(raw)
    except ValidationError as error:
        invalid = [e for e in error.errors() if e["type"] == "json_invalid"]
        if invalid:
            raise MalformedRequest(f"the body is not valid JSON: {invalid[0]['msg']}") from None
        raise ValidationFailed(_field_errors(error, None)) from None
    unencodable = _unencodable_text(parsed, [])
    if unencodable:
        raise ValidationFailed(unencodable)
    return parsed


def parse_form(fields: Mapping[str, str], model: type[M]) -> M:
    """A URL-encoded form (a webhook's), already decoded, as ``model``: its fields are text."""
    unencodable = _unencodable_text(dict(fields), [])
    if unencodable:
        raise ValidationFailed(unencodable)
    try:
        return model.model_validate(dict(fields))
    except ValidationError as error:
        raise ValidationFailed(_field_errors(error, None)) from None


def parse_query(request: Request, model: type[M]) -> M:
    """Query strings are text: models for them convert (``strict=False``) from strings."""
    params = dict(request.query_params or {})
    unencodable = _unencodable_text(params, [])
    if unencodable:
        raise ValidationFailed(unencodable)
    try:
        return model.model_validate(params, strict=False)
    except ValidationError as error:
        raise ValidationFailed(_field_errors(error, None)) from None


def caller(request: Request) -> Principal | None:
    """The verified principal of the request (memoised on the request), or ``None``."""
    cached = request.context.get("haven_principal", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    principal = verify_bearer(request.headers.get("authorization"))
    request.context["haven_principal"] = principal
    return principal


class Json(Response, Generic[T]):
    """A JSON answer whose body is a ``T``: views that set a status or headers are annotated
    ``-> Json[Shape]``, and the contract documents ``Shape`` (``chalicelib.answers``)."""


def json_response(body: T, status: int = 200, headers: dict[str, str] | None = None) -> Json[T]:
    merged = {"Content-Type": JSON}
    merged.update(headers or {})
    return Json(body=body, status_code=status, headers=merged)


def _as_response(result: Any, status: int) -> Response:
    """A view's answer: a :class:`Response` as it is, a bare shape as JSON with the route's status."""
    return result if isinstance(result, Response) else json_response(result, status)


def _body_text(response: Response) -> str:
    body = response.body
    if isinstance(body, bytes):
        return body.decode()
    if isinstance(body, str):
        return body
    return json.dumps(body, separators=(",", ":"))


def client_address(request: Request) -> str:
    """The caller's address as API Gateway saw it (never stored: limits key it with a hash)."""
    return str(request.context.get("identity", {}).get("sourceIp", "unknown"))


def _count_lookup(request: Request) -> None:
    """Count a secret lookup of this client, before it is tried: hits and misses alike, so that
    guessing learns nothing from the limit, and one write whatever the answer."""
    wait = rate_limiter().hit(
        f"secret-lookup:{client_address(request)}", get_settings().lookup_rate_per_minute, 60
    )
    if wait is not None:
        raise RateLimited("too many lookups from this address; try again shortly", retry_after=wait)


@functools.cache
def rate_limiter() -> DynamoRateLimiter:
    """The per-client limiter of this process (secret lookups, the name search)."""
    return DynamoRateLimiter(signing_key())


@dataclass(frozen=True)
class Route:
    """One route's contract, as its ``@bp.route`` declares it; the OpenAPI document is derived
    from it and from the view's return annotation. No ``roles``: public, and a token is ignored
    unless ``optional_auth``."""

    method: str
    path: str
    summary: str
    roles: tuple[Role, ...] = ()
    #: The request body's model: parsed and handed to the view as ``body=`` when it is JSON.
    body: type[BaseModel] | None = None
    #: The query's model: parsed and handed to the view as ``query=``.
    query: type[BaseModel] | None = None
    status: int = 200
    media: str = JSON
    #: Other media types the route answers with on ``Accept`` or a query parameter.
    also: tuple[str, ...] = ()
    #: Answers ``304 Not Modified`` to a matching ``If-None-Match``.
    conditional: bool = False
    tenant: Tenant | None = None
    #: Public, but a token grants more (e.g. a responder may report a person believed dead).
    optional_auth: bool = False
    example: Mapping[str, Any] | None = None
    #: The media type of the request body. Another than JSON (a webhook's form) is the view's to
    #: parse, since it may have to check the request first (a signature).
    body_media: str = JSON
    #: Error statuses beyond those its shape implies (a webhook's 403 on a bad signature).
    refuses: tuple[str, ...] = ()
    #: A public route that takes a secret (a tracking code, a deletion or unsubscribe token, a
    #: confirmation code): each client may try ``lookup_rate_per_minute`` of them a minute, all
    #: such routes together (``x-secret-lookup`` in the contract).
    secret_lookup: bool = False
    #: A POST that creates something: it honours ``Idempotency-Key``.
    idempotent: bool = False

    def allowed_roles(self) -> tuple[Role, ...]:
        """Every role that passes ``require`` (admin holds the staff roles)."""
        return tuple(
            role
            for role in Role
            if Principal("contract", frozenset({role}), org_id="org", partner_id="partner").has(*self.roles)
        )

    def inputs(self, request: Request) -> dict[str, Any]:
        """What the view is handed besides its path parameters, checked in this order: the
        caller's roles (401, 403), then the body (400, 413, 422), then the query (422)."""
        inputs: dict[str, Any] = {}
        if self.roles:
            inputs["principal"] = require(caller(request), *self.roles)
        if self.body is not None and self.body_media == JSON:
            inputs["body"] = parse_body(request, self.body)
        if self.query is not None:
            inputs["query"] = parse_query(request, self.query)
        if self.optional_auth:
            inputs["principal"] = caller(request)
        return inputs


def route_of(view: Callable[..., Any]) -> Route:
    """The contract of a view of the app's route table (as registered by a HavenBlueprint)."""
    return view.route  # type: ignore[attr-defined,no-any-return]


class HavenBlueprint(Blueprint):
    """A Chalice blueprint whose routes declare their contract, answer problem+json and honour
    Idempotency-Key. Each view registered in the app's route table carries its :class:`Route`."""

    _store: DynamoIdempotencyStore | None = None

    def __init__(self, import_name: str) -> None:
        super().__init__(import_name)
        #: Each route's wrapped view by method and path: what ``chalicelib.routing`` serves.
        self.views: dict[tuple[str, str], Callable[..., Response]] = {}

    def bind(self, app: Chalice) -> None:
        """Serve this blueprint's views from ``app``, whose route table already holds them (as
        ``chalicelib.routing`` registers them): what Chalice's ``register_blueprint`` does, less
        adding the routes again."""
        self._current_app = app

    def route(self, path: str, *, summary: str, method: str = "GET", **contract: Any) -> Callable[[V], V]:  # type: ignore[override]
        declared = Route(method, path, summary, **contract)
        register = super().route(path, methods=[method], content_types=[declared.body_media])

        def decorator(view: V) -> V:
            @functools.wraps(view)
            def wrapped(**path_parameters: str) -> Response:
                request = self.current_request
                try:
                    if any(len(value) > MAX_PATH_PARAMETER for value in path_parameters.values()):
                        raise NotFound("no such resource")
                    if declared.secret_lookup:
                        _count_lookup(request)

                    def respond() -> Response:
                        inputs = declared.inputs(request)
                        return _as_response(view(**path_parameters, **inputs), declared.status)

                    if declared.idempotent and request.headers.get("idempotency-key"):
                        return self._idempotent(request, path, path_parameters, respond)
                    return respond()
                except HavenError as error:
                    return problem_response(Problem.from_error(error), request.path)

            wrapped.route = declared  # type: ignore[attr-defined]
            self.views[method, path] = wrapped
            register(wrapped)
            return view

        return decorator

    def _idempotent(
        self, request: Request, path: str, path_parameters: dict[str, str], respond: Callable[[], Response]
    ) -> Response:
        store = HavenBlueprint._store or DynamoIdempotencyStore(signing_key())
        HavenBlueprint._store = store
        key = validate_key(request.headers["idempotency-key"])
        who = caller(request)
        scope = scoped_key(f"{request.method} {path}", who.subject if who else "public", key)
        # Chalice's request.path is the route's template: the path parameters make the resource.
        resource = _PATH_PARAMETER.sub(lambda m: str(path_parameters.get(m.group(1), m.group(0))), path)
        request_print = fingerprint(request.method, resource, request.raw_body or b"")
        replay = store.begin(scope, request_print, get_settings().idempotency_ttl_seconds)
        if replay is not None:
            return Response(
                body=replay.body,
                status_code=replay.status,
                headers={"Content-Type": replay.content_type, "Idempotent-Replayed": "true"},
            )
        try:
            response = respond()
        except BaseException:
            store.release(scope)
            raise
        if 200 <= response.status_code < 300:
            content_type = response.headers.get("Content-Type", JSON)
            store.complete(scope, StoredResponse(response.status_code, _body_text(response), content_type))
        else:
            store.release(scope)
        return response


def paginate(
    route: str,
    scope: dict[str, Any],
    cursor: str | None,
    fetch: Callable[[dict[str, Any] | None], Any],
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a list, with an opaque cursor bound to this route, query and caller.

    ``fetch(position)`` returns an object with ``items`` and ``position`` (where DynamoDB
    stopped, or ``None`` at the end). The cursor handed out signs that position together with
    the query's scope, so it cannot be altered or replayed on another query or by another caller.
    """
    codec = CursorCodec(signing_key())
    bound = {"route": route, **scope}
    position = codec.decode(cursor, bound) if cursor else None
    page = fetch(position)
    next_cursor = codec.encode(page.position, bound) if page.position else None
    return list(page.items), next_cursor
