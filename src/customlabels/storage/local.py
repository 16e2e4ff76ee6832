"""A local directory as BlobStore: each key a file, written atomically."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from customlabels.storage.protocol import checked_key


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        # Folders known to exist: an import writes thousands of blobs into a few hundred
        # folders, and asking the file system again for each costs more than the write.
        self._folders: set[str] = set()

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def put(self, key: str, data: bytes) -> None:
        path = os.fspath(self._path(key))
        try:
            # Content-addressed: same key, same bytes. Touching it says "in use" to discard().
            os.utime(path)
            return
        except FileNotFoundError:
            pass
        except OSError:
            return  # there, but not ours to touch (a read-only copy of a store): still there
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        # Write to a temporary file then rename, so a crash never leaves a half-written blob.
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self, prefix: str) -> Iterator[str]:
        base = self._path(prefix.rstrip("/")) if prefix.strip("/") else self.root
        for folder, _, names in os.walk(base):
            relative = os.path.relpath(folder, self.root).replace(os.sep, "/")
            for name in names:
                # Hidden: temporary files of put(), files being discarded, the clock.
                if not name.startswith(".") and ".discard-" not in name:
                    yield name if relative == "." else f"{relative}/{name}"

    def now(self) -> float:
        # The file system stamps times from a clock that may lag time.time() by a tick: a
        # put() just after this call could otherwise look older than it. Ask the file system.
        marker = self.root / ".clock"
        marker.touch()
        return marker.stat().st_mtime

    def discard(self, key: str, unused_since: float) -> bool:
        path = os.fspath(self._path(key))
        try:
            if os.stat(path).st_mtime >= unused_since:
                return False  # put since: in use
        except FileNotFoundError:
            return False
        # Moved aside, then judged again: a put() that touched the blob before the move shows
        # in its time, and one after it finds no blob and writes it anew. Either way the
        # bytes an import relies on stay (moved back, or written again).
        aside = f"{path}.discard-{os.getpid()}-{threading.get_ident()}"
        try:
            os.rename(path, aside)
        except FileNotFoundError:
            return False
        if os.stat(aside).st_mtime >= unused_since:
            os.replace(aside, path)  # the same bytes as any put() meanwhile: content-addressed
            return False
        os.unlink(aside)
        return True
