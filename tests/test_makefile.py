"""``make run`` listens where the user says; ``make shell`` puts the CLI on PATH."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="no make on this machine")


def _dry_run(*args: str) -> str:
    """What ``make -n`` would run: prints the recipes, runs none of them."""
    done = subprocess.run(
        ["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def test_make_run_serves_on_the_host_and_port_given() -> None:
    assert "serve --demo --host 0.0.0.0 --port 8010" in _dry_run("run", "HOST=0.0.0.0", "PORT=8010")


def test_make_run_serves_on_loopback_port_8000_by_default() -> None:
    assert "serve --demo --host 127.0.0.1 --port 8000" in _dry_run("run")


def test_make_shell_starts_a_shell_with_the_virtualenv_first_on_path() -> None:
    assert 'PATH="' + str(ROOT / ".venv" / "bin") + ':$PATH"' in _dry_run("shell")
