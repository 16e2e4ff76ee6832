"""Content addresses for assets."""

from __future__ import annotations

import hashlib


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of ``data``: the key an asset is stored under."""
    return hashlib.sha256(data).hexdigest()
