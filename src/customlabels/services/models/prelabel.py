"""Pre-labelling: a version's predictions stored on a dataset's unlabelled entries.

Predicted labels and boxes are ordinary rows marked machine-made by their ``confidence``
(0-100); the entries get ``has_predictions``, the gallery's "predicted, not reviewed"
filter. A person makes them human by accepting them (``accept_predictions``), or by
editing the entry: a label added again or a box corrected becomes theirs. Snapshots never
train on predictions nobody reviewed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from customlabels.db.tables import Box, Entry, EntryLabel, ModelVersion, Project, utcnow
from customlabels.errors import NotFound, ResourceNotReady, SourceFileChanged
from customlabels.imaging.probe import InvalidImage
from customlabels.imaging.thumbnail import decode_upright
from customlabels.services import audit, stats
from customlabels.services.assets import read_original
from customlabels.services.context import Context
from customlabels.services.datasets import get_dataset
from customlabels.services.entry_query import EntryFilter, all_matching_ids
from customlabels.services.job_titles import prelabel_title
from customlabels.services.jobs import Progress, create_job
from customlabels.services.labels import ensure_labels
from customlabels.services.models.rules import CLASSIFICATION
from customlabels.services.models.serving import CustomLabel, predict_images
from customlabels.services.models.versions import get_version, version_info
from customlabels.services.names import dataset_type as check_dataset_type
from customlabels.services.projects import get_project

PRELABEL_JOB = "model.prelabel"
BATCH = 32


def start_prelabel(ctx: Context, project: str, version: str, type_name: str) -> int:
    """Record a ``model.prelabel`` job over a dataset's unlabelled entries; its id."""
    type_name = check_dataset_type(type_name)
    with ctx.db.write() as session:
        project_row = get_project(session, project)
        info = version_info(session, get_version(session, project_row, version), project_row)
        if not info.trained:
            raise ResourceNotReady(
                f"model version {version!r} is {info.status}: only a trained version can pre-label"
            )
        dataset = get_dataset(session, project, type_name)
        job = create_job(
            session,
            PRELABEL_JOB,
            {"version_id": info.id, "dataset_type": type_name},
            title=prelabel_title(info.name, type_name),
            project_id=project_row.id,
            dataset_id=dataset.id,
        )
        return job.id


def run_prelabel(
    ctx: Context, params: dict[str, Any], progress: Progress
) -> tuple[dict[str, Any], str]:
    """The job's body: predict, batch by batch, and store what reaches the thresholds."""
    with ctx.db.read() as session:
        version_row = session.get(ModelVersion, int(params["version_id"]))
        if version_row is None:
            raise ResourceNotReady("the model version was deleted")
        project_row = session.get(Project, version_row.project_id)
        assert project_row is not None
        version = version_info(session, version_row, project_row)
        dataset = get_dataset(session, project_row.name, params["dataset_type"])
        ids = all_matching_ids(
            session, dataset.id, project_row.id, EntryFilter(labeled=False, has_errors=False)
        )
        dataset_id, project_id = dataset.id, project_row.id
    progress.set_total(len(ids))
    labelled = skipped = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        images, kept = _images(ctx, batch)
        skipped += len(batch) - len(kept)
        answers = predict_images(ctx, version, images) if images else []
        if version.task == CLASSIFICATION:  # one label per image: the most confident
            answers = [found[:1] for found in answers]
        labelled += _store(ctx, dataset_id, project_id, dict(zip(kept, answers, strict=True)))
        progress.advance(len(batch), errors=len(batch) - len(kept))
    message = f"pre-labelled {labelled} of {len(ids)} unlabelled entries with {version.name}" + (
        f"; {skipped} images could not be read" if skipped else ""
    )
    return {"entries": len(ids), "prelabelled": labelled, "unreadable": skipped}, message


