"""Feed polling adapters: HTTP fetches guarded against private networks, the raw payload
archive in S3, bearer tokens from Secrets Manager, and the poll queue."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urljoin

from botocore.exceptions import ClientError

from haven import clock
from haven.adapters.aws import client
from haven.adapters.names import bucket, secret_name
from haven.adapters.outbound import Deadline, check_in_time, open_checked
from haven.errors import ValidationFailed
from haven.feeds.connectors import Request
from haven.feeds.polling import FetchFailed, Response, retry_after
from haven.settings import get_settings
from haven.urls import Resolver, Target

#: One fetch, redirects included: each URL's check (DNS), connecting, up to the body's last byte.
DEADLINE_SECONDS = 20
MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 3
USER_AGENT = "Haven feed poller (+https://haven.example.org)"
_NOT_FOUND = "ResourceNotFoundException"


class HttpFetcher:
    """GET within a total deadline and a size limit; redirects are followed only to URLs that pass the
    same check as the source's own URL (no private address, https only in AWS mode), and each
    request is sent to the address that was checked."""

    def __init__(self, resolver: Resolver | None = None) -> None:
        self._resolver = resolver

    def fetch(self, request: Request) -> Response:
        url = request.url
        deadline = Deadline(DEADLINE_SECONDS)
        for _ in range(MAX_REDIRECTS + 1):
            try:
                target = check_in_time(
                    url,
                    local_mode=get_settings().is_local,
                    field="url",
                    deadline=deadline,
                    resolver=self._resolver,
                )
            except ValidationFailed as refused:
                raise FetchFailed(f"URL refused: {refused.errors[0].message}") from None
            outcome = self._get(target, request.headers, deadline)
            if isinstance(outcome, Response):
                return outcome
            url = outcome
        raise FetchFailed("too many redirects")

    def _get(self, target: Target, headers: dict[str, str], deadline: Deadline) -> Response | str:
        """The response, or the URL a redirect points to."""
        url = target.url
        http = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})  # noqa: S310 - checked
        try:
            with open_checked(target, http, deadline) as answer:
                body = answer.read(MAX_BODY_BYTES + 1)
                if len(body) > MAX_BODY_BYTES:
                    raise FetchFailed(f"body larger than {MAX_BODY_BYTES} bytes")
                return Response(int(answer.status), {k.lower(): v for k, v in answer.headers.items()}, body)
        except urllib.error.HTTPError as error:
            answer_headers = {k.lower(): v for k, v in (error.headers or {}).items()}
            if error.code in (301, 302, 303, 307, 308) and answer_headers.get("location"):
                return urljoin(url, answer_headers["location"])
            raise FetchFailed(f"HTTP {error.code}", retry_after(answer_headers, clock.now())) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise FetchFailed(type(error).__name__) from None


class S3RawArchive:
    """Raw payloads in the ``feed-raw`` bucket, which expires them (lifecycle rule)."""

    def keep(self, key: str, body: bytes, content_type: str) -> None:
        client("s3").put_object(Bucket=bucket("feed-raw"), Key=key, Body=body, ContentType=content_type)


class SecretsManagerCredentials:
    """A source's ``credentials_ref`` (``feeds/...``) is a secret of this stage."""

    def bearer_token(self, credentials_ref: str) -> str:
        try:
            secret = client("secretsmanager").get_secret_value(SecretId=secret_name(credentials_ref))
        except ClientError as error:
            if error.response["Error"]["Code"] != _NOT_FOUND:
                raise
            raise FetchFailed(f"no secret {credentials_ref} in Secrets Manager") from None
        return str(secret["SecretString"])


class SecretsManagerDirectory:
    """Whether a ``credentials_ref`` names a secret of this stage (DescribeSecret: no value read)."""

    def exists(self, name: str) -> bool:
        try:
            described = client("secretsmanager").describe_secret(SecretId=secret_name(name))
        except ClientError as error:
            if error.response["Error"]["Code"] == _NOT_FOUND:
                return False
            raise
        return "DeletedDate" not in described  # scheduled for deletion: about to be gone
