"""Fixtures of the model tests: the app served over a data dir of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from tests.accounts import key_headers
from tests.app_server import serve_app

from customlabels.config import Settings
from customlabels.services.context import Context, open_context


@dataclass
class Served:
    client: httpx.Client
    ctx: Context


@pytest.fixture
def served(tmp_path) -> Iterator[Served]:
    """customlabels on a loopback port over SQLite and a local store, with its worker."""
    ctx = open_context(Settings(data_dir=tmp_path / "data"))
    with (
        serve_app(ctx) as base_url,
        httpx.Client(base_url=f"{base_url}/api/v1", timeout=60, headers=key_headers(ctx)) as client,
    ):
        yield Served(client, ctx)
    ctx.close()
