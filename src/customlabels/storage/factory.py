"""Choose the BlobStore a storage URL names."""

from __future__ import annotations

from pathlib import Path

from customlabels.errors import InvalidInput
from customlabels.storage.local import LocalBlobStore
from customlabels.storage.memory import MemoryBlobStore
from customlabels.storage.protocol import BlobStore
from customlabels.storage.s3 import S3BlobStore, S3Options  # boto3 loads on first use


def open_blob_store(
    storage_url: str | None, data_dir: Path, s3: S3Options | None = None
) -> BlobStore:
    """``None`` → ``data_dir/blobs``; ``memory://`` → in memory; ``file:///path`` or a path;
    ``s3://bucket/prefix`` → S3 (checked reachable now: an unreachable store fails start-up).
    """
    if not storage_url:
        return LocalBlobStore(data_dir / "blobs")
    if storage_url == "memory://":
        return MemoryBlobStore()
    if storage_url.startswith("file://"):
        return LocalBlobStore(Path(storage_url.removeprefix("file://")))
    if "://" not in storage_url:
        return LocalBlobStore(Path(storage_url))
    if storage_url.startswith("s3://"):
        return S3BlobStore.open(storage_url, s3 or S3Options())
    raise InvalidInput(
        f"unsupported storage URL {storage_url!r}: use a path, file://, s3:// or memory://"
    )
