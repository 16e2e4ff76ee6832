"""Request and response bodies of sign-in, users, API keys and project members."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from customlabels.services.accounts import UserInfo
from customlabels.services.api_keys import KeyInfo


class SignIn(BaseModel):
    name: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class SessionPublic(BaseModel):
    """Who is signed in; ``csrf_token`` goes back in X-CSRF-Token with every write."""

    name: str
    role: str
    csrf_token: str | None


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class UserCreate(BaseModel):
    name: str
    role: str
    password: str | None = Field(default=None, max_length=1024)


class UserUpdate(BaseModel):
    role: str | None = None
    password: str | None = Field(default=None, max_length=1024)


class UserPublic(BaseModel):
    name: str
    role: str
    has_password: bool
    key_count: int
    created_at: datetime

    @classmethod
    def of(cls, info: UserInfo) -> UserPublic:
        return cls(**{**info.__dict__, "role": info.role.value})


class NewKeyPublic(BaseModel):
    """The secret is shown here once and never again."""

    AccessKeyId: str
    SecretAccessKey: str
    UserName: str


class KeyPublic(BaseModel):
    AccessKeyId: str
    UserName: str
    CreatedAt: datetime
    LastUsedAt: datetime | None

    @classmethod
    def of(cls, info: KeyInfo) -> KeyPublic:
        return cls(
            AccessKeyId=info.access_key_id,
            UserName=info.user,
            CreatedAt=info.created_at,
            LastUsedAt=info.last_used_at,
        )


class MemberPublic(BaseModel):
    user: str
    role: str


class MembersPublic(BaseModel):
    members_only: bool
    members: list[MemberPublic]


class MembersUpdate(BaseModel):
    members_only: bool


class MemberGrant(BaseModel):
    role: str = "annotator"
