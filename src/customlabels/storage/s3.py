"""S3 (and S3-compatible stores): URIs, clients, retries, listing, downloads, and a BlobStore.

Credentials come from boto3's standard chain (environment, profile, instance role); the
endpoint of an S3-compatible store (MinIO, Ceph, R2, moto) from the ``s3_endpoint_url``
setting, else ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL``. Nothing here logs or puts in
an error message anything that holds a secret: messages name endpoints, buckets and keys.

Retries live in one place, :func:`with_retries`: botocore's own retrying is switched off so
that throttling, dropped connections and bodies cut short mid-download (which botocore does
not retry) all get the same bounded exponential backoff with jitter.
"""

from __future__ import annotations

import logging
import math
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from customlabels.errors import InvalidInput, ServiceUnavailable
from customlabels.storage.protocol import checked_key

if TYPE_CHECKING:
    from customlabels.config import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

# Error codes S3 (and compatible stores) answer when the request may succeed if sent again.
TRANSIENT_CODES = frozenset(
    {
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "TooManyRequestsException",
        "RequestTimeout",
        "RequestTimeTooSkewed",
        "InternalError",
        "ServiceUnavailable",
        "500",
        "502",
        "503",
        "504",
    }
)


@dataclass(frozen=True)
class S3Options:
    """How to reach S3: endpoint, region, concurrency and retry policy."""

    endpoint_url: str | None = None
    region: str | None = None
    max_concurrency: int = 16
    max_attempts: int = 5
    retry_base_delay_s: float = 0.25
    list_page_size: int = 1000
    presign_expiry_s: int = 3600
    multipart_threshold: int = 64 << 20

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Options:
        return cls(
            endpoint_url=settings.s3_endpoint_url
            or os.environ.get("AWS_ENDPOINT_URL_S3")
            or os.environ.get("AWS_ENDPOINT_URL")
            or None,
            region=settings.s3_region,
            max_concurrency=max(1, settings.s3_max_concurrency),
            max_attempts=max(1, settings.s3_max_attempts),
            retry_base_delay_s=max(0.0, settings.s3_retry_base_delay_s),
            list_page_size=min(1000, max(1, settings.s3_list_page_size)),
            presign_expiry_s=settings.presigned_url_expiry_s,
            # S3's smallest part is 5 MiB.
            multipart_threshold=max(5, settings.s3_multipart_threshold_mb) << 20,
        )

    def where(self) -> str:
        """Where requests go, for messages (the endpoint holds no secret)."""
        return self.endpoint_url or "AWS"


