"""The real app on a loopback port, and the real boto3 Rekognition client pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from tests.accounts import ensure_user
from tests.app_server import serve_app

from customlabels.config import Settings
from customlabels.services import api_keys
from customlabels.services.context import Context, open_context


@dataclass
class Compat:
    url: str
    ctx: Context

    def client(self, user: str = "admin", role: str = "admin", **config: Any) -> Any:
        """A boto3 Rekognition client signing with a new key of ``user``."""
        ensure_user(self.ctx, user, role)
        key = api_keys.create_key(self.ctx, user)
        return self.client_with(key.access_key_id, key.secret_access_key, **config)

    def client_with(self, key_id: str, secret: str, **config: Any) -> Any:
        return boto3.client(
            "rekognition",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": 1}, **config),
        )


@pytest.fixture
def compat(tmp_path: Path) -> Iterator[Compat]:
    ctx = open_context(Settings(data_dir=tmp_path / "data"))
    with serve_app(ctx) as url:
        yield Compat(url, ctx)
    ctx.close()


@pytest.fixture
def rekognition(compat: Compat) -> Any:
    return compat.client()


@pytest.fixture
def error_of() -> Callable[[Exception], str]:
    def code(exc: Exception) -> str:
        return str(exc.response["Error"]["Code"])  # type: ignore[attr-defined]

    return code


@pytest.fixture
def s3(aws_env: str, compat: Compat, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A client of moto's S3 server, which the served app reads with its own settings."""
    monkeypatch.setattr(compat.ctx.settings, "s3_retry_base_delay_s", 0.01)
    monkeypatch.setattr(compat.ctx.settings, "s3_max_attempts", 2)
    return boto3.client(
        "s3",
        endpoint_url=aws_env,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )
