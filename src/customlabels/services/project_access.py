"""Which role a user holds on a project: their grant there, else their server role on an
open project (annotators only work on projects they are given), else none."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, or_, select, true
from sqlalchemy.orm import Session

from customlabels.db.tables import Job, Project, ProjectMember, User
from customlabels.errors import AccessDenied, InvalidInput, NotFound, ProjectNotFound
from customlabels.services.accounts import get_user
from customlabels.services.context import Context
from customlabels.services.principals import Principal
from customlabels.services.projects import get_project
from customlabels.services.roles import Role, at_least, parse_role

GRANTABLE = (Role.VIEWER, Role.ANNOTATOR, Role.EDITOR)


@dataclass(frozen=True)
class Member:
    user: str
    role: Role


def role_on_project(session: Session, principal: Principal, project: Project) -> Role | None:
    if principal.role == Role.ADMIN:
        return Role.ADMIN
    granted = session.scalar(
        select(ProjectMember.role).where(
            ProjectMember.project_id == project.id, ProjectMember.user_id == principal.user_id
        )
    )
    if granted is not None:
        return Role(granted)
    if project.members_only or principal.role == Role.ANNOTATOR:
        return None
    return principal.role


def visible_projects(principal: Principal) -> ColumnElement[bool]:
    """A filter on ``Project`` rows: those the principal holds any role on."""
    if principal.role == Role.ADMIN:
        return true()
    member_of = select(ProjectMember.project_id).where(ProjectMember.user_id == principal.user_id)
    if principal.role == Role.ANNOTATOR:
        return Project.id.in_(member_of)
    return or_(Project.members_only.is_(False), Project.id.in_(member_of))


def grant(ctx: Context, project: str, user: str, role: str = Role.ANNOTATOR.value) -> Member:
    chosen = parse_role(role)
    if chosen not in GRANTABLE:
        raise InvalidInput(
            f"a project grant is one of {', '.join(GRANTABLE)}; admins hold every project"
        )
    with ctx.db.write() as session:
        project_row, user_row = get_project(session, project), get_user(session, user)
        member = session.scalar(
            select(ProjectMember).where(
                ProjectMember.project_id == project_row.id, ProjectMember.user_id == user_row.id
            )
        )
        if member is None:
            session.add(ProjectMember(project_id=project_row.id, user_id=user_row.id, role=chosen))
        else:
            member.role = chosen.value
    ctx.auth_cache.forget_project(project)
    return Member(user, chosen)


def revoke(ctx: Context, project: str, user: str) -> None:
    with ctx.db.write() as session:
        project_row, user_row = get_project(session, project), get_user(session, user)
        gone = session.execute(
            delete(ProjectMember).where(
                ProjectMember.project_id == project_row.id, ProjectMember.user_id == user_row.id
            )
        )
        if not gone.rowcount:  # type: ignore[attr-defined]
            raise NotFound(f"{user!r} holds no grant on project {project!r}")
    ctx.auth_cache.forget_project(project)


def members(ctx: Context, project: str) -> tuple[bool, list[Member]]:
    """Whether the project is limited to its members, and who they are."""
    with ctx.db.read() as session:
        project_row = get_project(session, project)
        rows = session.execute(
            select(User.name, ProjectMember.role)
            .join(ProjectMember, ProjectMember.user_id == User.id)
            .where(ProjectMember.project_id == project_row.id)
            .order_by(User.name)
        ).all()
        return project_row.members_only, [Member(name, Role(role)) for name, role in rows]


def set_members_only(ctx: Context, project: str, members_only: bool) -> None:
    with ctx.db.write() as session:
        get_project(session, project).members_only = members_only
    ctx.auth_cache.forget_project(project)


def role_on_project_named(ctx: Context, principal: Principal, project: str) -> Role | None:
    """The principal's role on the project called ``project``; None when it has none there
    or the project doesn't exist (callers answer both alike, revealing no names)."""
    # Remembered for a few seconds (services/auth_cache.py); "none" is not, nor a project
    # that doesn't exist (for an admin too), so those are looked up each time.
    key = (principal.user_id, project)
    role = ctx.auth_cache.project_roles.get(key)
    if role is None:
        with ctx.db.read() as session:
            row = session.scalar(select(Project).where(Project.name == project))
            role = role_on_project(session, principal, row) if row is not None else None
        if role is not None:
            ctx.auth_cache.project_roles.put(key, role)
    return role


def role_on_job(ctx: Context, principal: Principal, job_id: int) -> Role | None:
    """The principal's role on a job's project; a job of no project (or of a deleted one)
    is the admins'. None when the job doesn't exist or the principal holds no role on it."""
    with ctx.db.read() as session:
        job = session.get(Job, job_id)
        if job is None:
            return None
        project = session.get(Project, job.project_id) if job.project_id else None
        if project is None:
            return Role.ADMIN if principal.role == Role.ADMIN else None
        return role_on_project(session, principal, project)


def require_role_on(ctx: Context, principal: Principal, project: str, needed: Role) -> None:
    """Refuse unless the principal holds ``needed`` on ``project`` (a second project a
    request writes to, such as a copy's destination). A project they hold no role on is
    answered as missing."""
    role = role_on_project_named(ctx, principal, project)
    if role is None:
        raise ProjectNotFound(f"no project {project!r}")
    if not at_least(role, needed):
        raise AccessDenied(f"{principal.name} needs the {needed} role on project {project!r}")
