"""Faults: throttling and dropped connections (retried), access denied (reported)."""

from __future__ import annotations

import json
import urllib.request
import uuid

import boto3
import pytest
from botocore.config import Config

from .faulty_proxy import faulty_proxy
from .helpers import by_ref, create, jpeg, png, put


def test_throttled_and_dropped_downloads_are_retried_then_an_entry_error_after_the_last_try(
    s3ctx, s3, new_bucket, moto_endpoint, monkeypatch
):
    bucket = new_bucket()
    put(
        s3,
        bucket,
        {
            "good.jpg": jpeg((1, 1, 1)),
            "throttled.jpg": jpeg((2, 2, 2)),
            "flaky.png": png((3, 3, 3)),
            "dead.jpg": jpeg((4, 4, 4)),
        },
    )
    plan = {
        "throttled.jpg": ["slowdown", "slowdown"],
        "flaky.png": ["drop", "drop"],
        "dead.jpg": ["always-drop"],
    }
    with faulty_proxy(moto_endpoint, plan) as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        job = create(s3ctx, {"kind": "s3", "uri": f"s3://{bucket}/"})

    assert job.status == "SUCCEEDED", job.message
    found = by_ref(s3ctx)
    for name in ("good.jpg", "throttled.jpg", "flaky.png"):
        view = found[f"s3://{bucket}/{name}"]
        assert view.asset is not None and not view.has_errors, (name, view.issues)
    dead = found[f"s3://{bucket}/dead.jpg"]
    assert dead.has_errors and dead.asset is None
    message = dead.issues[0]["message"]
    assert dead.issues[0]["code"] == "ERROR_INVALID_IMAGE"
    assert "cannot download" in message and "gave up after 3 attempts" in message


@pytest.fixture
def restricted(s3, new_bucket, moto_endpoint, monkeypatch):
    """Buckets, and credentials of a user who may not list one nor read secret/ in another.

    moto checks IAM policies once its auth is switched on (its /moto-api/reset-auth); the
    buckets are filled first, with the dummy credentials, and auth is switched off at the end.
    """
    open_bucket, locked = new_bucket("open"), new_bucket("locked")
    put(s3, open_bucket, {"pub/a.jpg": jpeg(), "secret/b.jpg": jpeg((5, 5, 5))})
    put(s3, locked, {"c.jpg": jpeg()})
    iam = boto3.client("iam", endpoint_url=moto_endpoint, region_name="us-east-1", config=Config())
    user = f"reader-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=user)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{open_bucket}/secret/*",
            },
            {"Effect": "Deny", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{locked}"},
        ],
    }
    iam.put_user_policy(UserName=user, PolicyName="limited", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    _auth(moto_endpoint, "0")
    try:
        yield open_bucket, locked, key["SecretAccessKey"]
    finally:
        _auth(moto_endpoint, "inf")


def _auth(endpoint: str, count: str) -> None:
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth",
        data=count.encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},  # a form body would reach moto empty
    )
    urllib.request.urlopen(request).read()


def test_access_denied_on_single_objects_is_an_entry_error_and_on_the_bucket_a_job_error(
    s3ctx, restricted
):
    open_bucket, locked, secret = restricted
    job = create(s3ctx, {"kind": "s3", "uri": f"s3://{open_bucket}/"})
    assert job.status == "SUCCEEDED", job.message
    found = by_ref(s3ctx)
    assert found[f"s3://{open_bucket}/pub/a.jpg"].asset is not None
    denied = found[f"s3://{open_bucket}/secret/b.jpg"]
    assert denied.asset is None and "AccessDenied" in denied.issues[0]["message"]

    failed = create(s3ctx, {"kind": "s3", "uri": f"s3://{locked}/"}, project="q")
    assert failed.status == "FAILED"
    assert "AccessDenied" in failed.message and locked in failed.message
    assert secret not in failed.message and secret not in denied.issues[0]["message"]
