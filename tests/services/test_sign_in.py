"""Signing in with a password and changing it: the paths that read a user and then use it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from customlabels.db.tables import User
from customlabels.services import accounts, web_sessions
from customlabels.services.context import Context


def test_an_object_read_stays_readable_after_the_read(ctx: Context) -> None:
    accounts.create_user(ctx, "ann", "annotator", "a-long-password")
    with ctx.db.read() as session:
        user = session.scalar(select(User).where(User.name == "ann"))
    assert user is not None
    # The read's rollback would have expired it: this raised DetachedInstanceError.
    assert user.name == "ann" and user.signin_blocked_until is None


def test_sign_in_with_the_right_password(ctx: Context) -> None:
    accounts.create_user(ctx, "ann", "annotator", "a-long-password")
    new = web_sessions.sign_in(ctx, "ann", "a-long-password")
    assert new.principal.name == "ann"
    assert web_sessions.principal_of_session(ctx, new.token) == new.principal


def test_sign_in_with_a_wrong_password_is_refused(ctx: Context) -> None:
    accounts.create_user(ctx, "ann", "annotator", "a-long-password")
    with pytest.raises(web_sessions.SignInFailed):
        web_sessions.sign_in(ctx, "ann", "not-the-password")
