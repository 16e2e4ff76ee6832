"""Masking the credentials a setting's URL carries, so ``customlabels settings`` can be
pasted into a bug report.

Any URL may carry them: a password after the user (``postgresql://u:pw@host``,
``redis://:pw@host``, an S3 endpoint behind a proxy) or a query parameter (a presigned
``?X-Amz-Signature=``, ``?password=``, ``?token=``). Both become ``***``, and so does a
user without a password (``https://TOKEN@host`` is a token); the rest of the
URL is kept byte for byte, so what is shown still tells which server is meant.
"""

from __future__ import annotations

import re

MASK = "***"

# Query parameter names (lower-cased, with '-' as '_') whose value is a credential. A name
# is also secret when it ends with one of them (``X-Amz-Signature``, ``db_password``).
SECRET_PARAMETERS = (
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "token",
    "key",
    "access_key",
    "secret_key",
    "api_key",
    "apikey",
    "sig",
    "signature",
    "credential",
    "credentials",
    "auth",
    "session_token",
)

_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<rest>.*)$", re.DOTALL)


def is_secret_parameter(name: str) -> bool:
    key = name.lower().replace("-", "_")
    return any(key == secret or key.endswith("_" + secret) for secret in SECRET_PARAMETERS)


def mask_url(url: str) -> str:
    """``url`` with its password and secret query values replaced by ``***``.

    A value that is not a URL comes back unchanged.
    """
    match = _URL.match(url)
    if match is None:
        return url
    rest = match["rest"]
    # The authority ends at the first '/', '?' or '#'; its credentials end at its last '@'
    # (a password may itself hold an unescaped '@').
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        credentials, _, host = authority.rpartition("@")
        user, has_password, _ = credentials.partition(":")
        authority = f"{user}:{MASK}@{host}" if has_password else f"{MASK}@{host}"
    return match["scheme"] + authority + _mask_query(tail)


def _mask_query(tail: str) -> str:
    path, question, rest = tail.partition("?")
    if not question:
        return tail
    query, hash_sign, fragment = rest.partition("#")
    parts = []
    for part in query.split("&"):
        name, equals, _ = part.partition("=")
        parts.append(f"{name}={MASK}" if equals and is_secret_parameter(name) else part)
    return f"{path}?{'&'.join(parts)}{hash_sign}{fragment}"
