"""``customlabels serve``, ``worker``, ``db upgrade`` and ``settings``."""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from customlabels.cli.common import DatabaseUrl, DataDir, open_ctx, settings_for
from customlabels.cli.redact import MASK, mask_url
from customlabels.config import Settings
from customlabels.db.engine import check_reachable, make_engine
from customlabels.db.migrate import upgrade
from customlabels.services import actor
from customlabels.services.context import Context
from customlabels.services.runner import run_job

if TYPE_CHECKING:
    from customlabels.jobs.queue import JobQueue

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

    # Not the operator's changes: each request names its user, each job its requester.
    actor.set_actor(actor.SYSTEM)

    from customlabels.app import create_app
    from customlabels.jobs.queue import open_queue

    ctx = open_ctx(data_dir, database_url)
    queue = open_queue(ctx.settings.redis_url, ctx.settings.data_dir, ctx.settings.queue_name)
    if demo:
        from customlabels.demo import ensure_demo_project

        ensure_demo_project(ctx)
    # Every server recovers: it may be the one that was killed mid-upload, with no worker.
    stop = threading.Event()
    _recover(ctx, queue, stop)
    if embedded_worker:
        queue.start_consumer(_handler(ctx), workers=workers)
    _announce(ctx, host, port)
    try:
        uvicorn.run(create_app(ctx, queue), host=host, port=port, log_level="info")
    finally:
        stop.set()
        queue.stop_consumer()
        ctx.close()


def _announce(ctx: Context, host: str, port: int) -> None:
    """Say where the server is and how to sign in; make the first admin of a new server."""
    from customlabels.services.accounts import ensure_first_admin

    typer.echo(f"customlabels on http://{host}:{port} (API docs at /docs)")
    password = ensure_first_admin(ctx)
    if password is not None:
        typer.echo(
            f"first start: sign in as 'admin' with the password {password}\n"
            "  (shown this once; `customlabels user password admin` sets another)"
        )
    elif ctx.settings.admin_password:
        typer.echo("sign in as 'admin' with the password of CUSTOMLABELS_ADMIN_PASSWORD")
    else:
        typer.echo("sign in with your account (`customlabels user create` adds one)")
    if host not in ("127.0.0.1", "localhost") and "*" not in ctx.settings.allowed_hosts:
        typer.echo(
            "note: only requests for the names in CUSTOMLABELS_ALLOWED_HOSTS are answered "
            f"({', '.join(ctx.settings.allowed_hosts)}): add the names this server is reached by"
        )


def _recover(ctx: Context, queue: JobQueue, stop: threading.Event) -> None:
    """Resume or fail the jobs a dead process left RUNNING, now and while this one runs."""
    from customlabels.services.job_recovery import recover_now_and_then
    from customlabels.services.models.versions import reap_interrupted_trainings

    recover_now_and_then(ctx, queue.enqueue_job, queue.queued_ids, stop)
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
    _recover(ctx, queue, stop)
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


# Settings that are secrets through and through, never shown.
WHOLLY_SECRET = ("secret_key", "admin_password")


def settings_command(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Print every setting with its current value (secrets masked) and description."""
    current = settings_for(data_dir, database_url)
    for name, field in Settings.model_fields.items():
        value = getattr(current, name)
        if name in WHOLLY_SECRET and value:
            value = MASK
        elif isinstance(value, str):
            value = mask_url(value)  # any setting may be a URL carrying credentials
        if isinstance(value, list):  # printed as the environment takes it: a JSON list
            value = json.dumps([str(v) for v in value])
        typer.echo(
            f"CUSTOMLABELS_{name.upper()}={value if value is not None else ''}"
            f"\t# {field.description}"
        )
