"""``customlabels user ...`` and ``customlabels key ...``: the operator's own tools for
accounts (the CLI works on the data directory directly, so it needs no sign-in)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from customlabels.cli.common import DatabaseUrl, DataDir, Json, open_ctx, print_json
from customlabels.services import accounts, api_keys

user_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
key_app = typer.Typer(help="API keys (secrets are shown once).", no_args_is_help=True)

UserName = Annotated[str, typer.Argument(help="User name: 1-64 of a-z A-Z 0-9 _ . @ -")]
RoleOption = Annotated[str, typer.Option("--role", help="admin, editor, annotator or viewer.")]
PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input (one line)."),
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return password


def _user_json(info: accounts.UserInfo) -> dict[str, object]:
    return {
        "UserName": info.name,
        "Role": info.role.value,
        "HasPassword": info.has_password,
        "KeyCount": info.key_count,
        "CreatedAt": info.created_at.isoformat(),
    }


@user_app.command("create")
def user_create(
    name: UserName,
    role: RoleOption,
    password_stdin: PasswordStdin = False,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="A user who only calls the API with keys.")
    ] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    json: Json = False,
) -> None:
    """Create a user (asks for a password unless --no-password or --password-stdin)."""
    password = None if no_password else _read_password(password_stdin)
    info = accounts.create_user(open_ctx(data_dir, database_url), name, role, password)
    if json:
        print_json(_user_json(info))
    else:
        typer.echo(f"created user {info.name} ({info.role.value})")


@user_app.command("list")
def user_list(
    data_dir: DataDir = None, database_url: DatabaseUrl = None, json: Json = False
) -> None:
    """List users with their roles."""
    found = accounts.list_users(open_ctx(data_dir, database_url))
    if json:
        print_json({"Users": [_user_json(u) for u in found]})
        return
    for user in found:
        typer.echo(f"{user.name}\t{user.role.value}\t{user.key_count} keys")


@user_app.command("delete")
def user_delete(name: UserName, data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Delete a user with their keys and sessions (never the last admin)."""
    accounts.delete_user(open_ctx(data_dir, database_url), name)
    typer.echo(f"deleted user {name}")


@user_app.command("role")
def user_role(
    name: UserName,
    role: Annotated[str, typer.Argument(help="admin, editor, annotator or viewer.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Change a user's role."""
    info = accounts.set_role(open_ctx(data_dir, database_url), name, role)
    typer.echo(f"{info.name} is now {info.role.value}")


@user_app.command("password")
def user_password(
    name: UserName,
    password_stdin: PasswordStdin = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Set a user's password (their failed sign-ins are forgotten)."""
    password = _read_password(password_stdin)
    accounts.set_password(open_ctx(data_dir, database_url), name, password)
    typer.echo(f"password of {name} set")


@key_app.command("create")
def key_create(
    name: UserName, data_dir: DataDir = None, database_url: DatabaseUrl = None, json: Json = False
) -> None:
    """Make an API key for a user; its secret is printed this once."""
    new = api_keys.create_key(open_ctx(data_dir, database_url), name)
    if json:
        print_json({"AccessKeyId": new.access_key_id, "SecretAccessKey": new.secret_access_key})
    else:
        typer.echo(f"AccessKeyId     {new.access_key_id}")
        typer.echo(f"SecretAccessKey {new.secret_access_key}")
        typer.echo("(the secret is shown this once; REST: Authorization: Bearer ID:SECRET)")


@key_app.command("list")
def key_list(
    name: UserName, data_dir: DataDir = None, database_url: DatabaseUrl = None, json: Json = False
) -> None:
    """List a user's API keys (never their secrets)."""
    found = api_keys.list_keys(open_ctx(data_dir, database_url), name)
    if json:
        print_json(
            {
                "AccessKeys": [
                    {
                        "AccessKeyId": k.access_key_id,
                        "UserName": k.user,
                        "CreatedAt": k.created_at.isoformat(),
                        "LastUsedAt": k.last_used_at.isoformat() if k.last_used_at else None,
                    }
                    for k in found
                ]
            }
        )
        return
    for key in found:
        typer.echo(f"{key.access_key_id}\t{key.user}\t{key.created_at.isoformat()}")


@key_app.command("revoke")
def key_revoke(
    key_id: Annotated[str, typer.Argument(help="The AccessKeyId to revoke.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke an API key at once."""
    api_keys.revoke_key(open_ctx(data_dir, database_url), key_id)
    typer.echo(f"revoked {key_id}")
