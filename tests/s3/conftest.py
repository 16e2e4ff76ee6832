"""A real S3 protocol server on loopback: moto's ThreadedMotoServer on 127.0.0.1, a free port
(``moto_endpoint`` and ``aws_env`` in tests/conftest.py, shared with the storage tests).

The code under test talks to it through boto3 with an endpoint URL (AWS_ENDPOINT_URL), as it
would to AWS or MinIO; nothing of boto3 is patched. Each test gets its own buckets (unique
names), dummy credentials set through monkeypatch, and fast retries.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config

from customlabels.services.context import Context


@pytest.fixture
def s3(aws_env: str) -> Any:
    """The test's own boto3 client, for setting buckets up and looking at them."""
    return boto3.client(
        "s3",
        endpoint_url=aws_env,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, max_pool_connections=32),
    )


@pytest.fixture
def new_bucket(s3: Any) -> Callable[[], str]:
    """Makes an empty bucket with a name no other test uses."""

    def make(prefix: str = "cl") -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        s3.create_bucket(Bucket=name)
        return name

    return make


@pytest.fixture
def s3ctx(ctx: Context, aws_env: str, monkeypatch: pytest.MonkeyPatch) -> Context:
    """The ``ctx`` fixture (SQLite and PostgreSQL) with S3 retries fast enough for tests."""
    monkeypatch.setattr(ctx.settings, "s3_retry_base_delay_s", 0.01)
    monkeypatch.setattr(ctx.settings, "s3_max_attempts", 3)
    return ctx
