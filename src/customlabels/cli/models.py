"""``customlabels train``, ``model ...``, ``detect`` and ``prelabel``."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from customlabels.cli.common import (
    DatabaseUrl,
    DataDir,
    JobFailed,
    Json,
    NoWait,
    err,
    open_ctx,
    print_json,
    run_or_queue,
)
from customlabels.errors import InvalidInput
from customlabels.services.context import Context
from customlabels.services.models import export, prelabel, serving, versions
from customlabels.services.models.shapes import (
    custom_label,
    evaluation_summary,
    version_description,
)
from customlabels.services.runner import run_job

app = typer.Typer(
    help="List, describe, start, stop, delete, copy and export model versions.",
    no_args_is_help=True,
)
Project = Annotated[str, typer.Argument(help="Project name.")]
Version = Annotated[str, typer.Argument(help="Model version name (v1, v2, ... by default).")]


def train(
    project: Project,
    version: Annotated[
        str | None, typer.Option("--version", help="Name of the new version (default v1, v2...).")
    ] = None,
    config: Annotated[
        str | None,
        typer.Option(
            "--config",
            help='Training settings overriding the defaults, as JSON: {"epochs": 5, '
            '"image_size": 128, "fine_tune": false, "learning_rate": 0.001, "augment": true, '
            '"backbone": "lite0", "seed": 0, "device": "cuda"}.',
        ),
    ] = None,
    no_wait: NoWait = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    json: Json = False,
) -> None:
    """Train a model version on the project's datasets, with a progress bar.

    Without a TEST dataset, 20% of TRAIN is held out for testing, stratified by label.
    """
    ctx = open_ctx(data_dir, database_url)
    info = versions.create_version(ctx, project, version, _settings(config))
    if info.job_id is None:  # a training rule is broken: the message says which
        if json:
            print_json({"ProjectVersionDescription": version_description(info)})
        raise JobFailed(info.status_message)
    if no_wait:
        run_or_queue(ctx, info.job_id, no_wait=True, json_output=False)
        return
    _run_training(ctx, info.job_id, info.name, quiet=json)
    done = versions.describe_version(ctx, project, info.name)
    if json:
        print_json({"ProjectVersionDescription": version_description(done)})
    if done.status != "TRAINING_COMPLETED":
        raise JobFailed(done.status_message)
    if not json:
        f1 = (done.evaluation or {}).get("AggregatedEvaluationResults", {}).get("F1Score")
        score = f" (F1 {f1:.3f})" if isinstance(f1, int | float) else ""
        typer.echo(f"trained model version {done.name}{score}: {done.status_message}")


def _settings(config: str | None) -> dict[str, Any]:
    if not config:
        return {}
    try:
        value = orjson.loads(config)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"--config is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise InvalidInput("--config must be a JSON object")
    return value


def _run_training(ctx: Context, job_id: int, name: str, *, quiet: bool) -> None:
    """Run the job on a thread here while the bar shows stage, epoch, loss and ETA."""
    from customlabels.services.jobs import get_job

    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            run_job(ctx, job_id)
        except BaseException as exc:  # reported by the main thread
            outcome["error"] = exc

    thread = threading.Thread(target=work, name=f"train-{name}", daemon=True)
    thread.start()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=err,
        disable=quiet or not err.is_terminal,
    ) as bar:
        task = bar.add_task(f"training {name}", total=100, detail="queued")
        while thread.is_alive():
            thread.join(0.25)
            job = get_job(ctx, job_id)
            bar.update(task, completed=job.done, detail=_detail(ctx, job_id))
    if "error" in outcome:
        raise outcome["error"]


def _detail(ctx: Context, job_id: int) -> str:
    from customlabels.db.tables import Job

    with ctx.db.read() as session:
        job = session.get(Job, job_id)
        progress = dict(job.progress or {}) if job is not None else {}
    parts = [str(progress.get("stage", ""))]
    if progress.get("epochs"):
        parts.append(f"epoch {progress.get('epoch')}/{progress['epochs']}")
    if progress.get("loss") is not None:
        parts.append(f"loss {progress['loss']:.4f}")
    if progress.get("eta_seconds") is not None:
        parts.append(f"ETA {int(progress['eta_seconds'])} s")
    return "  ".join(p for p in parts if p)


@app.command("list")
def list_(
    project: Project, data_dir: DataDir = None, database_url: DatabaseUrl = None, json: Json = False
) -> None:
    """List a project's versions, newest first (DescribeProjectVersions)."""
    found = versions.list_versions(open_ctx(data_dir, database_url), project)
    if json:
        print_json({"ProjectVersionDescriptions": [version_description(v) for v in found]})
        return
    for v in found:
        typer.echo(f"{v.name}\t{v.status}\t{v.task or ''}\t{v.status_message}")


