"""``customlabels storage ...``: the image store as a whole."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress, TextColumn, TimeElapsedColumn

from customlabels.cli.common import DatabaseUrl, DataDir, Json, err, open_ctx, print_json
from customlabels.services.reclaim import reclaim_unused_images

app = typer.Typer(help="Look after the image store.", no_args_is_help=True)


@app.command("reclaim")
def reclaim(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be removed; remove nothing.")
    ] = False,
    sweep: Annotated[
        bool,
        typer.Option(
            "--sweep",
            help="Also remove stored files that no image names, older than an hour (left by "
            "imports killed before they wrote their rows).",
        ),
    ] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    json: Json = False,
) -> None:
    """Remove the images that no entry uses any more (left by deleted entries, datasets and
    projects): their bytes, thumbnails and rows. Refused while a job runs."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        TextColumn("{task.completed:,.0f} images, {task.fields[mib]:,.1f} MiB"),
        TimeElapsedColumn(),
        console=err,
        disable=json or not err.is_terminal,
    ) as bar:
        task = bar.add_task("reclaiming" if not dry_run else "counting", total=None, mib=0.0)
        freed = [0]

        def advance(images: int, size: int) -> None:
            freed[0] += size
            bar.update(task, advance=images, mib=freed[0] / (1 << 20))

        ctx = open_ctx(data_dir, database_url)
        result = reclaim_unused_images(ctx, dry_run=dry_run, sweep=sweep, on_batch=advance)
    if json:
        print_json(
            {
                "UnusedImages": result.images,
                "Bytes": result.bytes,
                "KeptInUse": result.kept,
                "DryRun": result.dry_run,
                "OrphanFiles": result.orphans,
            }
        )
        return
    size = f"{result.bytes / (1 << 20):,.1f} MiB"
    if dry_run:
        typer.echo(f"{result.images} unused images ({size}) would be removed")
    else:
        typer.echo(f"removed {result.images} unused images ({size})")
    if sweep:
        verb = "found" if dry_run else "removed"
        typer.echo(f"{verb} {result.orphans} stored files that no image names")
