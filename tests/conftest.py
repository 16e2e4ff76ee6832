"""Shared fixtures: a service context on SQLite and on PostgreSQL, and real test images.

Database tests take the ``ctx`` fixture, which runs each test once on a fresh SQLite file
and once on the PostgreSQL server of this machine (127.0.0.1:5432, trust auth; .ci/run
starts it). PostgreSQL being down is a failure, not a skip.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from customlabels.config import Settings
from customlabels.db.tables import Base
from customlabels.services.context import Context, open_context

POSTGRES_ADMIN_URL = os.environ.get(
    "CUSTOMLABELS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# The one setting that says where the real photos are; by default the `shared/datasets`
# folder beside the checkout, which a user's clone does not have.
SHARED_DATASETS_SETTING = "CUSTOMLABELS_TEST_DATASETS"
SHARED_DATASETS = Path(
    os.environ.get(SHARED_DATASETS_SETTING)
    or Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    name = f"customlabels_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def new_postgres_database(postgres_url: str) -> Iterator[Callable[..., str]]:
    """``new_postgres_database(copy_of=None)``: the URL of another database on the server of
    ``postgres_url``, empty or a copy of the database at ``copy_of``; all dropped at the end.

    For servers of their own (the API, the CLI's data dirs): the ``ctx`` fixture empties
    the database of ``postgres_url`` before each test.
    """
    made: list[str] = []

    def make(copy_of: str | None = None) -> str:
        name = f"{postgres_url.rsplit('/', 1)[1]}_{len(made) + 1}"
        template = f' TEMPLATE "{copy_of.rsplit("/", 1)[1]}"' if copy_of else ""
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{template}')
        made.append(name)
        return f"{postgres_url.rsplit('/', 1)[0]}/{name}"

    yield make
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_ctx_once(
    postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Context]:
    data_dir = tmp_path_factory.mktemp("pg-data")
    ctx = open_context(
        Settings(data_dir=data_dir, database_url=postgres_url, storage_url="memory://")
    )
    yield ctx
    ctx.close()


def _empty_postgres(ctx: Context) -> None:
    ctx.auth_cache.clear()  # ids restart: what one test's users were is not the next's
    tables = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))
    with ctx.db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    """A service context on an empty database of each kind, with an in-memory image store."""
    if request.param == "sqlite":
        context = open_context(Settings(data_dir=tmp_path / "data", storage_url="memory://"))
        yield context
        context.close()
        return
    context = request.getfixturevalue("postgres_ctx_once")
    context.settings.data_dir = tmp_path / "data"
    context.settings.data_dir.mkdir(parents=True, exist_ok=True)
    _empty_postgres(context)
    from customlabels.storage.memory import MemoryBlobStore

    context.blobs = MemoryBlobStore()
    yield context


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """http://127.0.0.1:<port> of a real S3 protocol server (moto's) for this test session."""
    from moto.server import ThreadedMotoServer  # only sessions that test S3 pay its import

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
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
def sqlite_ctx(tmp_path: Path) -> Iterator[Context]:
    """SQLite only, with a local image store: for tests about files on disk."""
    context = open_context(Settings(data_dir=tmp_path / "data"))
    yield context
    context.close()


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """The real photos of ../shared/datasets (read in place, never copied into the repo).

    A user's clone has no such folder: its tests skip with the reason. In CI (``CI=true``)
    the folder is part of the set-up, so its absence fails them instead of hiding them.
    """
    if not SHARED_DATASETS.is_dir():
        reason = (
            f"real photos not found at {SHARED_DATASETS} "
            f"(set {SHARED_DATASETS_SETTING} to the shared datasets folder)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return SHARED_DATASETS
