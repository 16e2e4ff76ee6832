"""The ``model.train`` job: train on the TRAIN snapshot, evaluate on TEST, store the model.

Every outcome lands on the version: TRAINING_COMPLETED with its evaluation, thresholds
and model files, or TRAINING_FAILED with a message a person can act on (a broken rule in
the hosted service's words, "stopped by the user", or what went wrong), never a trace.
Progress (stage, epoch, loss, ETA) goes to the job row as it comes, with a heartbeat, so
a killed worker's training is told from a slow one.
"""

from __future__ import annotations

import gzip
import logging
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select, update

from customlabels.db.tables import Job, ModelVersion, utcnow
from customlabels.errors import CustomLabelsError
from customlabels.services.context import Context
from customlabels.services.jobs import Progress as JobProgress
from customlabels.services.models import artifacts, snapshots
from customlabels.services.models.images import describe_broken, local_images
from customlabels.services.models.rules import DETECTION, INVALID_IMAGES, RuleBroken
from customlabels.services.models.snapshots import SnapEntry, Snapshot
from customlabels.services.models.versions import (
    STOPPED_BY_USER as STOPPED,
)
from customlabels.services.models.versions import (
    TRAINING,
    VersionInfo,
    set_status,
    version_info,
)

log = logging.getLogger(__name__)

HEARTBEAT_S = 20.0


class TrainingFailed(CustomLabelsError):
    """The job's outcome when the version failed; its message is the version's."""

    status = 422
    code = "TrainingFailed"


class ProgressWriter:
    """Writes a training's progress to its job row at most twice a second."""

    def __init__(self, ctx: Context, job_id: int) -> None:
        self._ctx = ctx
        self._job_id = job_id
        self._last = 0.0
        self._lock = threading.Lock()

    def write(
        self, stage: str, values: dict[str, Any], fraction: float, force: bool = False
    ) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.5:
            return
        self._last = now
        with self._lock, self._ctx.db.write() as session:
            session.execute(
                update(Job)
                .where(Job.id == self._job_id)
                .values(
                    progress={"stage": stage, **values, "fraction": fraction},
                    done=int(round(max(0.0, min(1.0, fraction)) * 100)),
                    total=100,
                    message=stage,
                    heartbeat_at=utcnow(),
                )
            )

    def beat(self) -> None:
        with self._lock, self._ctx.db.write() as session:
            session.execute(update(Job).where(Job.id == self._job_id).values(heartbeat_at=utcnow()))


