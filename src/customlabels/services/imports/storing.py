"""An import's third step: the analysed images of a batch stored as assets.

Bytes go to the BlobStore before the write transaction (an upload to S3 must not hold
SQLite's one writer); the asset rows, and which asset each source file or object held (so
the next import of it reads nothing), are written in the batch's transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from customlabels.imaging import Analysed
from customlabels.services.assets import (
    existing_hashes,
    forget_references,
    insert_assets,
    put_blobs,
    reference_files,
    remember_sources,
)
from customlabels.services.context import Context
from customlabels.services.imports.candidates import AssetDims, Candidate, source_key


class AssetStorer:
    """Stores batches' new images; fills ``by_fingerprint`` (shared with the Locator)."""

    def __init__(
        self, ctx: Context, by_fingerprint: dict[str, AssetDims], *, in_place: bool = False
    ) -> None:
        self.ctx = ctx
        # Local files stay where they are: new assets record their file instead of bytes.
        self.in_place = in_place
        self.by_fingerprint = by_fingerprint
        self._sizes: dict[str, int] = {}  # remote fingerprint -> byte size

    def put_bytes(self, batch: list[Candidate]) -> list[tuple[Analysed, bytes]]:
        """Store the bytes of the batch's analysed images; returns them, one per hash."""
        # By hash: candidates that shared one download hold the same analysis.
        fresh = list({c.analysed[0].sha256: c.analysed for c in batch if c.analysed}.values())
        put_blobs(self.ctx, fresh)
        return fresh

    def write_rows(
        self, session: Session, batch: list[Candidate], fresh: list[tuple[Analysed, bytes]]
    ) -> None:
        """Asset rows of ``fresh``, each candidate's ``asset``, and the source-file rows."""
        known = existing_hashes(session, [a.sha256 for a, _ in fresh]) if self.in_place else set()
        ids = insert_assets(
            session,
            [a for a, _ in fresh],
            thumbnails=not self.ctx.settings.thumbnails_in_store,
        )
        if self.in_place:
            reference_files(session, _references(batch, ids, known))
        else:
            # Bytes now in the store: an asset imported in place before is read there.
            forget_references(session, list(ids.values()))
        sources: list[dict[str, Any]] = []
        for cand in batch:
            if cand.analysed is None:
                # A remote object whose bytes another key of this import held: remember
                # it too, so the next sync knows it unchanged without downloading it.
                if cand.fetch and cand.asset and cand.fingerprint in self._sizes:
                    sources.append(
                        {
                            "source_ref": cand.source_key,
                            "asset_id": cand.asset.id,
                            "byte_size": self._sizes[cand.fingerprint],
                            "fingerprint": cand.fingerprint,
                        }
                    )
                continue
            info = cand.analysed[0].info
            cand.asset = AssetDims(
                ids[cand.analysed[0].sha256],
                info.width,
                info.height,
                info.raw_width,
                info.raw_height,
                info.orientation,
            )
            if cand.fingerprint and (key := source_key(cand)):
                self.by_fingerprint[cand.fingerprint] = cand.asset
                if cand.fetch is not None:
                    self._sizes[cand.fingerprint] = cand.analysed[0].byte_size
                sources.append(
                    {
                        "source_ref": key,
                        "asset_id": cand.asset.id,
                        "byte_size": cand.analysed[0].byte_size,
                        "fingerprint": cand.fingerprint,
                    }
                )
        remember_sources(session, sources)


def _references(
    batch: list[Candidate], ids: dict[str, int], known: set[str]
) -> list[dict[str, Any]]:
    """referenced_files rows of the batch's new assets imported in place (a hash some asset
    held before keeps that asset's bytes, in the store or in its own file)."""
    rows: dict[int, dict[str, Any]] = {}
    for cand in batch:
        if cand.analysed is None or not cand.path or not cand.fingerprint:
            continue
        sha = cand.analysed[0].sha256
        if sha in known or ids[sha] in rows:
            continue
        size, mtime_ns = cand.fingerprint.split(":")[:2]
        rows[ids[sha]] = {
            "asset_id": ids[sha],
            "path": cand.path,
            "byte_size": int(size),
            "mtime_ns": int(mtime_ns),
            "fingerprint": cand.fingerprint,
        }
    return list(rows.values())
