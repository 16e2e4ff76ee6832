"""Credentials and project roles remembered for a few seconds: what this process changes is
forgotten at once; what another process changes (here: a row changed by SQL) is seen when
the entry expires."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import delete, update

from customlabels.api.auth import _project_role
from customlabels.db.tables import ApiKey, User, WebSession
from customlabels.errors import ProjectNotFound
from customlabels.services import accounts, api_keys, project_access, projects, web_sessions
from customlabels.services.auth_cache import AuthCache, TtlCache
from customlabels.services.context import Context
from customlabels.services.roles import Role

PASSWORD = "a-long-password"


def test_a_ttl_cache_forgets_after_its_ttl_and_when_told() -> None:
    cache: TtlCache[str, int] = TtlCache(ttl_s=0.05, max_entries=3)
    cache.put("a", 1)
    assert cache.get("a") == 1
    time.sleep(0.06)
    assert cache.get("a") is None
    cache.put("a", 1)
    cache.put("b", 2)
    cache.forget("a")
    cache.forget_where(lambda k, v: v == 2)
    assert cache.get("a") is None and cache.get("b") is None
    for k in "abcd":  # full: it starts over rather than growing
        cache.put(k, 0)
    assert len(cache) <= 3 and cache.get("d") == 0


def test_a_revoked_key_is_refused_at_once(ctx: Context) -> None:
    accounts.create_user(ctx, "kai", "viewer")
    key = api_keys.create_key(ctx, "kai")
    assert api_keys.principal_of_key(ctx, key.access_key_id, key.secret_access_key) is not None
    assert api_keys.principal_of_key(ctx, key.access_key_id, "wrong") is None  # even cached
    api_keys.revoke_key(ctx, key.access_key_id)
    assert api_keys.principal_of_key(ctx, key.access_key_id, key.secret_access_key) is None


def test_a_key_removed_by_another_process_is_refused_within_the_ttl(ctx: Context) -> None:
    ctx.auth_cache = AuthCache(ttl_s=0.2)
    accounts.create_user(ctx, "kai", "viewer")
    key = api_keys.create_key(ctx, "kai")
    assert api_keys.principal_of_key(ctx, key.access_key_id, key.secret_access_key) is not None
    with ctx.db.write() as session:  # as another server process would
        session.execute(delete(ApiKey).where(ApiKey.access_key_id == key.access_key_id))
    time.sleep(0.25)
    assert api_keys.principal_of_key(ctx, key.access_key_id, key.secret_access_key) is None


def test_signing_out_ends_the_session_at_once(ctx: Context) -> None:
    accounts.create_user(ctx, "sam", "viewer", PASSWORD)
    new = web_sessions.sign_in(ctx, "sam", PASSWORD)
    assert web_sessions.principal_of_session(ctx, new.token) == new.principal
    web_sessions.sign_out(ctx, new.token)
    assert web_sessions.principal_of_session(ctx, new.token) is None


def test_a_session_ended_by_another_process_ends_within_the_ttl(ctx: Context) -> None:
    ctx.auth_cache = AuthCache(ttl_s=0.2)
    accounts.create_user(ctx, "sam", "viewer", PASSWORD)
    new = web_sessions.sign_in(ctx, "sam", PASSWORD)
    assert web_sessions.principal_of_session(ctx, new.token) is not None
    with ctx.db.write() as session:
        session.execute(delete(WebSession))
    time.sleep(0.25)
    assert web_sessions.principal_of_session(ctx, new.token) is None


def test_a_new_role_or_a_deleted_user_counts_at_once(ctx: Context) -> None:
    accounts.create_user(ctx, "rae", "editor", PASSWORD)
    new = web_sessions.sign_in(ctx, "rae", PASSWORD)
    key = api_keys.create_key(ctx, "rae")
    projects.create_project(ctx, "open")
    by_session = web_sessions.principal_of_session(ctx, new.token)
    assert by_session is not None and by_session.role == Role.EDITOR
    assert _project_role(ctx, by_session, "open") == Role.EDITOR
    accounts.set_role(ctx, "rae", "viewer")
    by_session = web_sessions.principal_of_session(ctx, new.token)
    by_key = api_keys.principal_of_key(ctx, key.access_key_id, key.secret_access_key)
    assert by_session is not None and by_session.role == Role.VIEWER
    assert by_key is not None and by_key.role == Role.VIEWER
    assert _project_role(ctx, by_session, "open") == Role.VIEWER
    accounts.create_user(ctx, "admin2", "admin")  # rae is not the last admin's concern
    accounts.delete_user(ctx, "rae")
    assert web_sessions.principal_of_session(ctx, new.token) is None
    assert api_keys.principal_of_key(ctx, key.access_key_id, key.secret_access_key) is None


def test_grants_members_only_and_deleting_a_project_count_at_once(ctx: Context) -> None:
    accounts.create_user(ctx, "ed", "editor")
    accounts.create_user(ctx, "ann", "annotator")
    projects.create_project(ctx, "p")
    ed = api_keys.principal_of_key(ctx, *_key(ctx, "ed"))
    ann = api_keys.principal_of_key(ctx, *_key(ctx, "ann"))
    assert ed is not None and ann is not None
    assert _project_role(ctx, ed, "p") == Role.EDITOR
    with pytest.raises(ProjectNotFound):
        _project_role(ctx, ann, "p")
    project_access.grant(ctx, "p", "ann", "annotator")
    assert _project_role(ctx, ann, "p") == Role.ANNOTATOR
    project_access.grant(ctx, "p", "ann", "viewer")
    assert _project_role(ctx, ann, "p") == Role.VIEWER
    project_access.revoke(ctx, "p", "ann")
    with pytest.raises(ProjectNotFound):
        _project_role(ctx, ann, "p")
    project_access.set_members_only(ctx, "p", True)
    with pytest.raises(ProjectNotFound):
        _project_role(ctx, ed, "p")
    project_access.set_members_only(ctx, "p", False)
    assert _project_role(ctx, ed, "p") == Role.EDITOR
    projects.delete_project(ctx, "p")
    with pytest.raises(ProjectNotFound):
        _project_role(ctx, ed, "p")
    projects.create_project(ctx, "p")  # the name back: a new project, seen as such
    project_access.set_members_only(ctx, "p", True)
    with pytest.raises(ProjectNotFound):
        _project_role(ctx, ed, "p")


def test_a_role_changed_by_another_process_counts_within_the_ttl(ctx: Context) -> None:
    ctx.auth_cache = AuthCache(ttl_s=0.2)
    accounts.create_user(ctx, "ed", "editor")
    projects.create_project(ctx, "p")
    ed = api_keys.principal_of_key(ctx, *_key(ctx, "ed"))
    assert ed is not None and _project_role(ctx, ed, "p") == Role.EDITOR
    with ctx.db.write() as session:
        session.execute(update(User).where(User.name == "ed").values(role="viewer"))
    time.sleep(0.25)
    ed = api_keys.principal_of_key(ctx, *_key(ctx, "ed"))
    assert ed is not None and ed.role == Role.VIEWER


def _key(ctx: Context, user: str) -> tuple[str, str]:
    key = api_keys.create_key(ctx, user)
    return key.access_key_id, key.secret_access_key