def _images(ctx: Context, entry_ids: list[int]) -> tuple[list[Any], list[int]]:
    from customlabels.db.tables import Asset

    with ctx.db.read() as session:
        rows = session.execute(
            select(Entry.id, Asset.sha256)
            .join(Asset, Asset.id == Entry.asset_id)
            .where(Entry.id.in_(entry_ids))
        ).all()
    images, kept = [], []
    for entry_id, sha256 in rows:
        try:
            data = read_original(ctx, sha256)
            settings = ctx.settings
            images.append(
                decode_upright(data, settings.max_image_pixels, settings.max_decode_bytes)
            )
        except (NotFound, SourceFileChanged, InvalidImage):
            continue  # an entry whose image went bad stays unlabelled; the job counts it
        kept.append(entry_id)
    return images, kept


def _store(
    ctx: Context, dataset_id: int, project_id: int, found: dict[int, list[CustomLabel]]
) -> int:
    """Write predictions on the entries still unlabelled (a person may have been quicker)."""
    found = {entry_id: labels for entry_id, labels in found.items() if labels}
    if not found:
        return 0
    from customlabels.db.tables import Asset

    with ctx.db.write() as session:
        rows = session.execute(
            select(Entry.id, Asset.width, Asset.height)
            .join(Asset, Asset.id == Entry.asset_id)
            .where(Entry.id.in_(list(found)), Entry.is_labeled.is_(False))
        ).all()
        if not rows:
            return 0
        ids = [r.id for r in rows]
        names = {c.name for entry_id in ids for c in found[entry_id]}
        label_ids = ensure_labels(session, project_id, names)
        before = stats.contribution(session, ids)
        label_rows: list[dict[str, Any]] = []
        box_rows: list[dict[str, Any]] = []
        for entry_id, width, height in rows:
            seen: set[str] = set()
            for c in found[entry_id]:
                if c.box is None:
                    if c.name not in seen:
                        seen.add(c.name)
                        label_rows.append(
                            {
                                "entry_id": entry_id,
                                "label_id": label_ids[c.name],
                                "dataset_id": dataset_id,
                                "confidence": c.confidence,
                            }
                        )
                    continue
                left, top, w, h = c.box
                box_rows.append(
                    {
                        "entry_id": entry_id,
                        "dataset_id": dataset_id,
                        "label_id": label_ids[c.name],
                        "left": left * width,
                        "top": top * height,
                        "width": w * width,
                        "height": h * height,
                        "confidence": c.confidence,
                    }
                )
        if label_rows:
            session.execute(insert(EntryLabel), label_rows)
        if box_rows:
            session.execute(insert(Box), box_rows)
        # Bump versions, so an editor holding an entry learns that it changed.
        session.execute(
            update(Entry)
            .where(Entry.id.in_(ids))
            .values(version=Entry.version + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        stats.refresh_entry_flags(session, ids)
        stats.apply_delta(session, before, stats.contribution(session, ids))
        return len(ids)


def accept_predictions(ctx: Context, project: str, type_name: str, flt: EntryFilter) -> int:
    """Make the predictions on the matching entries human (reviewed); returns how many
    entries held predictions."""
    with ctx.db.write() as session:
        dataset = get_dataset(session, project, type_name)
        ids = all_matching_ids(session, dataset.id, dataset.project_id, _with_predicted(flt))
        for part in stats.chunks(ids):
            chunk = list(part)
            session.execute(
                update(EntryLabel)
                .where(EntryLabel.entry_id.in_(chunk))
                .values(confidence=None)
                .execution_options(synchronize_session=False)
            )
            session.execute(
                update(Box)
                .where(Box.entry_id.in_(chunk))
                .values(confidence=None)
                .execution_options(synchronize_session=False)
            )
            session.execute(
                update(Entry)
                .where(Entry.id.in_(chunk))
                .values(has_predictions=False, version=Entry.version + 1, updated_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        if ids:
            # One event for the whole selection, its entries as id runs (services/audit.py).
            audit.record(
                session,
                "prelabel.accept",
                dataset=dataset,
                entry_ids=ids,
                detail={"count": len(ids)},
            )
        return len(ids)


def _with_predicted(flt: EntryFilter) -> EntryFilter:
    from dataclasses import replace

    return replace(flt, predicted=True)
