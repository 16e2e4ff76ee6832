"""Encryption of the secrets we must be able to read back (API key secrets: an AWS
Signature V4 check computes an HMAC with the secret itself, so a one-way hash won't do)."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from customlabels.config import Settings
from customlabels.errors import InternalError

KEY_FILE = "secret.key"


def _fernet_key(secret: str) -> bytes:
    # Any string the operator sets becomes a 32-byte Fernet key through SHA-256.
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


def _key_from_file(path: Path) -> str:
    """The data directory's own key, made on first use readable by its owner only."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        key = secrets.token_urlsafe(32)
        f.write(key + "\n")
    return key


@lru_cache(maxsize=8)
def _fernet(secret_key: str | None, data_dir: Path) -> Fernet:
    secret = secret_key or _key_from_file(data_dir / KEY_FILE)
    return Fernet(_fernet_key(secret))


def encrypt(settings: Settings, plain: str) -> str:
    return (
        _fernet(settings.secret_key, settings.data_dir.resolve()).encrypt(plain.encode()).decode()
    )


def decrypt(settings: Settings, token: str) -> str:
    try:
        return _fernet(settings.secret_key, settings.data_dir.resolve()).decrypt(token).decode()
    except InvalidToken:
        raise InternalError(
            "an API key secret can't be decrypted: the secret key setting changed since the "
            "key was made (CUSTOMLABELS_SECRET_KEY or data_dir/secret.key)"
        ) from None
