"""Every route of the app answers as its access rule says, to each role and to nobody.

The routes come from the app's own OpenAPI schema, so a route added without a rule in
``api/route_rules.py`` fails here (the app refuses it to everyone, and this test says so).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from tests.accounts import ensure_user, key_headers

from customlabels.api.route_rules import RULES, Scope, rule_for
from customlabels.app import create_app
from customlabels.config import Settings
from customlabels.jobs.queue import open_queue
from customlabels.services import labels, project_access, projects
from customlabels.services.context import Context, open_context
from customlabels.services.imports import uploads
from customlabels.services.roles import Role, at_least

PREFIX = "/api/v1"
ROLES = [Role.VIEWER, Role.ANNOTATOR, Role.EDITOR, Role.ADMIN]


@pytest.fixture(scope="module")
def app_ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    ctx = open_context(Settings(data_dir=tmp_path_factory.mktemp("rules"), storage_url="memory://"))
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def client(app_ctx: Context) -> Iterator[TestClient]:
    # No job consumer: a training or import a role may start stays queued, harming nothing.
    app = create_app(app_ctx, open_queue(None, app_ctx.settings.data_dir))
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        yield c


def _routes(client: TestClient, headers: dict[str, str]) -> list[tuple[str, str]]:
    schema = client.get("/openapi.json", headers=headers).json()
    found = [
        (method.upper(), path.removeprefix(PREFIX))
        for path, operations in schema["paths"].items()
        for method in operations
    ]
    # Deletes last: they may remove what the other requests of the walk name.
    return sorted(found, key=lambda r: r[0] == "DELETE")


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 90, 160)).save(out, "JPEG")
    return out.getvalue()


def _project_for(ctx: Context, who: str) -> tuple[str, int]:
    """A project of the walk's own, with one labelled entry; the annotator is given it."""
    name = f"walk-{who}"
    projects.create_project(ctx, name)
    uploads.upload_files(
        ctx, name, "train", [uploads.UploadedFile("a/x.jpg", _jpeg())], folder_labels=True
    )
    if who == Role.ANNOTATOR:
        project_access.grant(ctx, name, who, "annotator")
    with ctx.db.read() as session:
        from customlabels.db.tables import Entry

        entry_id = session.query(Entry.id).order_by(Entry.id.desc()).limit(1).scalar()
    assert labels.list_labels(ctx, name)
    return name, int(entry_id)


def _url(path: str, project: str, entry_id: int, user: str) -> str:
    values = {
        "project": project,
        "dataset_type": "train",
        "entry_id": str(entry_id),
        "name": user if path.startswith("/users") else "a",
        "user": user,
        "version": "no-such-version",
        "job_id": "999999",
        "session": "999999",  # an upload session (its job id) that doesn't exist
        "sha256": "0" * 64,
        "access_key_id": "AKCLNOSUCHKEY0000000",
    }
    return PREFIX + re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values[m.group(1)], path)


def test_every_route_has_a_rule_and_every_rule_a_route(
    client: TestClient, app_ctx: Context
) -> None:
    routes = set(_routes(client, key_headers(app_ctx)))
    missing = sorted(r for r in routes if rule_for(*r) is None)
    assert not missing, f"routes without an access rule in api/route_rules.py: {missing}"
    stale = sorted(set(RULES) - routes)
    assert not stale, f"rules of routes that don't exist: {stale}"


def test_nobody_gets_401_on_every_route_but_the_public_ones(
    client: TestClient, app_ctx: Context
) -> None:
    project, entry_id = _project_for(app_ctx, "nobody")
    for method, path in _routes(client, key_headers(app_ctx)):
        answer = client.request(method, _url(path, project, entry_id, "someone"))
        rule = rule_for(method, path)
        assert rule is not None
        if rule.scope == Scope.PUBLIC:
            assert answer.status_code != 401, (method, path)
        else:
            assert answer.status_code == 401, (method, path, answer.text)
            assert answer.json()["error"]["code"] == "NotAuthenticated"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_call_exactly_what_its_rules_allow(
    client: TestClient, app_ctx: Context, role: Role
) -> None:
    ensure_user(app_ctx, role.value, role.value)
    headers = key_headers(app_ctx, role.value, role.value)
    spare = f"spare-{role.value}"  # what a user delete of the walk may delete
    ensure_user(app_ctx, spare, "viewer")
    project, entry_id = _project_for(app_ctx, role.value)
    for method, path in _routes(client, headers):
        rule = rule_for(method, path)
        assert rule is not None
        user = role.value if method != "DELETE" else spare
        if rule.scope == Scope.SELF:
            allowed = role == Role.ADMIN or user == role.value
        else:
            allowed = rule.scope == Scope.PUBLIC or at_least(role, rule.role)
        answer = client.request(method, _url(path, project, entry_id, user), headers=headers)
        if allowed:
            assert answer.status_code not in (401, 403), (role, method, path, answer.text)
            assert answer.status_code < 500, (role, method, path, answer.text)
        else:
            assert answer.status_code == 403, (role, method, path, answer.status_code)
            assert answer.json()["error"]["code"] == "AccessDenied"


# Writes a viewer may make: their own session and password, their own keys, and detection,
# which reads an image and changes nothing.
VIEWER_WRITES = {
    ("POST", "/session"),
    ("DELETE", "/session"),
    ("PUT", "/session/password"),
    ("POST", "/projects/{project}/versions/{version}/detect"),
    ("POST", "/users/{name}/keys"),
    ("DELETE", "/users/{name}/keys/{access_key_id}"),
}


def test_viewers_only_read_and_only_admins_manage_users_and_storage() -> None:
    for (method, path), rule in RULES.items():
        if method != "GET" and (method, path) not in VIEWER_WRITES:
            assert rule.scope != Scope.PUBLIC and at_least(rule.role, Role.ANNOTATOR), (
                method,
                path,
            )
        if path.startswith(("/storage", "/users")) and rule.scope != Scope.SELF:
            assert rule.role == Role.ADMIN, (method, path)
        if path.endswith("/members") and method != "GET" or "/members/" in path:
            assert rule.role == Role.ADMIN, (method, path)
