"""Run the real ``customlabels`` executable, and a dataset made once per module.

Each run of the executable costs most of a second (imports), so the read-only tests share
one data dir made once, and the tests that change things work on a copy of it.
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

EXECUTABLE = Path(sys.executable).with_name("customlabels")

Cli = Callable[..., subprocess.CompletedProcess[str]]


def _run(
    *args: str | Path,
    data_dir: Path | None = None,
    env: dict[str, str] | None = None,
    ok: bool | None = True,
) -> subprocess.CompletedProcess[str]:
    command = [str(EXECUTABLE), *(str(a) for a in args)]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMLABELS_")} | (
        env or {}
    )
    done = subprocess.run(
        command, capture_output=True, text=True, env=full_env, timeout=120, check=False
    )
    if ok is True:
        assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    elif ok is False:
        assert done.returncode != 0, f"{command} succeeded:\n{done.stdout}"
    return done


@pytest.fixture(scope="session")
def cli() -> Cli:
    """``cli(*args, data_dir=..., env=..., ok=True|False|None)`` runs the executable."""
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
    def open_data(data_dir: Path, database_url: str | None = None) -> Iterator[Context]:
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


@pytest.fixture(scope="session")
def shoes_dir(tmp_path_factory: pytest.TempPathFactory, photo_folder: Path) -> Path:
    """A data dir with project ``shoes`` whose TRAIN dataset is ``photo_folder``, labelled."""
    data_dir = tmp_path_factory.mktemp("shoes-data")
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
def shoes_copy(shoes_dir: Path, tmp_path: Path) -> Path:
    """A private copy of ``shoes_dir`` for a test that changes it."""
    copy = tmp_path / "data"
    shutil.copytree(shoes_dir, copy)
    return copy
