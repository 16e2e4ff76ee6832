"""Running an import job: a source's records through the :class:`Ingestor` into a dataset."""

from __future__ import annotations

from typing import Any

from customlabels.db.tables import Dataset
from customlabels.errors import InvalidInput
from customlabels.formats.folders import FolderScan
from customlabels.formats.skips import SkipLog
from customlabels.services.context import Context
from customlabels.services.imports.candidates import IngestSummary
from customlabels.services.imports.ingest import Ingestor
from customlabels.services.imports.s3_sources import is_s3_source, run_s3_import
from customlabels.services.imports.sources import open_source
from customlabels.services.jobs import Progress


def run_import(
    ctx: Context, dataset_id: int, source: dict[str, Any], progress: Progress | None
) -> tuple[IngestSummary, SkipLog]:
    """Import a source into a dataset; returns the summary and the files skipped."""
    with ctx.db.read() as session:
        dataset = session.get(Dataset, dataset_id)
        if dataset is None:
            raise InvalidInput(f"dataset {dataset_id} no longer exists")
        project_id = dataset.project_id
    if is_s3_source(source):
        return run_s3_import(ctx, dataset_id, project_id, source, progress)
    records, root, reader = open_source(ctx, source, progress)
    ingestor = Ingestor(
        ctx, dataset_id, project_id, progress, root=root, in_place=bool(source.get("in_place"))
    )
    summary = ingestor.run(records)
    if progress is not None and progress.total != progress.done:
        # A line count is an estimate (blank lines give no record): end at done/done.
        progress.set_total(progress.done)
    if isinstance(reader, FolderScan):
        if reader.folder_labels:
            summary.extra["without_folder_label"] = reader.without_folder_label
        return summary, reader.skipped
    return summary, SkipLog()
