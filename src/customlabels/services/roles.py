"""The four roles and what each may do, in one order: every role may do what those below
it may (an admin everything, an editor what an annotator may, an annotator what a viewer may)."""

from __future__ import annotations

from enum import StrEnum

from customlabels.errors import InvalidInput


class Role(StrEnum):
    VIEWER = "viewer"  # read
    ANNOTATOR = "annotator"  # label and box the entries of the projects they are given
    EDITOR = "editor"  # create and change projects, datasets, labels, models
    ADMIN = "admin"  # everything: users, keys, settings, server paths, storage


_RANK = {Role.VIEWER: 1, Role.ANNOTATOR: 2, Role.EDITOR: 3, Role.ADMIN: 4}


def parse_role(text: str) -> Role:
    try:
        return Role(text.lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InvalidInput(f"unknown role {text!r}: use one of {choices}") from None


def at_least(role: Role, needed: Role) -> bool:
    return _RANK[role] >= _RANK[needed]
