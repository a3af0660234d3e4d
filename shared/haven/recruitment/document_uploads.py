"""An application's documents: declared with a presigned upload, pinned when it is submitted.

Documents are never replaced: each has its own key, and the object version uploaded there is
pinned (with its ETag) by the submit, once it is what was declared and what upload screening
keeps. The accepted types and sizes are :data:`haven.recruitment.documents.DOCUMENT_TYPES`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

from haven import clock, ids
from haven.auth import Principal
from haven.errors import FieldError, ValidationFailed
from haven.kernel import Upload
from haven.recruitment.application import Application, ApplicationRepository, load
from haven.recruitment.documents import DOCUMENT_TYPES
from haven.recruitment.drafts import editable, missing, save_draft
from haven.uploads import SNIFF_BYTES, Reason, StoredUpload, screen

MAX_DOCUMENTS = 30
UPLOAD_EXPIRES_SECONDS = 900


@dataclass(frozen=True)
class StoredObject:
    """The version a document's key holds, as upload screening judges it, and what pins it."""

    #: Its bucket, key, version id, size and Content-Type.
    upload: StoredUpload
    etag: str
    #: Its first bytes, of that very version: a file's format shows in its magic number.
    head: bytes


class DocumentStore(Protocol):
    def presign_upload(
        self, key: str, content_type: str, max_bytes: int, sha256_hex: str, expires_in: int
    ) -> Upload: ...

    def inspect(self, key: str, head_bytes: int) -> StoredObject | None:
        """The latest version of ``key`` with up to ``head_bytes`` of its leading bytes (``None``:
        nothing is stored there)."""
        ...

    def download_url(self, key: str, version_id: str | None) -> str: ...


def add_document(
    application_id: str,
    principal: Principal,
    *,
    kind: str,
    content_type: str,
    size_bytes: int,
    sha256: str,
    filename: str,
    applications: ApplicationRepository,
    documents: DocumentStore,
) -> tuple[Application, dict[str, Any], Upload]:
    """Declare a document and get its presigned upload. Documents are never replaced: each
    has its own key, and the version uploaded is pinned when the application is submitted."""
    application = load(application_id, principal, applications)
    editable(application, application.version)
    if len(application.documents) >= MAX_DOCUMENTS:
        raise ValidationFailed([FieldError("documents", f"at most {MAX_DOCUMENTS} documents")])
    limit = DOCUMENT_TYPES[content_type]
    if size_bytes > limit:
        raise ValidationFailed([FieldError("size_bytes", f"must not exceed {limit} for {content_type}")])
    document_id = ids.new_id()
    key = f"accreditation/{application.application_id}/{document_id}"
    declared_at = clock.iso(clock.now())
    document: dict[str, Any] = {
        "document_id": document_id,
        "kind": kind,
        "filename": filename,
        "content_type": content_type,
        "declared_size_bytes": size_bytes,
        "sha256": sha256,
        "key": key,
        "declared_at": declared_at,
        "uploaded": False,
    }
    expected = application.version
    application = replace(application, documents=[*application.documents, document], updated_at=declared_at)
    save_draft(application, expected, applications)
    upload = documents.presign_upload(key, content_type, limit, sha256, UPLOAD_EXPIRES_SECONDS)
    return application, document, upload


def readiness(application: Application, documents: DocumentStore) -> tuple[Application, list[FieldError]]:
    """What a submit would find now: the application with the uploads it would pin (documents
    never uploaded dropped), and what it would refuse (nothing: it may be submitted)."""
    pinned, refused = _pin_uploads(application.documents, documents)
    checked = replace(application, documents=pinned)
    # A refused upload stands in the way only while no other document of its kind is good:
    # declaring and uploading the document again is how a recruiter corrects it.
    good = {f"documents.{d['kind']}" for d in pinned}
    refused = [error for error in refused if error.field not in good]
    named = {error.field for error in refused}
    return checked, refused + [gap for gap in missing(checked) if gap.field not in named]


def _pin_uploads(
    declared: list[dict[str, Any]], documents: DocumentStore
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """The documents actually uploaded, with the exact object version that is now immutable,
    and why each other upload may not be pinned; declared documents never uploaded are dropped."""
    pinned: list[dict[str, Any]] = []
    refused: list[FieldError] = []
    for document in declared:
        if document.get("uploaded"):
            pinned.append(document)
            continue
        stored = documents.inspect(document["key"], SNIFF_BYTES)
        if stored is None:
            continue
        fault = _upload_fault(document, stored)
        if fault is not None:
            refused.append(FieldError(f"documents.{document['kind']}", f"{fault}: upload it again"))
            continue
        pinned.append(
            {
                **document,
                "uploaded": True,
                "size_bytes": stored.upload.size_bytes,
                "etag": stored.etag,
                "version_id": stored.upload.version.version_id,
            }
        )
    return pinned, refused


def _upload_fault(document: dict[str, Any], stored: StoredObject) -> str | None:
    """What keeps ``stored`` from being pinned as ``document`` (``None``: nothing).

    It must be what was declared, and what upload screening keeps: screening runs seconds after
    the upload and deletes what it refuses, so a version pinned before it ran could vanish from
    under the application. Nothing is deleted here; that stays screening's job.
    """
    upload, kind = stored.upload, document["kind"].replace("_", " ")
    declared_type, declared_size = document["content_type"], document["declared_size_bytes"]
    if upload.content_type != declared_type:
        sent = upload.content_type or "no type"
        return f"the uploaded {kind} was sent as {sent}, {declared_type} was declared"
    if upload.size_bytes != declared_size:
        return f"the uploaded {kind} is {upload.size_bytes} bytes, {declared_size} were declared"
    reason = screen(upload, stored.head)
    if reason == Reason.CONTENT_MISMATCH:
        return f"the uploaded {kind} is not a {declared_type.rpartition('/')[2].upper()}"
    if reason is not None:
        return f"the uploaded {kind} is refused ({reason})"
    return None
