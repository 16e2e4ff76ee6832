"""Reclaiming the space of images that no entry uses any more.

Deleting entries, a dataset or a project leaves their images' bytes, thumbnails and asset
rows behind: another dataset may share them (copies share bytes), and an import may be about
to use them again. ``reclaim_unused_images`` removes the assets no entry refers to: their
rows (with thumbnails and the source-file cache, by cascade) and then their bytes.

Why it can run beside the server, and what keeps it from losing bytes in use:
- the rows go first, in one statement per batch that re-checks "no entry refers to it", so
  an entry written meanwhile keeps its asset;
- the bytes go through ``BlobStore.discard``, which keeps any blob put since the run began:
  an import that found its image stored already puts it again (which marks it), and then
  writes the asset row anew, so the bytes and the row it relies on are both there;
- it refuses to start, and stops between batches, while a job runs: an import that reuses
  an asset through the source-file cache (no put) could otherwise find its row gone (that
  batch would then fail, and nothing be lost: running the import again reads the file).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import ColumnElement, delete, exists, select

from customlabels.db.tables import Asset, Entry
from customlabels.errors import ResourceInUse
from customlabels.services.context import Context
from customlabels.services.jobs import first_running_job
from customlabels.storage.protocol import asset_key, thumbnail_key

BATCH = 500
# A stored file no asset row names is removed by a sweep only when it is older than this: an
# import writes bytes before the row that names them, and a job whose heartbeat went quiet
# for a while may still be about to write that row.
SWEEP_GRACE_S = 3600.0


@dataclass(frozen=True)
class ReclaimResult:
    images: int  # unused images found (removed, unless a dry run)
    bytes: int  # their original bytes
    kept: int  # blobs not removed: put again during the run (an import writes the row anew)
    dry_run: bool
    # Stored files no asset row names (a sweep): removed, or found in a dry run.
    orphans: int = 0


def reclaim_unused_images(
    ctx: Context,
    *,
    dry_run: bool = False,
    sweep: bool = False,
    on_batch: Callable[[int, int], None] | None = None,
) -> ReclaimResult:
    """Remove the images no entry uses; ``on_batch(images, bytes)`` after each batch.

    With ``sweep``, also remove the stored files that no asset row names, older than
    SWEEP_GRACE_S: the bytes of an import killed before it wrote their rows, or of a
    reclaim interrupted between removing rows and their bytes.
    """
    started = ctx.blobs.now()
    images = size = kept = 0
    after = 0
    while True:
        _refuse_while_jobs_run(ctx)
        with ctx.db.read() if dry_run else ctx.db.write() as session:
            found = session.execute(
                select(Asset.id, Asset.sha256, Asset.byte_size)
                .where(Asset.id > after, _unused())
                .order_by(Asset.id)
                .limit(BATCH)
            ).all()
            if not found:
                break
            after = found[-1].id
            if dry_run:
                gone = [(row.sha256, row.byte_size) for row in found]
            else:
                gone = [
                    (row.sha256, row.byte_size)
                    for row in session.execute(
                        delete(Asset)
                        .where(Asset.id.in_([row.id for row in found]), _unused())
                        .returning(Asset.sha256, Asset.byte_size)
                    )
                ]
        if not dry_run and gone:
            originals = [asset_key(sha256) for sha256, _ in gone]
            kept += sum(not removed for removed in _discard_all(ctx, originals, started))
            if ctx.settings.thumbnails_in_store:
                _discard_all(ctx, [thumbnail_key(sha256) for sha256, _ in gone], started)
        batch_bytes = sum(byte_size for _, byte_size in gone)
        images += len(gone)
        size += batch_bytes
        if on_batch is not None:
            on_batch(len(gone), batch_bytes)
    orphans = _sweep(ctx, started - SWEEP_GRACE_S, dry_run) if sweep else 0
    return ReclaimResult(images, size, kept, dry_run, orphans)


def _sweep(ctx: Context, unused_since: float, dry_run: bool) -> int:
    """Remove (or count) the stored originals and thumbnails no asset row names."""
    found = 0
    for folder, sha_of in (("assets/", _plain), ("thumbnails/", _jpg)):
        keys = ctx.blobs.keys(folder)
        while chunk := list(islice(keys, BATCH)):
            _refuse_while_jobs_run(ctx)
            by_sha = {sha_of(key): key for key in chunk}
            with ctx.db.read() as session:
                named = set(
                    session.scalars(select(Asset.sha256).where(Asset.sha256.in_(list(by_sha))))
                )
            orphans = [key for sha, key in by_sha.items() if sha not in named]
            if dry_run:
                found += len(orphans)
            elif orphans:
                found += sum(_discard_all(ctx, orphans, unused_since))
    return found


def _plain(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def _jpg(key: str) -> str:
    return key.rsplit("/", 1)[-1].removesuffix(".jpg")


def _discard_all(ctx: Context, keys: list[str], unused_since: float) -> list[bool]:
    # Concurrently: on S3 each discard is two requests, which wait on the network.
    workers = min(len(keys), max(1, ctx.settings.s3_max_concurrency))
    with ThreadPoolExecutor(workers, thread_name_prefix="discard") as pool:
        return list(pool.map(lambda key: ctx.blobs.discard(key, unused_since), keys))


def _unused() -> ColumnElement[bool]:
    return ~exists().where(Entry.asset_id == Asset.id)


def _refuse_while_jobs_run(ctx: Context) -> None:
    with ctx.db.read() as session:
        job = first_running_job(session)
        running = None if job is None else (job.id, job.kind)
    if running is not None:
        raise ResourceInUse(
            f"job {running[0]} ({running[1]}) is running; reclaim space when it has ended",
            details={"job_ids": [running[0]]},
        )
