"""The one path every import takes: records in, assets stored, entries upserted.

Imports are idempotent: entries are upserted by ``source-ref`` and assets by SHA-256, so an
import killed half-way and started again finishes without duplicates or losses. Records are
handled in batches; while one batch's images are analysed (hash, probe, thumbnail) on a
pool, the previous batch is written in one short transaction, so SQLite's single writer
is never held for long.

The steps live in modules of their own, in the order a batch meets them:
:mod:`locating` (repeats, files, known assets), :mod:`analysing` (pools), :mod:`storing`
(bytes and asset rows), :mod:`boxes` (the coordinate rule) and :mod:`entry_rows`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path

from customlabels.formats.groundtruth import SYNTHETIC_REF_PREFIX, has_synthetic_ref
from customlabels.formats.label_names import screen_label_names
from customlabels.formats.records import ImportRecord
from customlabels.services.context import Context
from customlabels.services.imports.analysing import Analyses
from customlabels.services.imports.boxes import place_boxes
from customlabels.services.imports.bulk_gc import bulk_gc
from customlabels.services.imports.candidates import Candidate, IngestSummary, batches
from customlabels.services.imports.entry_rows import EntryWriter
from customlabels.services.imports.locating import Locator, drop_repeats
from customlabels.services.imports.storing import AssetStorer
from customlabels.services.jobs import Progress

BATCH = 256
# A batch whose images all need no analysis (known files, known objects) is only rows to
# write, which costs less per line in bigger transactions: the next batch doubles, up to this.
MAX_BATCH = 4096


class Ingestor:
    """Upserts records into one dataset, reporting progress on a job."""

    def __init__(
        self,
        ctx: Context,
        dataset_id: int,
        project_id: int,
        progress: Progress | None,
        *,
        root: Path | None = None,
        in_place: bool = False,
    ) -> None:
        self.ctx = ctx
        self.dataset_id = dataset_id
        self.project_id = project_id
        self.progress = progress
        self.root = root
        self.summary = IngestSummary()
        self._seen: dict[str, int] = {}
        # in_place: local files are referenced where they lie, not copied into the store.
        self._locator = Locator(ctx, dataset_id, root, in_place=in_place)
        self._analyses = Analyses(ctx, in_place=in_place)
        self._storer = AssetStorer(ctx, self._locator.by_fingerprint, in_place=in_place)
        self._writer = EntryWriter(dataset_id, project_id, self.summary)
        self._batch_size = BATCH
        self._import_tag = (
            f"job-{progress.job_id}" if progress is not None else f"import-{uuid.uuid4().hex[:12]}"
        )

    def _unparseable_ref(self, line_number: int) -> str:
        """The source-ref of an unreadable line: unique to this import, so a later import's
        bad line of the same number never replaces this one's; the same for a resumed run
        of the job, which replaces its own lines instead of doubling them."""
        return f"{SYNTHETIC_REF_PREFIX}{self._import_tag}:{line_number}"

    @property
    def downloads_started(self) -> int:
        """Objects this import downloaded (each shared object once)."""
        return self._analyses.downloads_started

    def run(self, items: Iterable[ImportRecord | Candidate]) -> IngestSummary:
        with bulk_gc():
            return self._run(items)

    def _run(self, items: Iterable[ImportRecord | Candidate]) -> IngestSummary:
        try:
            pending: list[Candidate] | None = None
            for batch in batches(items, lambda: self._batch_size):
                prepared = self._prepare(batch)
                if any(c.future is not None for c in prepared):
                    self._batch_size = BATCH  # images to analyse: keep the pipeline short
                else:
                    self._batch_size = min(self._batch_size * 2, MAX_BATCH)
                if pending is not None:
                    self._finish(pending)
                pending = prepared
            if pending is not None:
                self._finish(pending)
        finally:
            self._analyses.close()
        return self.summary

    def _prepare(self, batch: list[Candidate]) -> list[Candidate]:
        """Steps 1 and 2: find each image, reuse known assets, start analysing the rest."""
        for cand in batch:
            if has_synthetic_ref(cand.record):
                cand.record.source_ref = self._unparseable_ref(cand.record.line_number or 0)
        kept = drop_repeats(batch, self._seen, self.progress)
        for cand in kept:
            screen_label_names(cand.record)
            self._locator.locate(cand)
        self._locator.reuse_known(kept)
        todo = [
            cand
            for cand in kept
            if cand.asset is None
            and not cand.no_image
            and (cand.path or cand.data is not None or cand.fetch is not None)
        ]
        self._analyses.start(todo)
        return kept

    def _finish(self, batch: list[Candidate]) -> None:
        """Steps 3 and 4, once the batch's analyses are done: store the images, write rows."""
        self._analyses.collect(batch)
        fresh = self._storer.put_bytes(batch)
        self.summary.images_read += len(fresh)
        with self.ctx.db.write() as session:
            self._storer.write_rows(session, batch, fresh)
            for cand in batch:
                if cand.record.boxes:
                    place_boxes(cand)
            self._writer.write(session, batch)
        errors = sum(1 for c in batch if c.record.issues and c.record.has_errors)
        self.summary.with_errors += errors
        if self.progress is not None:
            self.progress.advance(len(batch), errors)
