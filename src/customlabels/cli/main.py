"""The root command: groups, and one place that turns errors into one line and exit 1."""

from __future__ import annotations

import sys

import typer

from customlabels.cli import datasets, labels, models, projects, server, storage, users
from customlabels.cli.common import JobFailed
from customlabels.errors import CustomLabelsError
from customlabels.services import actor

app = typer.Typer(
    help="customlabels: datasets, labels and boxes for custom image models.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(projects.app, name="project")
app.add_typer(datasets.app, name="dataset")
app.add_typer(labels.app, name="label")
app.add_typer(storage.app, name="storage")
app.add_typer(models.app, name="model")
app.add_typer(server.db_app, name="db")
app.add_typer(users.user_app, name="user")
app.add_typer(users.key_app, name="key")
app.command("train")(models.train)
app.command("detect")(models.detect)
app.command("prelabel")(models.prelabel_command)
app.command("serve")(server.serve)
app.command("worker")(server.worker)
app.command("settings")(server.settings_command)


def main() -> None:
    # The CLI needs no key: its changes are the operator's, named by their OS user.
    actor.set_actor(actor.cli_actor())
    try:
        app(standalone_mode=False)
    except (CustomLabelsError, JobFailed) as exc:
        typer.echo(f"error: {getattr(exc, 'message', None) or exc}", err=True)
        sys.exit(1)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - a command prints one line, never a traceback
        # Usage errors come from the click that typer bundles; they know how to say themselves.
        format_message = getattr(exc, "format_message", None)
        if callable(format_message):
            typer.echo(f"error: {format_message()}", err=True)
            sys.exit(getattr(exc, "exit_code", 2))
        typer.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
