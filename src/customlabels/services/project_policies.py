"""Project policies (PutProjectPolicy, ListProjectPolicies, DeleteProjectPolicy).

A policy is a JSON document under a name. Every write gives it a new revision id, and a
change must name the revision it read: a stale one is InvalidPolicyRevision, so two
writers can't silently overwrite each other. The documents are kept, not enforced: access
on this server is decided by users' roles and project grants.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from customlabels.db.tables import ProjectPolicy, utcnow
from customlabels.errors import (
    AlreadyExists,
    InvalidInput,
    InvalidPolicyRevision,
    MalformedPolicyDocument,
    NotFound,
    TooLarge,
)
from customlabels.services import audit
from customlabels.services.context import Context
from customlabels.services.projects import get_project

POLICY_NAME = re.compile(r"[0-9A-Za-z._\-]{1,128}")
MAX_DOCUMENT_CHARS = 20_480  # the hosted service's limit
MAX_POLICIES = 5  # per project, as the hosted service allows


@dataclass(frozen=True)
class PolicyInfo:
    project: str
    project_created_at: datetime
    name: str
    revision_id: str
    document: str
    created_at: datetime
    updated_at: datetime


def _info(row: ProjectPolicy, project: str, project_created_at: datetime) -> PolicyInfo:
    return PolicyInfo(
        project,
        project_created_at,
        row.name,
        row.revision_id,
        row.document,
        row.created_at,
        row.updated_at,
    )


def _check(name: str, document: str) -> None:
    if not POLICY_NAME.fullmatch(name):
        raise InvalidInput(f"invalid policy name {name!r}: use 1-128 of 0-9 A-Z a-z . _ -")
    if len(document) > MAX_DOCUMENT_CHARS:
        raise MalformedPolicyDocument(
            f"the policy document has {len(document):,} characters; at most "
            f"{MAX_DOCUMENT_CHARS:,} are accepted"
        )
    try:
        parsed = json.loads(document)
    except ValueError:
        raise MalformedPolicyDocument("the policy document is not JSON") from None
    if not isinstance(parsed, dict):
        raise MalformedPolicyDocument("the policy document is not a JSON object")


def _find(session: Session, project_id: int, name: str) -> ProjectPolicy | None:
    return session.scalar(
        select(ProjectPolicy).where(
            ProjectPolicy.project_id == project_id, ProjectPolicy.name == name
        )
    )


def put_policy(
    ctx: Context, project: str, name: str, document: str, revision_id: str | None = None
) -> PolicyInfo:
    """Create policy ``name`` (no ``revision_id``) or replace it (its current revision id)."""
    _check(name, document)
    try:
        with ctx.db.write() as session:
            project_row = get_project(session, project)
            row = _find(session, project_row.id, name)
            if row is None:
                if revision_id:
                    raise InvalidPolicyRevision(
                        f"project {project!r} has no policy {name!r} to revise"
                    )
                count = session.scalar(
                    select(func.count())
                    .select_from(ProjectPolicy)
                    .where(ProjectPolicy.project_id == project_row.id)
                )
                if (count or 0) >= MAX_POLICIES:
                    raise TooLarge(f"a project has at most {MAX_POLICIES} policies")
                row = ProjectPolicy(project_id=project_row.id, name=name)
                session.add(row)
            elif not revision_id:
                raise AlreadyExists(
                    f"project {project!r} has a policy {name!r}: name its PolicyRevisionId "
                    "to replace it"
                )
            elif revision_id != row.revision_id:
                raise InvalidPolicyRevision(
                    f"policy {name!r} is at another revision than {revision_id!r}"
                )
            row.document, row.revision_id, row.updated_at = document, _new_revision(), utcnow()
            session.flush()
            audit.record(session, "policy.put", project=project_row, detail={"policy": name})
            return _info(row, project_row.name, project_row.created_at)
    except IntegrityError:  # another writer created it in between
        raise AlreadyExists(f"project {project!r} has a policy {name!r}") from None


def _new_revision() -> str:
    return uuid.uuid4().hex


def list_policies(ctx: Context, project: str) -> list[PolicyInfo]:
    """A project's policies, by name."""
    with ctx.db.read() as session:
        project_row = get_project(session, project)
        rows = session.scalars(
            select(ProjectPolicy)
            .where(ProjectPolicy.project_id == project_row.id)
            .order_by(ProjectPolicy.name)
        ).all()
        return [_info(r, project_row.name, project_row.created_at) for r in rows]


def delete_policy(ctx: Context, project: str, name: str, revision_id: str | None = None) -> None:
    """Delete policy ``name``; with ``revision_id``, only if it is still that revision."""
    with ctx.db.write() as session:
        project_row = get_project(session, project)
        row = _find(session, project_row.id, name)
        if row is None:
            raise NotFound(f"project {project!r} has no policy {name!r}")
        if revision_id and revision_id != row.revision_id:
            raise InvalidPolicyRevision(
                f"policy {name!r} is at another revision than {revision_id!r}"
            )
        session.delete(row)
        audit.record(session, "policy.delete", project=project_row, detail={"policy": name})
