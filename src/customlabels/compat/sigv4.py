"""AWS Signature Version 4 checked exactly as botocore signs.

The expected signature is computed by botocore's own signer (``SigV4Auth``) over the
headers the client says it signed, the body as received, and the client's own timestamp,
then compared in constant time: one implementation of the canonical request, the one the
real clients use, instead of a hand-written copy that could drift from it.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from customlabels.compat.errors import CompatError

MAX_SKEW = timedelta(minutes=15)
_AUTH = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/\s]+)/(?P<date>\d{8})/(?P<region>[^/\s]+)/"
    r"(?P<service>[^/\s]+)/aws4_request,\s*SignedHeaders=(?P<headers>[a-z0-9;\-]+),\s*"
    r"Signature=(?P<signature>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class SignedRequest:
    access_key_id: str
    region: str
    service: str
    signed_headers: list[str]
    signature: str
    amz_date: str


def parse(authorization: str | None, amz_date: str | None) -> SignedRequest:
    """The parts of a SigV4 Authorization header; unsigned requests are refused."""
    if not authorization:
        raise CompatError("MissingAuthenticationTokenException", "Missing Authentication Token")
    match = _AUTH.match(authorization.strip())
    if match is None:
        raise CompatError(
            "IncompleteSignatureException",
            "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' "
            "(AWS4-HMAC-SHA256)",
        )
    if not amz_date:
        raise CompatError("IncompleteSignatureException", "the request has no X-Amz-Date header")
    return SignedRequest(
        access_key_id=match["key"],
        region=match["region"],
        service=match["service"],
        signed_headers=match["headers"].split(";"),
        signature=match["signature"],
        amz_date=amz_date,
    )


def check_time(signed: SignedRequest, now: datetime | None = None) -> None:
    try:
        moment = datetime.strptime(signed.amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise CompatError("IncompleteSignatureException", "X-Amz-Date is not a date") from None
    now = now or datetime.now(UTC)
    if abs(now - moment) > MAX_SKEW:
        # botocore recognises this wording and the client may correct its clock and retry.
        raise CompatError(
            "InvalidSignatureException",
            f"Signature expired: {signed.amz_date} is now earlier than "
            f"{(now - MAX_SKEW).strftime('%Y%m%dT%H%M%SZ')} "
            f"({now.strftime('%Y%m%dT%H%M%SZ')} - 15 min.)"
            if moment < now
            else f"Signature not yet current: {signed.amz_date} is still later than "
            f"{(now + MAX_SKEW).strftime('%Y%m%dT%H%M%SZ')} "
            f"({now.strftime('%Y%m%dT%H%M%SZ')} + 15 min.)",
        )


def expected_signature(
    signed: SignedRequest,
    secret: str,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
) -> str:
    """The signature botocore computes for this request with ``secret``."""
    kept = {name: headers.get(name, "") for name in signed.signed_headers}
    request = AWSRequest(method=method, url=url, headers=kept, data=body)
    request.context["timestamp"] = signed.amz_date
    auth = SigV4Auth(Credentials(signed.access_key_id, secret), signed.service, signed.region)
    canonical = auth.canonical_request(request)
    string_to_sign = auth.string_to_sign(request, canonical)
    return str(auth.signature(string_to_sign, request))


def verify(
    signed: SignedRequest,
    secret: str,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
) -> None:
    expected = expected_signature(signed, secret, method, url, headers, body)
    if not hmac.compare_digest(expected, signed.signature):
        raise CompatError(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method.",
        )
