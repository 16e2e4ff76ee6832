"""Model files in the BlobStore, and their unpacked copies in this machine's cache.

A version's model is ``Model.save``'s directory packed as one tar.gz blob, so a worker on
a GPU machine trains what a web server on another machine serves, through any store
(local directory or S3). Each process unpacks a blob once into ``data_dir/model-cache``,
in a folder named by the key, renamed into place whole so a reader never sees half of it.
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
import uuid
from pathlib import Path

from customlabels.services.context import Context

CACHE = "model-cache"


def cache_dir(ctx: Context, *parts: str) -> Path:
    path = Path(ctx.settings.data_dir, CACHE, *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def pack(directory: Path) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for path in sorted(directory.rglob("*")):
            tar.add(path, arcname=str(path.relative_to(directory)), recursive=False)
    return out.getvalue()


def store_model(ctx: Context, project_id: int, version_id: int, directory: Path) -> str:
    """Pack a saved model directory into the store; returns its key."""
    key = f"models/{project_id}/versions/{uuid.uuid4().hex}-model.tar.gz"
    ctx.blobs.put(key, pack(directory))
    return key


def unpacked(ctx: Context, key: str) -> Path:
    """The model directory of blob ``key``, unpacked here once."""
    name = key.replace("/", "_")
    target = cache_dir(ctx, "versions") / name
    if target.is_dir():
        return target
    data = ctx.blobs.get(key)
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=target.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            # Our own blobs, but the filter still refuses paths that would leave the folder.
            tar.extractall(staging, filter="data")
        try:
            os.rename(staging, target)
        except OSError:  # another thread or process unpacked it first
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
