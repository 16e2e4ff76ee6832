"""The web console in a real browser: Debian's Chromium driven by Playwright (Python).

Each test gets the real app on 127.0.0.1 (a free port, uvicorn on a thread, a fresh data
dir, the job consumer running as ``customlabels serve`` runs it) and a fresh browser
context. The console must have been built into the package (``make test`` does it).
Screenshots of every screen go to ``$CUSTOMLABELS_SCREENSHOTS`` or the session's tmp folder.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from tests.accounts import ensure_user, key_headers
from tests.app_server import serve_app
from tests.conftest import SHARED_DATASETS

from customlabels.api.auth import CSRF_COOKIE, SESSION_COOKIE
from customlabels.api.console_static import STATIC_DIR
from customlabels.config import Settings
from customlabels.services import web_sessions
from customlabels.services.context import Context, open_context

CHROMIUM = os.environ.get("CUSTOMLABELS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_chromium(playwright: Any) -> Browser:
    assert Path(CHROMIUM).exists(), (
        f"Chromium is missing at {CHROMIUM}: `make test` installs it (scripts/test-services)"
    )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert (STATIC_DIR / "index.html").is_file(), (
        "the console is not built: run `make test` (or `npm ci && npm run build` in web/)"
    )
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@dataclass
class Server:
    url: str
    api: httpx.Client
    ctx: Context  # the app's own, for fixtures built through the service functions

    def wait_job(self, job: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            current = self.api.get(f"/jobs/{job['id']}").json()
            if current["status"] in ("SUCCEEDED", "FAILED"):
                assert current["status"] == "SUCCEEDED", current
                return current
            time.sleep(0.1)
        raise AssertionError(f"job {job['id']} did not finish in {timeout} s")

    def folder_dataset(self, project: str, folder: Path, folder_labels: bool = True) -> None:
        """A project whose TRAIN dataset is ``folder`` (read in place), made through the API."""
        self.api.post("/projects", json={"name": project}).raise_for_status()
        source = {"kind": "folder", "path": str(folder), "folder_labels": folder_labels}
        response = self.api.post(f"/projects/{project}/datasets/train", json={"source": source})
        assert response.status_code == 202, response.text
        self.wait_job(response.json())

    def entries(self, project: str, **params: Any) -> list[dict[str, Any]]:
        response = self.api.get(
            f"/projects/{project}/datasets/train/entries", params={"limit": 1000, **params}
        )
        response.raise_for_status()
        return response.json()["items"]


def start_server(data_dir: Path, server_paths: Path) -> Iterator[Server]:
    """The app as ``customlabels serve`` runs it, on a thread; stopped when the caller is done.

    Its REST API may read the shared photos and read and write under ``server_paths``.
    """
    settings = Settings(
        data_dir=data_dir, import_roots=[server_paths, SHARED_DATASETS], export_root=server_paths
    )
    ctx = open_context(settings)
    with (
        serve_app(ctx, lifespan="off") as url,
        httpx.Client(base_url=url + "/api/v1", timeout=60, headers=key_headers(ctx)) as client,
    ):
        yield Server(url, client, ctx)
    ctx.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    yield from start_server(tmp_path / "data", tmp_path)


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(base_url=server.url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    sign_in_as(context, server, "admin")
    page = context.new_page()
    yield page
    context.close()


def sign_in_as(context: BrowserContext, server: Server, name: str, role: str = "admin") -> None:
    """Give the browser the cookies of a session of ``name``, as signing in would."""
    ensure_user(server.ctx, name, role)
    session = web_sessions.start_session_for(server.ctx, name)
    context.add_cookies(
        [
            {"name": SESSION_COOKIE, "value": session.token, "url": server.url, "httpOnly": True},
            {"name": CSRF_COOKIE, "value": session.csrf_token, "url": server.url},
        ]
    )


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("CUSTOMLABELS_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("console-screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def shoot(screenshot_dir: Path) -> Callable[[Page, str], Path]:
    def take(page: Page, name: str) -> Path:
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return take


@pytest.fixture
def shoes(shared_datasets: Path) -> Path:
    """The shared shoe photos: two label folders (read in place, never copied)."""
    return shared_datasets / "shoes" / "train"


def copy_images(source: Path, target: Path, count: int) -> Path:
    """``count`` photos of ``source`` flat in ``target`` (for tests that need unlabelled ones)."""
    target.mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(sorted(source.rglob("*.jpg"))[:count]):
        shutil.copy(path, target / f"{i:03d}.jpg")
    return target
