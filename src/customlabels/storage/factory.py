"""Choose the BlobStore a storage URL names."""

from __future__ import annotations

from pathlib import Path

from customlabels.errors import InvalidInput
from customlabels.storage.local import LocalBlobStore
from customlabels.storage.memory import MemoryBlobStore
from customlabels.storage.protocol import BlobStore


def open_blob_store(storage_url: str | None, data_dir: Path) -> BlobStore:
    """``None`` → ``data_dir/blobs``; ``memory://`` → in memory; ``file:///path`` or a path."""
    if not storage_url:
        return LocalBlobStore(data_dir / "blobs")
    if storage_url == "memory://":
        return MemoryBlobStore()
    if storage_url.startswith("file://"):
        return LocalBlobStore(Path(storage_url.removeprefix("file://")))
    if "://" not in storage_url:
        return LocalBlobStore(Path(storage_url))
    raise InvalidInput(f"unsupported storage URL {storage_url!r}: use a path, file:// or memory://")
