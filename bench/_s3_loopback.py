"""A small, fast S3-protocol server for benchmarks: buckets and objects in memory, on loopback.

    python bench/_s3_loopback.py --port 9000

Speaks the part of the S3 REST protocol an import uses: CreateBucket, HeadBucket,
PutObject, GetObject, HeadObject and ListObjectsV2 (prefix, max-keys, continuation token),
path-style only, signatures not checked. It exists because moto, the server of the test
suite, spends milliseconds of Python per request on this 2-core machine, so it (not the
importer) sets the pace of a benchmark; this one answers in tens of microseconds (uvicorn
with httptools), so what is measured is the client. Not for tests of behaviour: use moto.
"""

from __future__ import annotations

import argparse
import base64
import bisect
import hashlib
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qs, unquote
from xml.sax.saxutils import escape

import uvicorn

Scope = dict[str, Any]
BUCKETS: dict[str, dict[str, tuple[bytes, str]]] = {}
KEYS: dict[str, list[str]] = {}  # bucket -> sorted keys
MODIFIED = "2024-01-01T00:00:00.000Z"


def _error(code: str, status: int) -> tuple[int, dict[str, str], bytes]:
    body = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code></Error>".encode()
    return status, {"content-type": "application/xml"}, body


def _list(bucket: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
    prefix = query.get("prefix", [""])[0]
    max_keys = min(1000, int(query.get("max-keys", ["1000"])[0]))
    token = query.get("continuation-token", [""])[0]
    keys = KEYS[bucket]
    after = base64.urlsafe_b64decode(token).decode() if token else prefix
    start = bisect.bisect_right(keys, after) if token else bisect.bisect_left(keys, after)
    chosen: list[str] = []
    index = start
    while index < len(keys) and keys[index].startswith(prefix) and len(chosen) < max_keys:
        chosen.append(keys[index])
        index += 1
    truncated = index < len(keys) and keys[index].startswith(prefix)
    objects = BUCKETS[bucket]
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
        f"<Name>{escape(bucket)}</Name><Prefix>{escape(prefix)}</Prefix>",
        f"<KeyCount>{len(chosen)}</KeyCount><MaxKeys>{max_keys}</MaxKeys>",
        f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>",
    ]
    if truncated:
        next_token = base64.urlsafe_b64encode(chosen[-1].encode()).decode()
        parts.append(f"<NextContinuationToken>{next_token}</NextContinuationToken>")
    for key in chosen:
        data, etag = objects[key]
        parts.append(
            f"<Contents><Key>{escape(key)}</Key><LastModified>{MODIFIED}</LastModified>"
            f"<ETag>&quot;{etag}&quot;</ETag><Size>{len(data)}</Size>"
            "<StorageClass>STANDARD</StorageClass></Contents>"
        )
    parts.append("</ListBucketResult>")
    return 200, {"content-type": "application/xml"}, "".join(parts).encode()


def handle(method: str, path: str, query: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
    bucket, _, key = unquote(path).lstrip("/").partition("/")
    if not key:
        if method == "PUT":
            BUCKETS.setdefault(bucket, {})
            KEYS.setdefault(bucket, [])
            return 200, {}, b""
        if bucket not in BUCKETS:
            return _error("NoSuchBucket", 404)
        if method == "HEAD":
            return 200, {}, b""
        return _list(bucket, parse_qs(query))
    if bucket not in BUCKETS:
        return _error("NoSuchBucket", 404)
    objects = BUCKETS[bucket]
    if method == "PUT":
        etag = hashlib.md5(body).hexdigest()
        if key not in objects:
            bisect.insort(KEYS[bucket], key)
        objects[key] = (body, etag)
        return 200, {"etag": f'"{etag}"'}, b""
    if key not in objects:
        return _error("NoSuchKey", 404)
    data, etag = objects[key]
    headers = {
        "etag": f'"{etag}"',
        "content-type": "binary/octet-stream",
        "last-modified": formatdate(0, usegmt=True),
    }
    if method == "HEAD":
        headers["content-length"] = str(len(data))
        return 200, headers, b""
    return 200, headers, data


async def app(scope: Scope, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    status, headers, body = handle(
        scope["method"],
        scope["raw_path"].decode(),
        scope["query_string"].decode(),
        b"".join(chunks),
    )
    if scope["method"] != "HEAD":
        headers["content-length"] = str(len(body))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        }
    )
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