def is_s3_uri(value: object) -> bool:
    return isinstance(value, str) and value.startswith("s3://")


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` -> (bucket, key); the key may be empty or a prefix."""
    if not is_s3_uri(uri):
        raise InvalidInput(f"{uri!r} is not an s3:// URI")
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not bucket or "\x00" in uri:
        raise InvalidInput(f"{uri!r} names no bucket: write s3://bucket/prefix/")
    return bucket, key


def folder_prefix(key: str) -> str:
    """A prefix read as a folder: ``photos`` and ``photos/`` both mean ``photos/``."""
    return key if not key or key.endswith("/") else key + "/"


def s3_uri(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


@dataclass(frozen=True)
class ResolvedAccess:
    """Credentials and region as this process resolved them, to hand to a worker process.

    A worker comes from a fork server started earlier, whose environment may predate the
    credentials the importing process uses now; it must not read its own.
    """

    access_key: str
    secret_key: str
    token: str | None
    region: str | None


def resolve_access(options: S3Options) -> ResolvedAccess | None:
    """The credentials and region a client made here now would use (None: no credentials)."""
    import botocore.session

    session = botocore.session.get_session()
    credentials = session.get_credentials()
    if credentials is None:
        return None
    frozen = credentials.get_frozen_credentials()
    region = options.region or session.get_config_variable("region")
    return ResolvedAccess(frozen.access_key, frozen.secret_key, frozen.token, region)


def _epoch(value: Any) -> float:
    """Epoch seconds of a LastModified: text as our clients keep it, or a datetime."""
    if isinstance(value, str):
        return parsedate_to_datetime(value).timestamp()
    return float(value.timestamp())


def make_client(options: S3Options, access: ResolvedAccess | None = None) -> Any:
    """A thread-safe boto3 S3 client (one per job or store; sessions are not thread-safe).

    With ``access``, it signs with those credentials and uses that region, not the chain's.
    """
    import boto3
    from botocore.config import Config

    config = Config(
        max_pool_connections=options.max_concurrency + 4,
        retries={"total_max_attempts": 1, "mode": "standard"},  # with_retries decides
        connect_timeout=10,
        read_timeout=60,
        # Custom endpoints (MinIO, moto, an IP address) rarely serve virtual-host buckets.
        s3={"addressing_style": "path"} if options.endpoint_url else None,
    )
    import botocore.session

    core = botocore.session.get_session()
    # A fresh session per client keeps credentials fresh (the chain is read again), but
    # the service models it loads are the same JSON every time: share one loader.
    core.register_component("data_loader", _shared_loader())
    # Timestamps (LastModified) are never read here, and parsing them with dateutil is
    # most of the client-side cost of a listing; keep them as text (as the AWS CLI does).
    core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=str)
    session = boto3.session.Session(botocore_session=core)
    if access is None:
        return session.client(
            "s3", endpoint_url=options.endpoint_url, region_name=options.region, config=config
        )
    return session.client(
        "s3",
        endpoint_url=options.endpoint_url,
        region_name=access.region or options.region,
        config=config,
        aws_access_key_id=access.access_key,
        aws_secret_access_key=access.secret_key,
        aws_session_token=access.token,
    )


_loader_lock = threading.Lock()
_loader: Any = None


def _shared_loader() -> Any:
    global _loader
    with _loader_lock:
        if _loader is None:
            from botocore.loaders import create_loader

            _loader = create_loader()
        return _loader


def error_code(exc: BaseException) -> str | None:
    """The S3 error code of a botocore ClientError (``NoSuchKey``, ``AccessDenied``, ``404``)."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    if code:
        return str(code)
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return str(status) if status else None


def is_transient(exc: BaseException) -> bool:
    """Whether sending the request again may succeed: throttling, 5xx, dropped connections."""
    from botocore.exceptions import (
        ClientError,
        ConnectionError,
        HTTPClientError,
        IncompleteReadError,
        ResponseStreamingError,
    )
    from urllib3.exceptions import HTTPError as Urllib3Error

    if isinstance(exc, ClientError):
        return error_code(exc) in TRANSIENT_CODES
    if type(exc).__name__ == "S3UploadFailedError" and exc.__cause__ is not None:
        return is_transient(exc.__cause__)  # boto3's managed upload wraps the S3 error
    return isinstance(
        exc,
        ConnectionError
        | HTTPClientError
        | IncompleteReadError
        | ResponseStreamingError
        | Urllib3Error
        | TimeoutError
        | ConnectionResetError,
    )


def with_retries(fn: Callable[[], T], options: S3Options, what: str) -> T:
    """Call ``fn``; on a transient error wait (exponential backoff, full jitter) and retry.

    After ``options.max_attempts`` attempts the last error propagates with a note saying
    how many were made. Other errors propagate at once.
    """
    attempt = 1
    while True:
        try:
            return fn()
        except Exception as exc:
            if not is_transient(exc) or attempt >= options.max_attempts:
                if attempt > 1:
                    exc.add_note(f"{what}: gave up after {attempt} attempts")
                raise
            delay = min(10.0, options.retry_base_delay_s * 2 ** (attempt - 1))
            log.info("%s: %s; retrying (attempt %d)", what, _describe(exc), attempt + 1)
            time.sleep(random.uniform(0, delay) if delay else 0)
            attempt += 1


def _describe(exc: BaseException) -> str:
    code = error_code(exc)
    return f"{code}" if code else type(exc).__name__


def describe_error(exc: BaseException) -> str:
    """One line for a person: the S3 code and message, or the connection problem."""
    code = error_code(exc)
    if code is not None:
        message = getattr(exc, "response", {}).get("Error", {}).get("Message") or ""
        text = {
            "403": "access denied",
            "404": "not found",
        }.get(code, message)
        text = f"{code}: {text}" if text and text != code else code
    else:
        text = f"{type(exc).__name__}: {exc}"
    notes = getattr(exc, "__notes__", None)
    return f"{text} ({'; '.join(notes)})" if notes else text


@dataclass(frozen=True)
class S3Object:
    """One key as a listing (or HEAD) describes it."""

    key: str
    size: int
    etag: str

    @property
    def fingerprint(self) -> str:
        """Changes when the object's bytes may have: its ETag and size."""
        return f"{self.etag}:{self.size}"


def list_pages(
    client: Any, bucket: str, prefix: str, options: S3Options, start_after: str = ""
) -> Iterator[list[S3Object]]:
    """The objects under ``prefix`` (after ``start_after``), one page (at most 1,000 keys) at
    a time, in key order.

    Pages are fetched as the caller asks for them, so a bucket of a million keys is never
    held in memory at once.
    """
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {
            "Bucket": bucket,
            "Prefix": prefix,
            "MaxKeys": options.list_page_size,
        }
        if token:
            kwargs["ContinuationToken"] = token
        elif start_after:
            kwargs["StartAfter"] = start_after
        page = with_retries(
            lambda kwargs=kwargs: client.list_objects_v2(**kwargs),  # type: ignore[misc]
            options,
            f"listing s3://{bucket}/{prefix}",
        )
        yield [
            S3Object(o["Key"], int(o.get("Size", 0)), str(o.get("ETag", "")).strip('"'))
            for o in page.get("Contents", ())
        ]
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token:
            return


def head(client: Any, bucket: str, key: str, options: S3Options) -> S3Object:
    response = with_retries(
        lambda: client.head_object(Bucket=bucket, Key=key), options, f"s3://{bucket}/{key}"
    )
    return S3Object(key, int(response["ContentLength"]), str(response["ETag"]).strip('"'))


class ObjectTooLarge(ValueError):
    """An object is larger than the caller accepts."""


def download(client: Any, bucket: str, key: str, options: S3Options, max_bytes: int) -> bytes:
    """The bytes of an object, retried as a whole when the connection drops mid-body."""

    def once() -> bytes:
        response = client.get_object(Bucket=bucket, Key=key)
        length = int(response.get("ContentLength", 0))
        body = response["Body"]
        try:
            if length > max_bytes:
                raise ObjectTooLarge(
                    f"object of {length:,} bytes exceeds the limit of {max_bytes:,}"
                )
            # StreamingBody checks the length it read against Content-Length, so a body
            # cut short raises IncompleteReadError here and is retried.
            data: bytes = body.read()
            return data
        finally:
            body.close()

    return with_retries(once, options, f"downloading s3://{bucket}/{key}")


def upload_file(client: Any, bucket: str, key: str, path: Path, options: S3Options) -> None:
    """Upload a file: in one request when small, else in parts read from disk as they go
    (boto3's managed transfer), so neither memory nor S3's 5 GB single-upload limit bounds
    an export."""
    size = path.stat().st_size
    if size < options.multipart_threshold:
        upload(client, bucket, key, path.read_bytes(), options)
        return
    from boto3.s3.transfer import TransferConfig

    config = TransferConfig(
        multipart_threshold=options.multipart_threshold,
        multipart_chunksize=options.multipart_threshold,
        max_concurrency=options.max_concurrency,
    )
    with_retries(
        lambda: client.upload_file(str(path), bucket, key, Config=config),
        options,
        f"uploading s3://{bucket}/{key}",
    )


def read_object(client: Any, bucket: str, key: str, options: S3Options) -> bytes:
    return download(client, bucket, key, options, max_bytes=1 << 62)


def upload(client: Any, bucket: str, key: str, data: bytes, options: S3Options) -> None:
    with_retries(
        lambda: client.put_object(Bucket=bucket, Key=key, Body=data),
        options,
        f"uploading s3://{bucket}/{key}",
    )


def check_bucket(client: Any, bucket: str, options: S3Options, what: str) -> None:
    """Fail with a clear ServiceUnavailable when the bucket can't be reached or read."""
    try:
        with_retries(lambda: client.head_bucket(Bucket=bucket), options, what)
    except Exception as exc:
        code = error_code(exc)
        if code in ("404", "NoSuchBucket"):
            reason = f"bucket {bucket!r} does not exist"
        elif code in ("403", "AccessDenied"):
            reason = f"access to bucket {bucket!r} is denied to these credentials"
        else:
            reason = describe_error(exc)
        raise ServiceUnavailable(f"{what} at {options.where()} is unreachable: {reason}") from exc


class S3BlobStore:
    """The BlobStore protocol over a bucket and prefix: ``s3://bucket/prefix/<key>``."""

    def __init__(self, client: Any, bucket: str, prefix: str, options: S3Options) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = folder_prefix(prefix)
        self.options = options

    @classmethod
    def open(cls, url: str, options: S3Options) -> S3BlobStore:
        """The store a ``s3://bucket/prefix`` URL names, after checking it can be reached."""
        bucket, prefix = parse_s3_uri(url)
        store = cls(make_client(options), bucket, prefix, options)
        check_bucket(
            store.client,
            bucket,
            S3Options(**{**options.__dict__, "max_attempts": min(options.max_attempts, 2)}),
            f"image store s3://{bucket}/{store.prefix}",
        )
        return store

    def _key(self, key: str) -> str:
        return self.prefix + checked_key(key)

    def put(self, key: str, data: bytes) -> None:
        # Content-addressed: writing the same key again writes the same bytes.
        upload(self.client, self.bucket, self._key(key), data, self.options)

    def put_many(self, items: list[tuple[str, bytes]]) -> None:
        """Upload several blobs at once, ``max_concurrency`` in flight."""
        if len(items) <= 1:
            for key, data in items:
                self.put(key, data)
            return
        with ThreadPoolExecutor(min(len(items), self.options.max_concurrency)) as pool:
            for future in [pool.submit(self.put, k, d) for k, d in items]:
                future.result()

    def get(self, key: str) -> bytes:
        try:
            return read_object(self.client, self.bucket, self._key(key), self.options)
        except Exception as exc:
            if error_code(exc) in ("NoSuchKey", "404"):
                raise KeyError(key) from None
            raise

    def exists(self, key: str) -> bool:
        try:
            head(self.client, self.bucket, self._key(key), self.options)
        except Exception as exc:
            if error_code(exc) in ("NoSuchKey", "404"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        with_retries(
            lambda: self.client.delete_object(Bucket=self.bucket, Key=self._key(key)),
            self.options,
            f"deleting s3://{self.bucket}/{self._key(key)}",
        )

    def keys(self, prefix: str) -> Iterator[str]:
        for page in list_pages(self.client, self.bucket, self._key(prefix), self.options):
            for obj in page:
                yield obj.key[len(self.prefix) :]

    def now(self) -> float:
        return time.time()

    def discard(self, key: str, unused_since: float) -> bool:
        # Every put() uploads (no HEAD first), so LastModified is the last put. Between the
        # HEAD and the DELETE a put could slip in; reclaiming space runs only while no job
        # does (services/asset_gc.py), which is what keeps that window empty.
        full = self._key(key)
        try:
            response = with_retries(
                lambda: self.client.head_object(Bucket=self.bucket, Key=full),
                self.options,
                f"s3://{self.bucket}/{full}",
            )
        except Exception as exc:
            if error_code(exc) in ("NoSuchKey", "404"):
                return False
            raise
        # LastModified has whole seconds: a put in the second the run began counts as since.
        if _epoch(response["LastModified"]) >= math.floor(unused_since):
            return False
        self.delete(key)
        return True

    def presigned_url(self, key: str, content_type: str | None = None) -> str:
        """A time-limited GET URL a client may fetch the blob from directly."""
        params: dict[str, str] = {"Bucket": self.bucket, "Key": self._key(key)}
        if content_type:
            params["ResponseContentType"] = content_type
        return str(
            self.client.generate_presigned_url(
                "get_object", Params=params, ExpiresIn=self.options.presign_expiry_s
            )
        )
