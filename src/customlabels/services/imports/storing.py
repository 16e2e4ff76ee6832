"""An import's third step: the analysed images of a batch stored as assets.

Bytes go to the BlobStore before the write transaction (an upload to S3 must not hold
SQLite's one writer); the asset rows, and which asset each source file or object held (so
the next import of it reads nothing), are written in the batch's transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from customlabels.imaging import Analysed
from customlabels.services.assets import insert_assets, put_blobs, remember_sources
from customlabels.services.context import Context
from customlabels.services.imports.candidates import AssetDims, Candidate, source_key


class AssetStorer:
    """Stores batches' new images; fills ``by_fingerprint`` (shared with the Locator)."""

    def __init__(self, ctx: Context, by_fingerprint: dict[str, AssetDims]) -> None:
        self.ctx = ctx
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
        ids = insert_assets(
            session,
            [a for a, _ in fresh],
            thumbnails=not self.ctx.settings.thumbnails_in_store,
        )
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
