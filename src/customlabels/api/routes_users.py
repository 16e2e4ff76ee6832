"""Users, their API keys, and who may work on a project (admins; a user's own keys)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from customlabels.api.deps import Ctx
from customlabels.api.schemas_accounts import (
    KeyPublic,
    MemberGrant,
    MemberPublic,
    MembersPublic,
    MembersUpdate,
    NewKeyPublic,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from customlabels.services import accounts, api_keys, project_access

router = APIRouter(tags=["users"])


@router.get("/users", response_model=list[UserPublic])
def list_users(ctx: Ctx) -> list[UserPublic]:
    return [UserPublic.of(u) for u in accounts.list_users(ctx)]


@router.post("/users", response_model=UserPublic, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, ctx: Ctx) -> UserPublic:
    return UserPublic.of(accounts.create_user(ctx, body.name, body.role, body.password))


@router.get("/users/{name}", response_model=UserPublic)
def describe_user(name: str, ctx: Ctx) -> UserPublic:
    return UserPublic.of(accounts.describe_user(ctx, name))


@router.patch("/users/{name}", response_model=UserPublic)
def update_user(name: str, body: UserUpdate, ctx: Ctx) -> UserPublic:
    """Change a user's role and/or password (checked first: a bad one changes neither)."""
    if body.password is not None:
        accounts.check_password(body.password)
    if body.role is not None:
        accounts.set_role(ctx, name, body.role)
    if body.password is not None:
        accounts.set_password(ctx, name, body.password)
    return UserPublic.of(accounts.describe_user(ctx, name))


@router.delete("/users/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(name: str, ctx: Ctx) -> Response:
    accounts.delete_user(ctx, name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/users/{name}/keys", response_model=list[KeyPublic])
def list_keys(name: str, ctx: Ctx) -> list[KeyPublic]:
    return [KeyPublic.of(k) for k in api_keys.list_keys(ctx, name)]


@router.post("/users/{name}/keys", response_model=NewKeyPublic, status_code=201)
def create_key(name: str, ctx: Ctx) -> NewKeyPublic:
    """A new key; its secret is in this answer and nowhere else, ever."""
    new = api_keys.create_key(ctx, name)
    return NewKeyPublic(
        AccessKeyId=new.access_key_id, SecretAccessKey=new.secret_access_key, UserName=new.user
    )


@router.delete("/users/{name}/keys/{access_key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_key(name: str, access_key_id: str, ctx: Ctx) -> Response:
    if api_keys.key_owner(ctx, access_key_id) != name:
        raise api_keys.KeyNotFound(f"{name!r} has no API key {access_key_id!r}")
    api_keys.revoke_key(ctx, access_key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _members(ctx: Ctx, project: str) -> MembersPublic:
    members_only, members = project_access.members(ctx, project)
    return MembersPublic(
        members_only=members_only,
        members=[MemberPublic(user=m.user, role=m.role.value) for m in members],
    )


@router.get("/projects/{project}/members", response_model=MembersPublic, tags=["projects"])
def list_members(project: str, ctx: Ctx) -> MembersPublic:
    return _members(ctx, project)


@router.patch("/projects/{project}/members", response_model=MembersPublic, tags=["projects"])
def limit_to_members(project: str, body: MembersUpdate, ctx: Ctx) -> MembersPublic:
    """Limit the project to its members (and admins), or open it again."""
    project_access.set_members_only(ctx, project, body.members_only)
    return _members(ctx, project)


@router.put("/projects/{project}/members/{user}", response_model=MembersPublic, tags=["projects"])
def grant(project: str, user: str, body: MemberGrant, ctx: Ctx) -> MembersPublic:
    project_access.grant(ctx, project, user, body.role)
    return _members(ctx, project)


@router.delete(
    "/projects/{project}/members/{user}", response_model=MembersPublic, tags=["projects"]
)
def revoke(project: str, user: str, ctx: Ctx) -> MembersPublic:
    project_access.revoke(ctx, project, user)
    return _members(ctx, project)
