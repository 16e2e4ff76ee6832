"""``customlabels project ...``"""

from __future__ import annotations

from typing import Annotated

import typer

from customlabels.cli.common import DatabaseUrl, DataDir, Json, open_ctx, print_json
from customlabels.services import project_access, projects
from customlabels.services.shapes import project_description

app = typer.Typer(help="Create, list, describe and delete projects.", no_args_is_help=True)
Name = Annotated[str, typer.Argument(help="Project name: 1-255 of a-z A-Z 0-9 _ . -")]


@app.command("create")
def create(
    name: Name, data_dir: DataDir = None, database_url: DatabaseUrl = None, json: Json = False
) -> None:
    """Create a project."""
    info = projects.create_project(open_ctx(data_dir, database_url), name)
    if json:
        print_json({"ProjectArn": project_description(info)["ProjectArn"]})
    else:
        typer.echo(f"created project {info.name}")


@app.command("list")
def list_(data_dir: DataDir = None, database_url: DatabaseUrl = None, json: Json = False) -> None:
    """List projects with their datasets."""
    found = projects.list_projects(open_ctx(data_dir, database_url))
    if json:
        print_json({"ProjectDescriptions": [project_description(p) for p in found]})
        return
    for project in found:
        sets = ", ".join(f"{d.dataset_type} {d.status}" for d in project.datasets) or "no datasets"
        typer.echo(f"{project.name}\t{sets}")


@app.command("describe")
def describe(
    name: Name, data_dir: DataDir = None, database_url: DatabaseUrl = None, json: Json = False
) -> None:
    """Describe one project."""
    info = projects.describe_project(open_ctx(data_dir, database_url), name)
    if json:
        print_json({"ProjectDescriptions": [project_description(info)]})
        return
    typer.echo(f"{info.name} (created {info.created_at.isoformat()})")
    for d in info.datasets:
        typer.echo(f"  {d.dataset_type}: {d.status} {d.status_message}")


@app.command("delete")
def delete(name: Name, data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Delete a project with its datasets, entries and labels."""
    projects.delete_project(open_ctx(data_dir, database_url), name)
    typer.echo(f"deleted project {name}")


@app.command("grant")
def grant(
    name: Name,
    user: Annotated[str, typer.Argument(help="The user given the project.")],
    role: Annotated[
        str, typer.Option("--role", help="annotator, viewer or editor on this project.")
    ] = "annotator",
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Give a user a role on a project (annotators work only on projects given to them)."""
    member = project_access.grant(open_ctx(data_dir, database_url), name, user, role)
    typer.echo(f"{member.user} is {member.role.value} on {name}")


@app.command("revoke")
def revoke(
    name: Name,
    user: Annotated[str, typer.Argument(help="The user whose grant ends.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """End a user's grant on a project."""
    project_access.revoke(open_ctx(data_dir, database_url), name, user)
    typer.echo(f"{user} no longer holds a grant on {name}")


@app.command("limit")
def limit(
    name: Name,
    off: Annotated[
        bool, typer.Option("--off", help="Open the project to every role again.")
    ] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Limit a project to the users granted it (and admins)."""
    project_access.set_members_only(open_ctx(data_dir, database_url), name, not off)
    typer.echo(f"{name} is open to every role" if off else f"{name} is limited to its members")