class _Heartbeat:
    """Keeps the job's heartbeat fresh through long steps that report no progress."""

    def __init__(self, writer: ProgressWriter) -> None:
        self._writer = writer
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="training-heartbeat", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            try:
                self._writer.beat()
            except Exception:  # a missed beat is harmless; the next one may pass
                log.warning("could not write a training heartbeat", exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _load_version(ctx: Context, version_id: int) -> VersionInfo:
    from customlabels.db.tables import Project

    with ctx.db.read() as session:
        version = session.get(ModelVersion, version_id)
        if version is None:
            raise CustomLabelsError(f"model version {version_id} was deleted")
        project = session.get(Project, version.project_id)
        assert project is not None
        return version_info(session, version, project)


def _stop_requested(ctx: Context, version_id: int) -> bool:
    with ctx.db.read() as session:
        status = session.scalar(select(ModelVersion.status).where(ModelVersion.id == version_id))
    return status != "TRAINING_IN_PROGRESS"


def _samples(
    entries: list[SnapEntry], paths: dict[str, Path], names: list[str], task: str
) -> list[Any]:
    from customlabels.training import Box, Sample

    index = {n: i for i, n in enumerate(names)}
    if task == DETECTION:
        return [
            Sample(
                paths[e.sha256],
                boxes=tuple(
                    Box(index[b.label], b.left, b.top, b.width, b.height)
                    for b in e.boxes
                    if b.label in index
                ),
            )
            for e in entries
        ]
    return [
        Sample(paths[e.sha256], labels=tuple(index[n] for n in e.labels if n in index))
        for e in entries
    ]


def run_training(
    ctx: Context, params: dict[str, Any], progress: JobProgress
) -> tuple[dict[str, Any], str]:
    """The job's body (see ``services.runner``): returns its result and message."""
    version_id = int(params["version_id"])
    version = _load_version(ctx, version_id)
    if version.status != "TRAINING_IN_PROGRESS":
        if version.status == "STOPPING":
            _fail(ctx, version_id, STOPPED, "STOPPED_BY_USER")
        raise TrainingFailed(f"model version {version.name!r} is {version.status}; not trained")
    set_status(
        ctx,
        version_id,
        "TRAINING_IN_PROGRESS",
        version.status_message,
        only_from=("TRAINING_IN_PROGRESS",),
        training_started_at=utcnow(),
    )
    writer = ProgressWriter(ctx, progress.job_id)
    workdir = Path(tempfile.mkdtemp(prefix="training-", dir=artifacts.cache_dir(ctx, "work")))
    try:
        with _Heartbeat(writer):
            result = _train(ctx, version, writer, workdir)
    except RuleBroken as broken:
        _fail(ctx, version_id, broken.message, broken.code)
        raise TrainingFailed(broken.message) from None
    except Exception as exc:
        if _stopped(exc):
            _fail(ctx, version_id, STOPPED, "STOPPED_BY_USER")
            raise TrainingFailed(STOPPED) from None
        log.exception("training of model version %s failed", version_id)
        message = f"The training failed: {type(exc).__name__}: {exc}"
        _fail(ctx, version_id, message, "SERVICE_ERROR")
        raise TrainingFailed(message) from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    # The runner writes these counters last: make them say "all done".
    progress.done = progress.total = 100
    return result, f"trained model version {version.name}"


def _stopped(exc: Exception) -> bool:
    try:
        from customlabels.training import TrainingStopped
    except ImportError:  # the training code is not installed: nothing could have stopped
        return False
    return isinstance(exc, TrainingStopped)


def _fail(ctx: Context, version_id: int, message: str, code: str) -> None:
    set_status(
        ctx,
        version_id,
        "TRAINING_FAILED",
        message,
        only_from=TRAINING,
        status_code=code,
        finished_at=utcnow(),
    )


def _train(
    ctx: Context, version: VersionInfo, writer: ProgressWriter, workdir: Path
) -> dict[str, Any]:
    train_snap = snapshots.load(ctx.blobs, version.snapshots["TRAIN"].blob_key)
    test_snap = snapshots.load(ctx.blobs, version.snapshots["TEST"].blob_key)
    every = train_snap.entries + test_snap.entries
    total = len({e.sha256 for e in every}) or 1
    writer.write("preparing images", {"images": 0, "of": total}, 0.0, force=True)
    paths = local_images(
        ctx,
        every,
        lambda n: writer.write("preparing images", {"images": n, "of": total}, 0.02 * n / total),
    )
    from customlabels.training import (
        Task,
        TrainConfig,
        UnreadableImage,
        evaluate,
        train,
    )

    task = Task(version.task)
    names = version.label_names
    config = TrainConfig.from_dict(version.config) if version.config else TrainConfig()
    by_path = {paths[e.sha256]: e for e in every}

    def on_progress(p: Any) -> None:
        writer.write(
            p.stage,
            {"epoch": p.epoch, "epochs": p.epochs, "loss": p.loss, "eta_seconds": p.eta_seconds},
            0.02 + 0.88 * p.fraction,
        )

    last_check = [0.0, False]

    def should_stop() -> bool:
        now = time.monotonic()
        if now - last_check[0] >= 1.0:
            last_check[0] = now
            last_check[1] = _stop_requested(ctx, version.id)
        return bool(last_check[1])

    try:
        model = train(
            task,
            names,
            _samples(train_snap.entries, paths, names, version.task or ""),
            config,
            on_progress=on_progress,
            should_stop=should_stop,
        )
        writer.write("evaluating", {}, 0.9, force=True)
        evaluation = evaluate(
            model,
            _samples(test_snap.entries, paths, names, version.task or ""),
            on_progress=lambda p: writer.write("evaluating", {}, 0.9 + 0.08 * p.fraction),
        )
    except UnreadableImage as exc:
        entry = by_path.get(Path(getattr(exc, "path", "")))
        broken = {entry.sha256: str(exc) or "does not decode"} if entry else {}
        raise RuleBroken(INVALID_IMAGES, describe_broken(every, broken)) from None
    writer.write("saving the model", {}, 0.98, force=True)
    model_dir = workdir / "model"
    model.save(model_dir)
    artifact_key = artifacts.store_model(ctx, version.project_id, version.id, model_dir)
    return _complete(
        ctx,
        version,
        model,
        evaluation,
        config.resolved(task).to_dict(),
        artifact_key,
        train_snap,
        test_snap,
    )


def _complete(
    ctx: Context,
    version: VersionInfo,
    model: Any,
    evaluation: Any,
    config: dict[str, Any],
    artifact_key: str,
    train_snap: Snapshot,
    test_snap: Snapshot,
) -> dict[str, Any]:
    raw_key = artifact_key.replace("-model.tar.gz", "-scores.json.gz")
    ctx.blobs.put(
        raw_key,
        gzip.compress(orjson.dumps(evaluation.raw_scores(), option=orjson.OPT_SERIALIZE_NUMPY)),
    )
    summary = dict(evaluation.summary())
    details = dict(summary.get("EvaluationDetails") or {})
    details.update(
        {
            "ProjectVersionArn": version.arn,
            "EvaluationEndTimestamp": utcnow().isoformat(),
            "NumberOfTrainingImages": len(train_snap.entries),
            "NumberOfTestingImages": len(test_snap.entries),
        }
    )
    details.setdefault("Labels", list(version.label_names))
    summary["EvaluationDetails"] = details
    summary = orjson.loads(orjson.dumps(summary, option=orjson.OPT_SERIALIZE_NUMPY))
    note = version.status_message.removeprefix("The model is being trained.").strip()
    moved = set_status(
        ctx,
        version.id,
        "TRAINING_COMPLETED",
        " ".join(filter(None, ["The model is ready.", note])),
        only_from=TRAINING,
        status_code=None,
        config=config,
        thresholds=[float(t) for t in model.thresholds],
        evaluation=summary,
        raw_scores_key=raw_key,
        artifact_key=artifact_key,
        finished_at=utcnow(),
    )
    if not moved:  # failed meanwhile (reaped as lost): keep no files nobody names
        ctx.blobs.delete(artifact_key)
        ctx.blobs.delete(raw_key)
        raise TrainingFailed(f"model version {version.name!r} was no longer in training")
    aggregated = summary.get("AggregatedEvaluationResults") or {}
    return {"version": version.name, "f1_score": aggregated.get("F1Score")}
