"""An in-memory BlobStore, for tests and throw-away runs."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from customlabels.storage.protocol import checked_key


class MemoryBlobStore:
    """Keys are checked as the local and S3 stores check them, so that a test run on this
    store fails where a real one would."""

    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}
        self._put_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def put(self, key: str, data: bytes) -> None:
        checked_key(key)
        with self._lock:
            self._blobs.setdefault(key, bytes(data))
            self._put_at[key] = time.time()

    def get(self, key: str) -> bytes:
        checked_key(key)
        with self._lock:
            return self._blobs[key]

    def exists(self, key: str) -> bool:
        checked_key(key)
        with self._lock:
            return key in self._blobs

    def delete(self, key: str) -> None:
        checked_key(key)
        with self._lock:
            self._blobs.pop(key, None)
            self._put_at.pop(key, None)

    def keys(self, prefix: str) -> Iterator[str]:
        checked_key(prefix)
        with self._lock:
            found = [k for k in self._blobs if k.startswith(prefix)]
        yield from found

    def now(self) -> float:
        return time.time()

    def discard(self, key: str, unused_since: float) -> bool:
        checked_key(key)
        with self._lock:
            if key not in self._blobs or self._put_at.get(key, 0.0) >= unused_since:
                return False
            del self._blobs[key]
            self._put_at.pop(key, None)
            return True
