"""An in-memory BlobStore, for tests and throw-away runs."""

from __future__ import annotations

import threading


class MemoryBlobStore:
    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            self._blobs.setdefault(key, bytes(data))

    def get(self, key: str) -> bytes:
        with self._lock:
            return self._blobs[key]

    def exists(self, key: str) -> bool:
        with self._lock:
            return key in self._blobs

    def delete(self, key: str) -> None:
        with self._lock:
            self._blobs.pop(key, None)
