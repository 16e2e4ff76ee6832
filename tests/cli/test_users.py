"""``customlabels user ...``, ``key ...``, ``project grant``, the masked secret settings,
and the first admin that ``serve`` makes on a new data dir."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from customlabels.services import api_keys, project_access, web_sessions

from .conftest import EXECUTABLE
from .helpers import DataDir
from .served import environment, free_port, wait_for

PASSWORD = "a long enough password"


def test_users_keys_and_grants_from_the_command_line(cli, opened, empty_dir: DataDir) -> None:
    made = cli(
        "user", "create", "ana", "--role", "editor", "--password-stdin", "--json",
        data_dir=empty_dir, stdin=PASSWORD + "\n",
    )  # fmt: skip
    created = json.loads(made.stdout)
    assert created["UserName"] == "ana" and created["Role"] == "editor"
    assert created["HasPassword"] is True
    with opened(empty_dir) as ctx:
        # The password read from standard input (without its newline) signs in.
        assert web_sessions.sign_in(ctx, "ana", PASSWORD).principal.name == "ana"

    listed = json.loads(cli("user", "list", "--json", data_dir=empty_dir).stdout)
    assert [(u["UserName"], u["Role"]) for u in listed["Users"]] == [("ana", "editor")]

    assert "ana is now viewer" in cli("user", "role", "ana", "viewer", data_dir=empty_dir).stdout

    key = json.loads(cli("key", "create", "ana", "--json", data_dir=empty_dir).stdout)
    assert set(key) == {"AccessKeyId", "SecretAccessKey"}
    keys = cli("key", "list", "ana", "--json", data_dir=empty_dir).stdout
    assert [k["AccessKeyId"] for k in json.loads(keys)["AccessKeys"]] == [key["AccessKeyId"]]
    assert key["SecretAccessKey"] not in keys  # a secret is shown once, when made
    with opened(empty_dir) as ctx:
        owner = api_keys.principal_of_key(ctx, key["AccessKeyId"], key["SecretAccessKey"])
        assert owner is not None and (owner.name, owner.role.value) == ("ana", "viewer")

    cli("project", "create", "fields", data_dir=empty_dir)
    granted = cli("project", "grant", "fields", "ana", "--role", "annotator", data_dir=empty_dir)
    assert "ana is annotator on fields" in granted.stdout
    with opened(empty_dir) as ctx:
        _, members = project_access.members(ctx, "fields")
        assert [(m.user, m.role.value) for m in members] == [("ana", "annotator")]

    assert key["AccessKeyId"] in cli("key", "revoke", key["AccessKeyId"], data_dir=empty_dir).stdout
    with opened(empty_dir) as ctx:
        assert api_keys.principal_of_key(ctx, key["AccessKeyId"], key["SecretAccessKey"]) is None

    cli("user", "delete", "ana", data_dir=empty_dir)
    listed = json.loads(cli("user", "list", "--json", data_dir=empty_dir).stdout)
    assert listed["Users"] == []


def test_bad_input_is_one_clear_line_and_exit_1(cli, opened, empty_dir: DataDir) -> None:
    bad_role = cli(
        "user", "create", "bo", "--role", "overlord", "--password-stdin",
        data_dir=empty_dir, stdin=PASSWORD + "\n", ok=False,
    )  # fmt: skip
    assert bad_role.returncode == 1
    assert "unknown role 'overlord'" in bad_role.stderr
    assert "viewer, annotator, editor, admin" in bad_role.stderr
    assert "Traceback" not in bad_role.stderr
    short = cli(
        "user", "create", "bo", "--role", "viewer", "--password-stdin",
        data_dir=empty_dir, stdin="short\n", ok=False,
    )  # fmt: skip
    assert short.returncode == 1 and "password must have 8" in short.stderr
    with opened(empty_dir) as ctx:
        from customlabels.services import accounts

        assert accounts.list_users(ctx) == []  # neither was made
    # The last admin stays.
    cli("user", "create", "root", "--role", "admin", "--no-password", data_dir=empty_dir)
    last = cli("user", "delete", "root", data_dir=empty_dir, ok=False)
    assert last.returncode == 1 and "last admin" in last.stderr
    demoted = cli("user", "role", "root", "viewer", data_dir=empty_dir, ok=False)
    assert demoted.returncode == 1 and "last admin" in demoted.stderr
    grant = cli("project", "grant", "nowhere", "root", data_dir=empty_dir, ok=False)
    assert grant.returncode == 1 and "no project 'nowhere'" in grant.stderr


def test_the_settings_command_masks_the_secret_key_and_admin_password(cli, tmp_path: Path) -> None:
    env = {
        "CUSTOMLABELS_SECRET_KEY": "key-that-must-stay-hidden",
        "CUSTOMLABELS_ADMIN_PASSWORD": "password-that-must-stay-hidden",
    }
    shown = cli("settings", data_dir=tmp_path, env=env).stdout
    assert "must-stay-hidden" not in shown
    assert "CUSTOMLABELS_SECRET_KEY=***" in shown
    assert "CUSTOMLABELS_ADMIN_PASSWORD=***" in shown
    # Unset, they say so (no mask that suggests a value).
    unset = cli("settings", data_dir=tmp_path).stdout
    assert "CUSTOMLABELS_SECRET_KEY=\t" in unset


class Serving:
    """``customlabels serve`` on a data dir, its standard output read line by line."""

    def __init__(self, data_dir: DataDir, log: Path) -> None:
        self.port = free_port()
        env = environment(data_dir.path) | data_dir.environment()
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [str(EXECUTABLE), "serve", "--port", str(self.port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.url = f"http://127.0.0.1:{self.port}"
        wait_for(self._ready, 60, "the server did not start")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def _ready(self) -> bool:
        assert self.process.poll() is None, "the server exited"
        try:
            return httpx.get(self.url + "/api/v1/health", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def output(self) -> str:
        time.sleep(0.2)  # what was printed before the server answered has been read
        found = []
        while not self.lines.empty():
            found.append(self.lines.get())
        return "".join(found)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(5)
        assert self.process.stdout is not None
        self.process.stdout.close()
        self.log.close()


@pytest.fixture
def serving(tmp_path: Path):
    started: list[Serving] = []

    def start(data_dir: DataDir) -> Serving:
        started.append(Serving(data_dir, tmp_path / f"serve-{len(started)}.log"))
        return started[-1]

    yield start
    for server in started:
        if server.process.poll() is None:
            server.stop()


def test_serve_on_a_new_data_dir_prints_the_first_admin_password_once(
    serving, empty_dir: DataDir
) -> None:
    first = serving(empty_dir)
    printed = first.output()
    marker = "sign in as 'admin' with the password "
    assert marker in printed, printed
    password = printed.split(marker, 1)[1].split()[0]
    assert len(password) >= 12
    signed = httpx.post(
        first.url + "/api/v1/session", json={"name": "admin", "password": password}, timeout=30
    )
    assert signed.status_code == 200, signed.text
    assert signed.json()["role"] == "admin"
    first.stop()
    again = serving(empty_dir).output()
    assert password not in again  # shown that once only
    assert "sign in with your account" in again
