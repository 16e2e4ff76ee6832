"""Accounts over the real server: signing in and out, the CSRF guard of cookie writes, API
keys, the Host guard, the docs for signed-in users only, who sees which project, the last
admin, and API key secrets kept encrypted. Each runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from tests.accounts import ensure_user, key_headers
from tests.api.conftest import PHOTOS, Served
from tests.app_server import serve_app

from customlabels.api.auth import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from customlabels.config import Settings
from customlabels.services import api_keys, project_access, projects
from customlabels.services.context import Context, open_context

PASSWORD = "correct horse battery"


@dataclass
class SignedIn:
    """A console session as the browser holds it: the two cookies."""

    session: str
    csrf: str

    def cookie(self) -> dict[str, str]:
        return {"Cookie": f"{SESSION_COOKIE}={self.session}; {CSRF_COOKIE}={self.csrf}"}

    def writing(self) -> dict[str, str]:
        """The headers of a write the console makes: the cookie and the token echoed."""
        return {**self.cookie(), CSRF_HEADER: self.csrf}


def _client(base_url: str, **headers: str) -> httpx.Client:
    return httpx.Client(base_url=base_url + "/api/v1", timeout=30, headers=headers)


def _sign_in(base_url: str, name: str, password: str) -> httpx.Response:
    with _client(base_url) as client:
        return client.post("/session", json={"name": name, "password": password})


def _signed_in(base_url: str, name: str, password: str = PASSWORD) -> SignedIn:
    answer = _sign_in(base_url, name, password)
    assert answer.status_code == 200, answer.text
    return SignedIn(answer.cookies[SESSION_COOKIE], answer.cookies[CSRF_COOKIE])


def _error(answer: httpx.Response) -> dict[str, object]:
    error: dict[str, object] = answer.json()["error"]
    return error


@pytest.fixture
def anon(served: Served) -> Iterator[httpx.Client]:
    """A client without credentials."""
    with _client(served.base_url) as client:
        yield client


# Sign-in and sign-out ---------------------------------------------------------------


def test_signing_in_sets_the_session_cookies_and_the_session_says_who(
    served: Served, anon: httpx.Client
) -> None:
    ensure_user(served.ctx, "ada", "editor", PASSWORD)
    answer = anon.post("/session", json={"name": "ada", "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"] == "ada"
    cookies = {c.split("=", 1)[0]: c.lower() for c in answer.headers.get_list("set-cookie")}
    assert set(cookies) == {SESSION_COOKIE, CSRF_COOKIE}
    session_cookie = cookies[SESSION_COOKIE]
    assert "httponly" in session_cookie and "samesite=strict" in session_cookie
    # The console's script must read the CSRF token to echo it; it is strict all the same.
    assert "httponly" not in cookies[CSRF_COOKIE]
    assert "samesite=strict" in cookies[CSRF_COOKIE]
    signed = SignedIn(answer.cookies[SESSION_COOKIE], answer.cookies[CSRF_COOKIE])
    who = anon.get("/session", headers=signed.cookie())
    assert who.status_code == 200, who.text
    assert who.json() == {"name": "ada", "role": "editor", "csrf_token": signed.csrf}


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(
    served: Served, anon: httpx.Client
) -> None:
    ensure_user(served.ctx, "bea", "viewer", PASSWORD)
    wrong = anon.post("/session", json={"name": "bea", "password": "not the password"})
    unknown = anon.post("/session", json={"name": "nobody-here", "password": PASSWORD})
    for answer in (wrong, unknown):
        assert answer.status_code == 401, answer.text
        assert _error(answer)["code"] == "SignInFailed"
        assert "set-cookie" not in answer.headers
    assert _error(wrong)["message"] == _error(unknown)["message"]


def test_after_the_free_failures_even_the_right_password_must_wait(
    served: Served, anon: httpx.Client
) -> None:
    ensure_user(served.ctx, "cleo", "viewer", PASSWORD)
    free = served.ctx.settings.signin_free_failures
    for _ in range(free):
        wrong = anon.post("/session", json={"name": "cleo", "password": "guess-guess"})
        assert wrong.status_code == 401, wrong.text
    right = anon.post("/session", json={"name": "cleo", "password": PASSWORD})
    assert right.status_code == 429, right.text
    assert _error(right)["code"] == "TooManySignIns"
    details = _error(right)["details"]
    assert isinstance(details, dict) and details["retry_after_s"] >= 1
    assert "set-cookie" not in right.headers


def test_signing_in_with_a_form_body_is_refused(served: Served, anon: httpx.Client) -> None:
    # A page of another site can post a form without asking; it must not sign anyone in.
    ensure_user(served.ctx, "dora", "viewer", PASSWORD)
    answer = anon.post("/session", data={"name": "dora", "password": PASSWORD})
    assert answer.status_code == 400, answer.text
    assert "set-cookie" not in answer.headers
    # A JSON text posted as text/plain (what a form of enctype text/plain sends) neither.
    plain = anon.post(
        "/session",
        content=f'{{"name": "dora", "password": "{PASSWORD}"}}',
        headers={"content-type": "text/plain"},
    )
    assert plain.status_code == 400, plain.text
    assert "set-cookie" not in plain.headers


def test_signing_out_ends_the_session(served: Served, anon: httpx.Client) -> None:
    ensure_user(served.ctx, "edda", "viewer", PASSWORD)
    signed = _signed_in(served.base_url, "edda")
    assert anon.get("/session", headers=signed.cookie()).status_code == 200
    out = anon.delete("/session", headers=signed.writing())
    assert out.status_code == 204, out.text
    gone = {c.split("=", 1)[0] for c in out.headers.get_list("set-cookie")}
    assert gone == {SESSION_COOKIE, CSRF_COOKIE}  # the browser forgets them
    # The old cookie, kept by someone who copied it, no longer works.
    again = anon.get("/session", headers=signed.cookie())
    assert again.status_code == 401
    assert _error(again)["code"] == "NotAuthenticated"
    assert anon.get("/projects", headers=signed.cookie()).status_code == 401


# The CSRF guard ---------------------------------------------------------------------


def test_a_signed_in_write_needs_the_csrf_token(
    served: Served, anon: httpx.Client, api: httpx.Client
) -> None:
    ensure_user(served.ctx, "finn", "editor", PASSWORD)
    signed = _signed_in(served.base_url, "finn")
    refused = anon.post("/projects", json={"name": "csrf-made"}, headers=signed.cookie())
    assert refused.status_code == 403, refused.text
    assert _error(refused)["code"] == "AccessDenied"
    assert api.get("/projects/csrf-made").status_code == 404  # nothing was made
    forged = anon.post(
        "/projects",
        json={"name": "csrf-made"},
        headers={**signed.cookie(), CSRF_HEADER: "a guess"},
    )
    assert forged.status_code == 403, forged.text
    made = anon.post("/projects", json={"name": "csrf-made"}, headers=signed.writing())
    assert made.status_code == 201, made.text
    assert api.get("/projects/csrf-made").status_code == 200


def test_a_cross_site_upload_with_the_cookie_but_no_token_is_refused(
    served: Served, anon: httpx.Client, api: httpx.Client, shared_datasets: Path
) -> None:
    ensure_user(served.ctx, "gus", "editor", PASSWORD)
    assert api.post("/projects", json={"name": "csrf-upload"}).status_code == 201
    signed = _signed_in(served.base_url, "gus")
    photo = (shared_datasets / "shoes" / "train" / PHOTOS[0]).read_bytes()
    # What a page of another site posts: a multipart form, which needs no preflight.
    answer = anon.post(
        "/projects/csrf-upload/datasets/train/uploads",
        files=[("files", ("1.jpg", photo, "image/jpeg"))],
        data={"paths": ["evil/1.jpg"], "folder_labels": "true"},
        headers={**signed.cookie(), "Origin": "http://evil.example"},
    )
    assert answer.status_code == 403, answer.text
    assert _error(answer)["code"] == "AccessDenied"
    # Nothing was written: no dataset was made for the upload.
    assert api.get("/projects/csrf-upload/datasets/train").status_code == 404


# API keys ---------------------------------------------------------------------------


def test_a_key_works_until_revoked_and_only_with_its_secret(
    served: Served, anon: httpx.Client, api: httpx.Client
) -> None:
    ensure_user(served.ctx, "hal", "viewer")
    made = api.post("/users/hal/keys")
    assert made.status_code == 201, made.text
    key_id, secret = made.json()["AccessKeyId"], made.json()["SecretAccessKey"]
    good = anon.get("/session", headers={"Authorization": f"Bearer {key_id}:{secret}"})
    assert good.status_code == 200, good.text
    assert good.json()["name"] == "hal" and good.json()["role"] == "viewer"
    # Its use is shown beside it, so that keys nobody uses can be found and revoked.
    [listed] = api.get("/users/hal/keys").json()
    assert listed["AccessKeyId"] == key_id and listed["LastUsedAt"] is not None
    wrong = anon.get("/projects", headers={"Authorization": f"Bearer {key_id}:{secret}x"})
    assert wrong.status_code == 401 and _error(wrong)["code"] == "NotAuthenticated"
    no_secret = anon.get("/projects", headers={"Authorization": f"Bearer {key_id}"})
    assert no_secret.status_code == 401
    assert api.delete(f"/users/hal/keys/{key_id}").status_code == 204
    revoked = anon.get("/projects", headers={"Authorization": f"Bearer {key_id}:{secret}"})
    assert revoked.status_code == 401 and _error(revoked)["code"] == "NotAuthenticated"


def test_a_key_secret_is_shown_once_and_kept_encrypted(served: Served, api: httpx.Client) -> None:
    ensure_user(served.ctx, "ida", "viewer")
    made = api.post("/users/ida/keys")
    assert made.status_code == 201, made.text
    key_id, secret = made.json()["AccessKeyId"], made.json()["SecretAccessKey"]
    assert made.json()["UserName"] == "ida"
    listed = api.get("/users/ida/keys")
    assert listed.status_code == 200
    assert [k["AccessKeyId"] for k in listed.json()] == [key_id]
    assert secret not in listed.text and "SecretAccessKey" not in listed.text
    with served.ctx.db.engine.connect() as conn:
        row = conn.execute(
            text("SELECT * FROM api_keys WHERE access_key_id = :id"), {"id": key_id}
        ).one()
    stored = " ".join(str(value) for value in row)
    assert secret not in stored
    # The secret can be read back for a Signature V4 check, and by nobody's key but this.
    found = api_keys.secret_of(served.ctx, key_id)
    assert found is not None
    principal, plain = found
    assert plain == secret and principal.name == "ida"
    assert api_keys.secret_of(served.ctx, "AKCLNOSUCHKEY0000000") is None


# The Host guard and the docs ---------------------------------------------------------


def test_only_the_allowed_host_names_are_answered(served: Served) -> None:
    with _client(served.base_url) as client:
        evil = client.get("/health", headers={"Host": "evil.example"})
        assert evil.status_code == 400
        port = served.base_url.rsplit(":", 1)[1]
        ours = client.get("/health", headers={"Host": f"127.0.0.1:{port}"})
        assert ours.status_code == 200, ours.text


def test_the_docs_are_for_signed_in_users(served: Served) -> None:
    with httpx.Client(base_url=served.base_url, timeout=30) as web:
        docs = web.get("/docs")
        assert docs.status_code in (302, 303, 307)
        assert docs.headers["location"].startswith("/sign-in")
        schema = web.get("/openapi.json")
        assert schema.status_code == 401
        assert _error(schema)["code"] == "NotAuthenticated"
        assert web.get("/openapi.json", headers=served.headers).status_code == 200
        assert web.get("/docs", headers=served.headers).status_code == 200


# Who sees which project ---------------------------------------------------------------


def _names(client: httpx.Client, headers: dict[str, str]) -> set[str]:
    answer = client.get("/projects", headers=headers)
    assert answer.status_code == 200, answer.text
    return {p["name"] for p in answer.json()["items"]}


def test_an_annotator_sees_only_the_projects_given_to_them(
    served: Served, anon: httpx.Client, api: httpx.Client
) -> None:
    for name in ("ann-given", "ann-other"):
        assert api.post("/projects", json={"name": name}).status_code == 201
    annotator = key_headers(served.ctx, "ivo", "annotator")
    assert "ann-given" not in _names(anon, annotator)
    granted = api.put("/projects/ann-given/members/ivo", json={"role": "annotator"})
    assert granted.status_code == 200, granted.text
    seen = _names(anon, annotator)
    assert "ann-given" in seen and "ann-other" not in seen
    assert anon.get("/projects/ann-given", headers=annotator).status_code == 200
    other = anon.get("/projects/ann-other", headers=annotator)
    assert other.status_code == 404 and _error(other)["code"] == "ProjectNotFound"
    # The console's project list shows the same projects.
    console = anon.get("/console/projects", headers=annotator)
    assert console.status_code == 200, console.text
    assert "ann-given" in console.text and "ann-other" not in console.text


def test_a_members_only_project_is_hidden_from_non_members(
    served: Served, anon: httpx.Client, api: httpx.Client
) -> None:
    assert api.post("/projects", json={"name": "secret-plans"}).status_code == 201
    limited = api.patch("/projects/secret-plans/members", json={"members_only": True})
    assert limited.status_code == 200 and limited.json()["members_only"] is True
    editor = key_headers(served.ctx, "jan", "editor")
    assert "secret-plans" not in _names(anon, editor)
    hidden = anon.get("/projects/secret-plans", headers=editor)
    missing = anon.get("/projects/no-such-project-at-all", headers=editor)
    assert hidden.status_code == missing.status_code == 404
    assert _error(hidden)["code"] == _error(missing)["code"] == "ProjectNotFound"
    # The same words, but for the name: nothing tells that the project exists.
    assert _error(hidden)["message"] == _error(missing)["message"].replace(
        "no-such-project-at-all", "secret-plans"
    )
    assert anon.delete("/projects/secret-plans", headers=editor).status_code == 404
    assert api.put("/projects/secret-plans/members/jan", json={"role": "editor"}).status_code == 200
    assert "secret-plans" in _names(anon, editor)
    assert anon.get("/projects/secret-plans", headers=editor).status_code == 200
    # A revoked grant hides it again.
    assert api.delete("/projects/secret-plans/members/jan").status_code == 200
    assert anon.get("/projects/secret-plans", headers=editor).status_code == 404


def test_project_grants_through_the_service_match_the_api(served: Served) -> None:
    projects.create_project(served.ctx, "granted-by-service")
    ensure_user(served.ctx, "kim", "annotator")
    project_access.grant(served.ctx, "granted-by-service", "kim", "viewer")
    members_only, members = project_access.members(served.ctx, "granted-by-service")
    assert not members_only
    assert [(m.user, m.role.value) for m in members] == [("kim", "viewer")]


# The last admin, on a server of its own (the shared one has admins of other tests) -------


@pytest.fixture(params=["sqlite", "postgresql"])
def lone(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    database_url = (
        request.getfixturevalue("new_postgres_database")()
        if request.param == "postgresql"
        else None
    )
    ctx: Context = open_context(Settings(data_dir=tmp_path / "data", database_url=database_url))
    with serve_app(ctx, lifespan="off") as base_url:
        yield Served(base_url, ctx, key_headers(ctx))
    ctx.close()


def test_the_last_admin_can_be_neither_deleted_nor_demoted(lone: Served) -> None:
    with _client(lone.base_url, **lone.headers) as admin:
        deleted = admin.delete("/users/admin")
        assert deleted.status_code == 409, deleted.text
        assert _error(deleted)["code"] == "ResourceInUse"
        demoted = admin.patch("/users/admin", json={"role": "editor"})
        assert demoted.status_code == 409, demoted.text
        assert admin.get("/users/admin").json()["role"] == "admin"
        # With a second admin, the first may step down; then the second is the last.
        assert admin.post("/users", json={"name": "boss", "role": "admin"}).status_code == 201
        assert admin.patch("/users/admin", json={"role": "editor"}).status_code == 200
    with _client(lone.base_url, **key_headers(lone.ctx, "boss", "admin")) as boss:
        assert boss.delete("/users/boss").status_code == 409
        assert boss.patch("/users/boss", json={"role": "viewer"}).status_code == 409
        assert boss.delete("/users/admin").status_code == 204
        assert [u["name"] for u in boss.get("/users").json()] == ["boss"]


def test_a_user_changes_their_own_password(served: Served, anon: httpx.Client) -> None:
    ensure_user(served.ctx, "lea", "viewer", PASSWORD)
    signed = _signed_in(served.base_url, "lea")
    wrong = anon.put(
        "/session/password",
        json={"current_password": "not it at all", "new_password": "a new password"},
        headers=signed.writing(),
    )
    assert wrong.status_code == 400, wrong.text
    changed = anon.put(
        "/session/password",
        json={"current_password": PASSWORD, "new_password": "a new password"},
        headers=signed.writing(),
    )
    assert changed.status_code == 204, changed.text
    assert _sign_in(served.base_url, "lea", PASSWORD).status_code == 401
    assert _sign_in(served.base_url, "lea", "a new password").status_code == 200


def test_a_deleted_user_loses_keys_sessions_and_grants_even_if_the_name_returns(
    served: Served, anon: httpx.Client, api: httpx.Client
) -> None:
    assert api.post("/projects", json={"name": "left-behind"}).status_code == 201
    ensure_user(served.ctx, "max", "annotator", PASSWORD)
    key = key_headers(served.ctx, "max", "annotator")
    signed = _signed_in(served.base_url, "max")
    assert api.put("/projects/left-behind/members/max", json={"role": "annotator"}).status_code
    assert api.delete("/users/max").status_code == 204
    assert anon.get("/session", headers=key).status_code == 401
    assert anon.get("/session", headers=signed.cookie()).status_code == 401
    # A new user of the same name starts with nothing of the old one's.
    made = api.post("/users", json={"name": "max", "role": "annotator", "password": PASSWORD})
    assert made.status_code == 201, made.text
    assert made.json()["key_count"] == 0
    assert anon.get("/session", headers=key).status_code == 401
    assert anon.get("/session", headers=signed.cookie()).status_code == 401
    assert api.get("/projects/left-behind/members").json()["members"] == []


def test_copying_a_version_needs_the_editor_role_on_the_destination_too(
    served: Served, anon: httpx.Client, api: httpx.Client
) -> None:
    for name in ("copy-from", "copy-to-viewed", "copy-to-hidden"):
        assert api.post("/projects", json={"name": name}).status_code == 201
    assert api.patch("/projects/copy-to-hidden/members", json={"members_only": True}).is_success
    editor = key_headers(served.ctx, "edda", "editor")
    assert api.put("/projects/copy-to-viewed/members/edda", json={"role": "viewer"}).is_success
    viewed = anon.post(
        "/projects/copy-from/versions/v1/copy",
        json={"to_project": "copy-to-viewed"},
        headers=editor,
    )
    assert viewed.status_code == 403 and _error(viewed)["code"] == "AccessDenied"
    hidden = anon.post(
        "/projects/copy-from/versions/v1/copy",
        json={"to_project": "copy-to-hidden"},
        headers=editor,
    )
    assert hidden.status_code == 404 and _error(hidden)["code"] == "ProjectNotFound"
