"""``customlabels label ...``"""

from __future__ import annotations

from typing import Annotated

import typer

from customlabels.cli.common import DatabaseUrl, DataDir, Json, open_ctx, print_json
from customlabels.services import labels

app = typer.Typer(help="Manage a project's label vocabulary.", no_args_is_help=True)
Project = Annotated[str, typer.Argument(help="Project name.")]


@app.command("list")
def list_(
    project: Project, data_dir: DataDir = None, database_url: DatabaseUrl = None, json: Json = False
) -> None:
    """List the project's labels and colours."""
    found = labels.list_labels(open_ctx(data_dir, database_url), project)
    if json:
        print_json({"Labels": [{"Name": lab.name, "Color": lab.color} for lab in found]})
        return
    for lab in found:
        typer.echo(f"{lab.color}\t{lab.name}")


@app.command("create")
def create(
    project: Project,
    name: Annotated[str, typer.Argument(help="Label name.")],
    color: Annotated[str | None, typer.Option("--color", help="#rrggbb")] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a label."""
    info = labels.create_label(open_ctx(data_dir, database_url), project, name, color)
    typer.echo(f"created label {info.name!r} ({info.color})")


@app.command("rename")
def rename(
    project: Project,
    old: Annotated[str, typer.Argument(help="Current name.")],
    new: Annotated[str, typer.Argument(help="New name.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Rename a label; every image-level label and box follows."""
    labels.rename_label(open_ctx(data_dir, database_url), project, old, new)
    typer.echo(f"renamed {old!r} to {new!r}")


@app.command("recolour")
def recolour(
    project: Project,
    name: Annotated[str, typer.Argument(help="Label name.")],
    color: Annotated[str, typer.Argument(help="#rrggbb")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Change a label's colour."""
    info = labels.recolour_label(open_ctx(data_dir, database_url), project, name, color)
    typer.echo(f"{info.name!r} is now {info.color}")


@app.command("merge")
def merge(
    project: Project,
    source: Annotated[str, typer.Argument(help="Label merged away.")],
    target: Annotated[str, typer.Argument(help="Label kept.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Merge SOURCE into TARGET: every use of SOURCE becomes TARGET, without duplicates."""
    usage = labels.merge_labels(open_ctx(data_dir, database_url), project, source, target)
    typer.echo(
        f"merged {source!r} into {target!r}: {usage.image_labels} image-level labels, "
        f"{usage.boxes} boxes now use {target!r}"
    )


@app.command("delete")
def delete(
    project: Project,
    name: Annotated[str, typer.Argument(help="Label name.")],
    yes: Annotated[bool, typer.Option("--yes", help="Delete without asking.")] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Delete a label with its uses, after telling how many it removes."""
    ctx = open_ctx(data_dir, database_url)
    usage = labels.label_usage(ctx, project, name)
    question = (
        f"delete {name!r} with {usage.image_labels} image-level labels and {usage.boxes} boxes?"
    )
    if not yes and not typer.confirm(question, default=False):
        raise typer.Exit(1)
    labels.delete_label(ctx, project, name)
    typer.echo(
        f"deleted {name!r}: removed {usage.image_labels} image-level labels and {usage.boxes} boxes"
    )
