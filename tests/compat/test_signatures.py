"""Requests are checked with AWS Signature V4 as botocore signs them, with our keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from tests.accounts import ensure_user
from tests.compat.conftest import Compat

from customlabels.services import api_keys


def _key(compat: Compat) -> tuple[str, str]:
    ensure_user(compat.ctx, "admin", "admin")
    key = api_keys.create_key(compat.ctx, "admin")
    return key.access_key_id, key.secret_access_key


def _signed(
    compat: Compat, key_id: str, secret: str, body: bytes, when: datetime | None = None
) -> dict[str, str]:
    """Headers of a DescribeProjects request signed by botocore's own signer at ``when``."""
    request = AWSRequest(
        method="POST",
        url=compat.url + "/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "RekognitionService.DescribeProjects",
        },
    )
    auth = SigV4Auth(Credentials(key_id, secret), "rekognition", "us-east-1")
    if when is None:
        auth.add_auth(request)
    else:
        stamp = when.strftime("%Y%m%dT%H%M%SZ")
        request.context["timestamp"] = stamp
        request.headers["X-Amz-Date"] = stamp
        auth._inject_signature_to_request(  # botocore's own, at a time of our choosing
            request,
            auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request),
        )
    return dict(request.headers.items())


def _post(compat: Compat, headers: dict[str, str], body: bytes) -> httpx.Response:
    return httpx.post(compat.url + "/", headers=headers, content=body)


def test_a_signed_request_of_our_key_is_answered(compat: Compat) -> None:
    key_id, secret = _key(compat)
    body = b"{}"
    answer = _post(compat, _signed(compat, key_id, secret, body), body)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"ProjectDescriptions": []}
    # The key's last use shows beside it, as for REST: a key scripts use is not "unused".
    (listed,) = [k for k in api_keys.list_keys(compat.ctx) if k.access_key_id == key_id]
    assert listed.last_used_at is not None


def test_a_wrong_secret_is_an_invalid_signature(compat: Compat, error_of: Any) -> None:
    key_id, _ = _key(compat)
    with pytest.raises(ClientError) as caught:
        compat.client_with(key_id, "x" * 40).describe_projects()
    assert error_of(caught.value) == "InvalidSignatureException"


def test_an_unknown_key_is_an_unrecognized_client(compat: Compat, error_of: Any) -> None:
    with pytest.raises(ClientError) as caught:
        compat.client_with("AKCLNOSUCHKEY0000000", "x" * 40).describe_projects()
    assert error_of(caught.value) == "UnrecognizedClientException"


def test_an_altered_body_is_an_invalid_signature(compat: Compat) -> None:
    key_id, secret = _key(compat)
    headers = _signed(compat, key_id, secret, b'{"MaxResults": 5}')
    answer = _post(compat, headers, b'{"MaxResults": 6}')
    assert answer.status_code == 400
    assert answer.json()["__type"] == "InvalidSignatureException"


def test_an_altered_signed_header_is_an_invalid_signature(compat: Compat) -> None:
    key_id, secret = _key(compat)
    headers = _signed(compat, key_id, secret, b"{}")
    headers["X-Amz-Target"] = "RekognitionService.CreateProject"
    answer = _post(compat, headers, b"{}")
    assert answer.json()["__type"] == "InvalidSignatureException"


@pytest.mark.parametrize("skew", [timedelta(minutes=-16), timedelta(minutes=16)])
def test_a_date_more_than_15_minutes_off_is_refused(compat: Compat, skew: timedelta) -> None:
    key_id, secret = _key(compat)
    headers = _signed(compat, key_id, secret, b"{}", when=datetime.now(UTC) + skew)
    answer = _post(compat, headers, b"{}")
    assert answer.json()["__type"] == "InvalidSignatureException"
    assert (
        "Signature expired" in answer.json()["Message"]
        or "not yet current" in answer.json()["Message"]
    )


def test_a_date_14_minutes_off_is_accepted(compat: Compat) -> None:
    key_id, secret = _key(compat)
    headers = _signed(compat, key_id, secret, b"{}", when=datetime.now(UTC) - timedelta(minutes=14))
    assert _post(compat, headers, b"{}").status_code == 200


def test_an_unsigned_request_is_refused(compat: Compat, error_of: Any) -> None:
    with pytest.raises(ClientError) as caught:
        compat.client_with("a", "b", signature_version=UNSIGNED).describe_projects()
    assert error_of(caught.value) == "MissingAuthenticationTokenException"


def test_the_key_users_role_decides_what_it_may_do(compat: Compat, error_of: Any) -> None:
    viewer = compat.client("vera", "viewer")
    assert viewer.describe_projects()["ProjectDescriptions"] == []
    with pytest.raises(ClientError) as caught:
        viewer.create_project(ProjectName="nope")
    assert error_of(caught.value) == "AccessDeniedException"
