"""Run the real ``customlabels`` executable, and a dataset made once per database.

Each run of the executable costs most of a second (imports), so the read-only tests share
one data dir made once, and the tests that change things work on a copy of it. Every test
of a data dir runs twice: with its SQLite file, and with a PostgreSQL database of its own
(``CUSTOMLABELS_DATABASE_URL``), copied as a template for the tests that change it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from customlabels.config import Settings
from customlabels.services.context import Context, open_context

from .helpers import DataDir

EXECUTABLE = Path(sys.executable).with_name("customlabels")

Cli = Callable[..., subprocess.CompletedProcess[str]]


def _run(
    *args: str | Path,
    data_dir: DataDir | Path | None = None,
    env: dict[str, str] | None = None,
    ok: bool | None = True,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    command = [str(EXECUTABLE), *(str(a) for a in args)]
    database: dict[str, str] = {}
    if isinstance(data_dir, DataDir):
        command += ["--data-dir", str(data_dir.path)]
        if data_dir.database_url:
            database = {"CUSTOMLABELS_DATABASE_URL": data_dir.database_url}
    elif data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    full_env = (
        {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMLABELS_")}
        | database
        | (env or {})
    )
    done = subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
    )
    if ok is True:
        assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    elif ok is False:
        assert done.returncode != 0, f"{command} succeeded:\n{done.stdout}"
    return done


@pytest.fixture(scope="session")
def cli() -> Cli:
    """``cli(*args, data_dir=..., env=..., ok=True|False|None, stdin=None)`` runs the
    executable (``stdin``: what it reads from standard input)."""
    assert EXECUTABLE.exists(), f"no customlabels executable beside {sys.executable}"
    return _run


@pytest.fixture(scope="session")
def cli_all() -> Callable[..., list[subprocess.CompletedProcess[str]]]:
    """Run several read-only commands at once: ``cli_all([args, ...], data_dir=...)``."""

    def run_all(
        commands: list[list[str | Path]], **options: Any
    ) -> list[subprocess.CompletedProcess[str]]:
        with ThreadPoolExecutor(max_workers=6) as pool:
            return list(pool.map(lambda args: _run(*args, **options), commands))

    return run_all


@pytest.fixture(scope="session")
def opened() -> Callable[..., AbstractContextManager[Context]]:
    """``with opened(data_dir) as ctx:`` reads what the commands wrote, in this process."""

    @contextmanager
    def open_data(data_dir: DataDir | Path, database_url: str | None = None) -> Iterator[Context]:
        if isinstance(data_dir, DataDir):
            data_dir, database_url = data_dir.path, data_dir.database_url
        ctx = open_context(Settings(data_dir=data_dir, database_url=database_url))
        try:
            yield ctx
        finally:
            ctx.close()

    return open_data


@pytest.fixture(scope="session")
def photo_folder(tmp_path_factory: pytest.TempPathFactory, shared_datasets: Path) -> Path:
    """The 50 shoe photos in two label folders, one unlabelled photo and one broken file."""
    folder = tmp_path_factory.mktemp("photos") / "shoes"
    shutil.copytree(shared_datasets / "shoes" / "train", folder)
    (folder / "train.manifest").unlink()
    shutil.copy(folder / "canvasshoes" / "1.jpg", folder / "loose.jpg")
    (folder / "canvasshoes" / "broken.jpg").write_bytes(b"this is not a JPEG")
    return folder


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> str:
    """The kind of database the data dirs of a test use: each test of them runs on both."""
    return str(request.param)


def _new_data_dir(
    request: pytest.FixtureRequest, database: str, path: Path, copy_of: DataDir | None = None
) -> DataDir:
    """A data dir at ``path`` on a ``database`` of its own (a copy of ``copy_of``'s)."""
    if database == "sqlite":
        return DataDir(path)
    make = request.getfixturevalue("new_postgres_database")
    return DataDir(path, make(copy_of.database_url if copy_of else None))


@pytest.fixture
def empty_dir(request: pytest.FixtureRequest, database: str, tmp_path: Path) -> DataDir:
    """A data dir with nothing in it yet (and an empty database)."""
    return _new_data_dir(request, database, tmp_path / "empty")


@pytest.fixture(scope="session")
def shoes_dir(
    request: pytest.FixtureRequest,
    database: str,
    tmp_path_factory: pytest.TempPathFactory,
    photo_folder: Path,
) -> DataDir:
    """A data dir with project ``shoes`` whose TRAIN dataset is ``photo_folder``, labelled."""
    data_dir = _new_data_dir(request, database, tmp_path_factory.mktemp(f"shoes-{database}"))
    _run("project", "create", "shoes", data_dir=data_dir)
    _run(
        "dataset",
        "create",
        "shoes",
        "train",
        "--from-folder",
        photo_folder,
        "--folder-labels",
        data_dir=data_dir,
    )
    return data_dir


@pytest.fixture
def shoes_copy(
    request: pytest.FixtureRequest, database: str, shoes_dir: DataDir, tmp_path: Path
) -> DataDir:
    """A private copy of ``shoes_dir`` (its files, and its database) for a test that changes it."""
    copy = _new_data_dir(request, database, tmp_path / "data", copy_of=shoes_dir)
    shutil.copytree(shoes_dir.path, copy.path)
    return copy
