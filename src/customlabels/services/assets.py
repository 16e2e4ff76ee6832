"""Storing analysed images as assets: bytes in the BlobStore, metadata and thumbnail in rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from customlabels.db.tables import Asset, ReferencedFile, SourceAsset, Thumbnail
from customlabels.errors import NotFound
from customlabels.imaging import Analysed, InvalidImage, make_thumbnail
from customlabels.services import referenced_files
from customlabels.services.context import Context
from customlabels.services.sql_helpers import insert_ignoring_conflicts, upsert
from customlabels.storage.protocol import asset_key, thumbnail_key


def put_blobs(ctx: Context, items: Sequence[tuple[Analysed, bytes | None]]) -> None:
    """Write the bytes first: a crash then leaves at worst an unreferenced blob.

    ``None`` bytes were already written to the store (by an import's worker process).
    """
    blobs = [(asset_key(analysed.sha256), data) for analysed, data in items if data is not None]
    if ctx.settings.thumbnails_in_store:
        # An empty thumbnail is one deferred to its first view (imports in place).
        blobs += [
            (thumbnail_key(analysed.sha256), analysed.thumbnail)
            for analysed, _ in items
            if analysed.thumbnail
        ]
    # Remote stores (S3) upload a batch concurrently; local ones write one by one.
    put_many = getattr(ctx.blobs, "put_many", None)
    if put_many is not None:
        put_many(blobs)
        return
    for key, data in blobs:
        ctx.blobs.put(key, data)


def insert_assets(
    session: Session, items: Sequence[Analysed], *, thumbnails: bool = True
) -> dict[str, int]:
    """Rows for the analysed images (skipping known hashes); returns sha256 -> asset id.

    ``thumbnails=False`` when they are kept in the image store instead (thumbnails_in_store).
    """
    unique = {a.sha256: a for a in items}
    if not unique:
        return {}
    # The tables, not the ORM classes: a plain executemany, without the ORM's bulk-insert
    # bookkeeping (which cost as much as the rest of an import in place's writes).
    insert_ignoring_conflicts(
        session,
        Asset.__table__,
        [
            {
                "sha256": a.sha256,
                "image_format": a.info.format,
                "width": a.info.width,
                "height": a.info.height,
                "raw_width": a.info.raw_width,
                "raw_height": a.info.raw_height,
                "orientation": a.info.orientation,
                "byte_size": a.byte_size,
            }
            for a in unique.values()
        ],
    )
    ids = dict(
        session.execute(select(Asset.sha256, Asset.id).where(Asset.sha256.in_(list(unique)))).all()
    )
    if thumbnails:
        insert_ignoring_conflicts(
            session,
            Thumbnail.__table__,
            [
                {"asset_id": ids[sha], "data": a.thumbnail}
                for sha, a in unique.items()
                if a.thumbnail  # empty: deferred to its first view (imports in place)
            ],
        )
    return ids


def existing_hashes(session: Session, hashes: Sequence[str]) -> set[str]:
    """The hashes among ``hashes`` that some asset holds already."""
    if not hashes:
        return set()
    return set(session.scalars(select(Asset.sha256).where(Asset.sha256.in_(list(hashes)))))


def reference_files(session: Session, rows: list[dict[str, Any]]) -> None:
    """Record where the bytes of assets imported in place lie (asset_id, path, byte_size,
    mtime_ns, fingerprint); an asset referenced already keeps its first file."""
    insert_ignoring_conflicts(session, ReferencedFile.__table__, rows)


def forget_references(session: Session, asset_ids: Sequence[int]) -> None:
    """The assets' bytes are in the store now: read them there, not from a server file."""
    if asset_ids:
        session.execute(delete(ReferencedFile).where(ReferencedFile.asset_id.in_(list(asset_ids))))


def referenced_assets(session: Session, asset_ids: Sequence[int]) -> set[int]:
    """The assets among ``asset_ids`` whose bytes lie in a server file, not in the store."""
    if not asset_ids:
        return set()
    return set(
        session.scalars(
            select(ReferencedFile.asset_id).where(ReferencedFile.asset_id.in_(list(asset_ids)))
        )
    )


def remember_sources(session: Session, rows: list[dict[str, Any]]) -> None:
    """Record which asset each source file held (source_ref, asset_id, byte_size, fingerprint)."""
    upsert(
        session,
        SourceAsset,
        rows,
        keys=["source_ref"],
        update=["asset_id", "byte_size", "fingerprint"],
    )


def known_sources(session: Session, refs: Sequence[str]) -> dict[str, tuple[int, str]]:
    """source_ref -> (asset id, fingerprint) for the refs read before."""
    if not refs:
        return {}
    return {
        ref: (asset_id, fingerprint)
        for ref, asset_id, fingerprint in session.execute(
            select(SourceAsset.source_ref, SourceAsset.asset_id, SourceAsset.fingerprint).where(
                SourceAsset.source_ref.in_(list(refs))
            )
        )
    }


def read_thumbnail(ctx: Context, sha256: str) -> bytes:
    if ctx.settings.thumbnails_in_store:
        try:
            return ctx.blobs.get(thumbnail_key(sha256))
        except KeyError:
            pass  # written before the setting changed: still in the database
    with ctx.db.read() as session:
        data = session.scalar(
            select(Thumbnail.data)
            .join(Asset, Asset.id == Thumbnail.asset_id)
            .where(Asset.sha256 == sha256)
        )
    if data is None:
        return _deferred_thumbnail(ctx, sha256)
    return data


def _deferred_thumbnail(ctx: Context, sha256: str) -> bytes:
    """The thumbnail of an asset imported in place whose import left it for its first
    view: made from the (checked) file now, and kept like any other."""
    ref = referenced_files.find_reference(ctx, sha256)
    if ref is None:
        raise NotFound(f"no thumbnail for asset {sha256}")
    settings = ctx.settings
    try:
        data = make_thumbnail(
            referenced_files.read_referenced(ctx, ref),
            settings.thumbnail_size,
            settings.max_image_pixels,
            settings.max_decode_bytes,
        )
    except InvalidImage as exc:
        raise NotFound(f"no thumbnail for asset {sha256}: {exc}") from None
    if settings.thumbnails_in_store:
        ctx.blobs.put(thumbnail_key(sha256), data)
    else:
        with ctx.db.write() as session:
            row = {"asset_id": ref.asset_id, "data": data}
            insert_ignoring_conflicts(session, Thumbnail, [row])
    return data


def read_original(ctx: Context, sha256: str) -> bytes:
    """The asset's original bytes: from the store, or from the server file it was imported
    in place from (checked: SourceFileChanged when that file no longer holds them)."""
    try:
        return ctx.blobs.get(asset_key(sha256))
    except KeyError:
        pass
    ref = referenced_files.find_reference(ctx, sha256)
    if ref is None:
        raise NotFound(f"the bytes of asset {sha256} are missing from the store")
    return referenced_files.read_referenced(ctx, ref)
