"""The BlobStore protocol: content-addressed bytes, put once and read many times."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class BlobStore(Protocol):
    """Stores bytes under keys. Keys are relative, '/'-separated, never starting with '/'
    nor holding a '..' part: every method refuses such a key with ValueError."""

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``; writing an existing key again is harmless."""
        ...

    def get(self, key: str) -> bytes:
        """Return the bytes under ``key``; raise KeyError when there are none."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove ``key``; a missing key is not an error."""
        ...

    def keys(self, prefix: str) -> Iterator[str]:
        """Every key under ``prefix`` (a folder, ending in '/'), streamed, in no set order;
        files of unfinished writes and discards are not keys."""
        ...

    def now(self) -> float:
        """The store's own clock (epoch seconds), as ``discard`` compares put times with it."""
        ...

    def discard(self, key: str, unused_since: float) -> bool:
        """Remove ``key`` unless it was put (written, or put again) at or after
        ``unused_since`` (epoch seconds); whether it was removed. A missing key gives False.

        For reclaiming space: an import that finds its bytes stored already puts them
        again, which marks them in use, so a blob an import relies on is never discarded.
        """
        ...


def checked_key(key: str) -> str:
    """``key``, when it is one a store may hold; else ValueError (it could leave the store's
    folder or prefix)."""
    if key.startswith("/") or ".." in key.split("/"):
        raise ValueError(f"invalid blob key {key!r}")
    return key


def asset_key(sha256: str) -> str:
    """The key of an asset's original bytes, fanned out over 256 folders.

    One level, not two: with 65,536 folders almost every new image made a folder of its own
    on a local disk, which cost as much as writing the image (a million images still give
    only ~4,000 files a folder).
    """
    return f"assets/{sha256[:2]}/{sha256}"


def thumbnail_key(sha256: str) -> str:
    """The key of an asset's thumbnail, when thumbnails are kept in the store (not the DB)."""
    return f"thumbnails/{sha256[:2]}/{sha256}.jpg"