@app.command("describe")
def describe(
    project: Project,
    version: Version,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    json: Json = False,
) -> None:
    """Describe a version with its evaluation summary."""
    info = versions.describe_version(open_ctx(data_dir, database_url), project, version)
    if json:
        print_json(
            {
                "ProjectVersionDescription": version_description(info),
                "EvaluationSummary": evaluation_summary(info),
            }
        )
        return
    typer.echo(f"{info.name}: {info.status} {info.status_message}")
    typer.echo(f"  task: {info.task or '-'}; labels: {', '.join(info.label_names) or '-'}")
    aggregated = (info.evaluation or {}).get("AggregatedEvaluationResults") or {}
    if aggregated:
        typer.echo(
            "  F1 {F1Score}, precision {Precision}, recall {Recall}".format(
                **{k: aggregated.get(k) for k in ("F1Score", "Precision", "Recall")}
            )
        )


@app.command("start")
def start(
    project: Project, version: Version, data_dir: DataDir = None, database_url: DatabaseUrl = None
) -> None:
    """Start a version for detection (RUNNING); servers load it on their first detection."""
    info = serving.start_version(open_ctx(data_dir, database_url), project, version)
    typer.echo(f"model version {info.name} is {info.status}")


@app.command("stop")
def stop(
    project: Project, version: Version, data_dir: DataDir = None, database_url: DatabaseUrl = None
) -> None:
    """Stop a running version, or a training in progress."""
    info = serving.stop_version(open_ctx(data_dir, database_url), project, version)
    typer.echo(f"model version {info.name} is {info.status}")


@app.command("delete")
def delete(
    project: Project, version: Version, data_dir: DataDir = None, database_url: DatabaseUrl = None
) -> None:
    """Delete a version and its model files (refused while it trains or runs)."""
    versions.delete_version(open_ctx(data_dir, database_url), project, version)
    typer.echo(f"deleted model version {version}")


@app.command("copy")
def copy(
    project: Project,
    version: Version,
    to: Annotated[str, typer.Option("--to", help="The project to copy the version into.")],
    new_name: Annotated[
        str | None, typer.Option("--version", help="Name of the copy (default v1, v2...).")
    ] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Copy a trained version into another project."""
    info = versions.copy_version(open_ctx(data_dir, database_url), project, version, to, new_name)
    typer.echo(f"copied {project} {version} to {to} {info.name}")


@app.command("export")
def export_(
    project: Project,
    version: Version,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the model files into.")],
    fmt: Annotated[str, typer.Option("--format", help="Model format: onnx.")] = "onnx",
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Write into a folder that is not empty.")
    ] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Export a trained version: an ONNX model and a JSON of labels, thresholds, input size."""
    ctx = open_ctx(data_dir, database_url)
    files = export.export_version(ctx, project, version, fmt, out, overwrite=overwrite)
    for path in files:
        typer.echo(str(path))


def detect(
    project: Project,
    version: Version,
    images: Annotated[list[Path], typer.Argument(help="Image files.", exists=True, dir_okay=False)],
    min_confidence: Annotated[
        float | None,
        typer.Option(
            help="Lowest confidence (0-100) returned; default: each label's assumed threshold; "
            "0 returns everything."
        ),
    ] = None,
    max_results: Annotated[int | None, typer.Option(help="Most labels returned per image.")] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    json: Json = False,
) -> None:
    """Detect custom labels in images (DetectCustomLabels).

    Unlike the API, this command also works with a version that is not running: it loads
    the model for this one call.
    """
    ctx = open_ctx(data_dir, database_url)
    results: list[dict[str, Any]] = []
    for path in images:
        found = serving.detect(
            ctx,
            project,
            version,
            path.read_bytes(),
            min_confidence=min_confidence,
            max_results=max_results,
            load_if_stopped=True,
        )
        results.append({"Image": str(path), "CustomLabels": [custom_label(c) for c in found]})
    if json:
        print_json({"Results": results})
        return
    for result in results:
        labels = result["CustomLabels"]
        shown = ", ".join(f"{c['Name']} {c['Confidence']:.1f}" for c in labels) or "(nothing)"
        typer.echo(f"{result['Image']}\t{shown}")


def prelabel_command(
    project: Project,
    version: Version,
    dataset_type: Annotated[str, typer.Argument(help="train or test")],
    no_wait: NoWait = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    json: Json = False,
) -> None:
    """Store a version's predictions on a dataset's unlabelled entries, marked machine-made
    with their confidence, for people to review (filter: predicted, not reviewed)."""
    ctx = open_ctx(data_dir, database_url)
    job_id = prelabel.start_prelabel(ctx, project, version, dataset_type)
    run_or_queue(ctx, job_id, no_wait=no_wait, json_output=json)
