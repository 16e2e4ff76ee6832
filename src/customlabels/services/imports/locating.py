"""An import's first step: which image each candidate holds, and which images are known.

Repeated source-refs keep the later line; each candidate's file is found (or why there is
none is kept); candidates whose file or object shows what an asset already holds (same
fingerprint) take that asset, so no byte of them is read again.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from customlabels.db.tables import Asset, Entry
from customlabels.services.assets import known_sources, referenced_assets
from customlabels.services.context import Context
from customlabels.services.imports.candidates import (
    NO_IMAGE_CODES,
    AssetDims,
    Candidate,
    source_key,
)
from customlabels.services.imports.source_files import SourceFiles, UnresolvableSource, stat_file
from customlabels.services.jobs import Progress


def drop_repeats(
    batch: list[Candidate], seen: dict[str, int], progress: Progress | None
) -> list[Candidate]:
    """The batch without the lines whose source-ref a later line repeats (the later wins).

    ``seen`` (source-ref -> line number) spans the whole import, so a repeat of a line of an
    earlier batch is marked ``repeated`` and warned about too.
    """
    latest: dict[str, Candidate] = {}
    for cand in batch:
        record = cand.record
        ref = record.source_ref
        line = record.line_number or 0
        if ref in seen:
            if ref not in latest:
                cand.repeated = True  # seen in an earlier batch
            else:
                cand.repeated = latest[ref].repeated
            cand.add_issue(
                "WARNING_DUPLICATE_SOURCE_REF",
                f"line {line} repeats the source-ref of line {seen[ref]}; the later line was kept",
                "WARNING",
            )
        latest[ref] = cand
        seen[ref] = line
    kept = list(latest.values())
    if progress is not None and len(kept) < len(batch):
        progress.advance(len(batch) - len(kept))  # repeated lines are done too
    return kept


class Locator:
    """Finds candidates' files under the root and the assets that already hold them.

    ``by_fingerprint`` (fingerprint -> asset) is filled by the step that stores new assets,
    so a file met twice in one import is read once.
    """

    def __init__(
        self, ctx: Context, dataset_id: int, root: Path | None, *, in_place: bool = False
    ) -> None:
        self.ctx = ctx
        self.dataset_id = dataset_id
        # A copying import must not take an asset whose bytes lie in a server file only:
        # it reads the file again, so its bytes reach the store.
        self.in_place = in_place
        # Resolves source-refs under the root with the root's and folders' real paths cached.
        self._files = SourceFiles(root)
        self.by_fingerprint: dict[str, AssetDims] = {}

    def locate(self, cand: Candidate) -> None:
        record = cand.record
        if cand.source_key is not None:  # remote: nothing to find on disk
            if cand.fetch is not None and cand.fingerprint:
                cand.asset = self.by_fingerprint.get(cand.fingerprint)
            return
        if cand.asset is not None or cand.data is not None or cand.no_image:
            return
        if record.issues and any(i.code in NO_IMAGE_CODES for i in record.issues):
            return
        local = cand.local
        if local is None:
            try:
                if record.local_path:
                    local = stat_file(record.local_path)
                else:
                    local = self._files.locate(record.source_ref)
            except UnresolvableSource as exc:
                local = exc
        if isinstance(local, UnresolvableSource):
            # Decided in reuse_known: an update of an entry we already hold needs no file.
            # The manifest's own line number: the user finds the line in their file.
            where = f"manifest line {record.line_number}: " if record.line_number else ""
            cand.unresolved = (local.code, where + str(local))
            return
        if local.byte_size > self.ctx.settings.max_image_bytes:
            cand.add_issue(
                "ERROR_INVALID_IMAGE",
                f"image of {local.byte_size} bytes exceeds the limit of "
                f"{self.ctx.settings.max_image_bytes} bytes",
            )
            return
        cand.path, cand.fingerprint = local.path, local.fingerprint
        cand.asset = self.by_fingerprint.get(local.fingerprint)

    def reuse_known(self, batch: list[Candidate]) -> None:
        self._reuse_entry_assets([c for c in batch if c.unresolved])
        lookup = [(c, k) for c in batch if c.asset is None and (k := source_key(c))]
        if not lookup:
            return
        with self.ctx.db.read() as session:
            known = known_sources(session, list({k for _, k in lookup}))
            hits = {
                key: known[key][0]
                for c, key in lookup
                if key in known and known[key][1] == c.fingerprint
            }
            if hits and not self.in_place:
                referenced = referenced_assets(session, list(set(hits.values())))
                hits = {key: a for key, a in hits.items() if a not in referenced}
            dims = asset_dims(session, set(hits.values()))
        for cand, key in lookup:
            if key in hits:
                cand.asset = dims.get(hits[key])

    def _reuse_entry_assets(self, unresolved: list[Candidate]) -> None:
        """Lines that change an entry we hold keep its image when the file can't be read.

        This is UpdateDatasetEntries' way: a line that relabels a known source-ref needs no
        access to the image again. Lines naming unknown images get the resolution error.
        """
        if not unresolved:
            return
        with self.ctx.db.read() as session:
            held = dict(
                session.execute(
                    select(Entry.source_ref, Entry.asset_id).where(
                        Entry.dataset_id == self.dataset_id,
                        Entry.source_ref.in_([c.record.source_ref for c in unresolved]),
                        Entry.asset_id.is_not(None),
                    )
                ).all()
            )
            dims = asset_dims(session, {a for a in held.values() if a is not None})
        for cand in unresolved:
            asset_id = held.get(cand.record.source_ref)
            if asset_id is not None and asset_id in dims:
                cand.asset = dims[asset_id]
            elif cand.unresolved is not None:
                cand.add_issue(*cand.unresolved)
            cand.unresolved = None


def asset_dims(session: Session, ids: set[int]) -> dict[int, AssetDims]:
    if not ids:
        return {}
    rows = session.execute(
        select(
            Asset.id,
            Asset.width,
            Asset.height,
            Asset.raw_width,
            Asset.raw_height,
            Asset.orientation,
        ).where(Asset.id.in_(list(ids)))
    ).all()
    return {r[0]: AssetDims(*r) for r in rows}
