"""``customlabels serve``, ``worker``, ``db upgrade`` and ``settings``."""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Callable
from typing import Annotated

import typer

from customlabels.cli.common import DatabaseUrl, DataDir, open_ctx, settings_for
from customlabels.config import Settings
from customlabels.db.engine import check_reachable, make_engine
from customlabels.db.migrate import upgrade
from customlabels.services.context import Context
from customlabels.services.runner import run_job

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


def _handler(ctx: Context) -> Callable[[int], object]:
    def handle(job_id: int) -> object:
        return run_job(ctx, job_id)

    return handle


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Job worker threads started with the server.")] = 1,
    embedded_worker: Annotated[
        bool, typer.Option(help="Run jobs in this process (off when workers run elsewhere).")
    ] = True,
    demo: Annotated[
        bool, typer.Option(help="Create a demo project from sample photos if there is none.")
    ] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the REST API (and the job worker, in the embedded default)."""
    import uvicorn

    from customlabels.app import create_app
    from customlabels.jobs.queue import open_queue

    ctx = open_ctx(data_dir, database_url)
    queue = open_queue(ctx.settings.redis_url, ctx.settings.data_dir, ctx.settings.queue_name)
    if demo:
        from customlabels.demo import ensure_demo_project

        ensure_demo_project(ctx)
    if embedded_worker:
        _reap(ctx)
        queue.start_consumer(_handler(ctx), workers=workers)
    typer.echo(f"customlabels on http://{host}:{port} (API docs at /docs)")
    try:
        uvicorn.run(create_app(ctx, queue), host=host, port=port, log_level="info")
    finally:
        queue.stop_consumer()
        ctx.close()


def _reap(ctx: Context) -> None:
    """Fail the trainings a killed worker left in progress, as this one takes over."""
    from customlabels.services.models.versions import reap_interrupted_trainings

    reap_interrupted_trainings(ctx)


def worker(
    workers: Annotated[int, typer.Option(help="Job threads per kind.")] = 1,
    kinds: Annotated[
        str,
        typer.Option(
            help="Comma-separated kinds of jobs to take: 'train' (model trainings and "
            "pre-labelling, for a GPU machine), 'default' (imports, exports, the rest)."
        ),
    ] = "default,train",
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Run queued jobs until interrupted (SIGINT/SIGTERM)."""
    from customlabels.jobs.queue import check_lanes, open_queue

    lanes = check_lanes(k.strip() for k in kinds.split(",") if k.strip())
    ctx = open_ctx(data_dir, database_url)
    queue = open_queue(ctx.settings.redis_url, ctx.settings.data_dir, ctx.settings.queue_name)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    _reap(ctx)
    queue.start_consumer(_handler(ctx), workers=workers, lanes=lanes)
    typer.echo(f"worker started for {', '.join(lanes)} jobs; waiting for jobs")
    stop.wait()
    queue.stop_consumer()
    ctx.close()


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Apply the database migrations."""
    settings = settings_for(data_dir, database_url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    check_reachable(engine)
    upgrade(engine)
    typer.echo("database is up to date")


def settings_command(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Print every setting with its current value (secrets masked) and description."""
    current = settings_for(data_dir, database_url)
    for name, field in Settings.model_fields.items():
        value = getattr(current, name)
        if name in ("database_url", "redis_url") and value and "@" in str(value):
            value = _mask_url(str(value))
        if isinstance(value, list):  # printed as the environment takes it: a JSON list
            value = json.dumps([str(v) for v in value])
        typer.echo(
            f"CUSTOMLABELS_{name.upper()}={value if value is not None else ''}"
            f"\t# {field.description}"
        )


def _mask_url(url: str) -> str:
    scheme, _, rest = url.partition("://")
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
