"""A real S3 protocol server on loopback: moto's ThreadedMotoServer on 127.0.0.1, a free port.

The code under test talks to it through boto3 with an endpoint URL (AWS_ENDPOINT_URL), as it
would to AWS or MinIO; nothing of boto3 is patched. Each test gets its own buckets (unique
names), dummy credentials set through monkeypatch, and fast retries.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from customlabels.services.context import Context


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """http://127.0.0.1:<port> of a moto server started for this test session."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> str:
    """Dummy credentials and the endpoint, in the environment boto3's chain reads."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    # Nothing from this machine's own AWS set-up may leak in.
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    return moto_endpoint


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
