"""Who is acting: a context variable, set for a block or for the rest of a context."""

from __future__ import annotations

import contextvars
import getpass

from customlabels.services import actor


def test_acting_as_names_the_actor_inside_the_block_only():
    def run() -> tuple[str, str]:
        with actor.acting_as("bob"):
            inside = actor.current()
        return inside, actor.current()

    assert contextvars.copy_context().run(run) == ("bob", actor.SYSTEM)


def test_the_cli_acts_as_its_os_user():
    assert actor.cli_actor() == f"cli:{getpass.getuser()}"
