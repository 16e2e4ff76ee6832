"""What every command shares: the two back-end options, opening them, printing, job runs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from customlabels.config import Settings
from customlabels.services.context import Context, open_context
from customlabels.services.jobs import JobInfo, get_job
from customlabels.services.runner import run_job
from customlabels.services.shapes import job_description

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="CUSTOMLABELS_DATA_DIR",
        help="Directory of the embedded database, image store and queue.",
    ),
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="CUSTOMLABELS_DATABASE_URL",
        help="SQLAlchemy URL of the metadata database (default: SQLite in the data dir).",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print the hosted service's JSON shapes.")]
NoWait = Annotated[
    bool, typer.Option("--no-wait", help="Queue the job for the workers and print its id.")
]

out = Console()
err = Console(stderr=True)


def settings_for(data_dir: Path | None, database_url: str | None) -> Settings:
    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if database_url:
        overrides["database_url"] = database_url
    return Settings(**overrides)


def open_ctx(data_dir: Path | None, database_url: str | None) -> Context:
    return open_context(settings_for(data_dir, database_url))


def print_json(value: Any) -> None:
    typer.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())


def run_or_queue(ctx: Context, job_id: int, *, no_wait: bool, json_output: bool) -> JobInfo:
    """Run a job here with a progress bar, or queue it for workers with ``--no-wait``."""
    if no_wait:
        # Imported here: huey and redis cost a fifth of a second that most commands don't need.
        from customlabels.jobs.queue import open_queue

        job = get_job(ctx, job_id)
        open_queue(
            ctx.settings.redis_url, ctx.settings.data_dir, ctx.settings.queue_name
        ).enqueue_job(job_id, job.kind)
        if json_output:
            print_json(job_description(job))
        else:
            typer.echo(job_id)
        return job
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["job"] = run_job(ctx, job_id)
        except BaseException as exc:  # reported by the main thread
            outcome["error"] = exc

    thread = threading.Thread(target=work, name=f"job-{job_id}", daemon=True)
    thread.start()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[errors]} errors"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=json_output or not err.is_terminal,
    ) as bar:
        task = bar.add_task(f"job {job_id}", total=None, errors=0)
        while thread.is_alive():
            thread.join(0.2)
            job = get_job(ctx, job_id)
            bar.update(task, completed=job.done, total=job.total, errors=job.error_count)
        job = get_job(ctx, job_id)
        bar.update(task, completed=job.done, total=job.total or job.done, errors=job.error_count)
    if "error" in outcome:
        raise outcome["error"]
    job = outcome["job"]
    if json_output:
        print_json(job_description(job))
    elif job.status == "SUCCEEDED":
        typer.echo(job.message)
    if job.status != "SUCCEEDED":
        raise JobFailed(job.message)
    return job


class JobFailed(Exception):
    """A job this command ran ended FAILED; its message is the one line to print."""
