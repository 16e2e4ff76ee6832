"""The CLI's changes are recorded as the operator's: ``cli:<os user>``."""

from __future__ import annotations

import getpass

from sqlalchemy import select

from customlabels.db.tables import AuditEvent

from .helpers import DataDir


def test_a_cli_change_is_recorded_as_the_os_user(cli, opened, empty_dir: DataDir) -> None:
    cli("project", "create", "audited", data_dir=empty_dir)
    with opened(empty_dir) as ctx, ctx.db.read() as session:
        events = [(e.actor, e.action) for e in session.scalars(select(AuditEvent))]
    assert events == [(f"cli:{getpass.getuser()}", "project.create")]
