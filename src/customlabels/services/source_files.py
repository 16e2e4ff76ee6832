"""Finding the local file a source-ref names, under a root the user chose."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from customlabels.formats.paths import PathOutsideRoot, is_inside, resolve_under_root


class UnresolvableSource(ValueError):
    """The source-ref names no readable file we may read; ``code`` is the entry error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class LocalFile:
    path: str
    byte_size: int
    # Changes when the file's content may have changed: size, mtime and inode.
    fingerprint: str


def stat_file(path: str) -> LocalFile:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UnresolvableSource("ERROR_INVALID_IMAGE", f"file {path!r} does not exist") from None
    except OSError as exc:
        raise UnresolvableSource("ERROR_INVALID_IMAGE", f"cannot read {path!r}: {exc}") from None
    if not os.path.isfile(path):
        raise UnresolvableSource("ERROR_INVALID_IMAGE", f"{path!r} is not a file")
    return LocalFile(path, st.st_size, f"{st.st_size}:{st.st_mtime_ns}:{st.st_dev}:{st.st_ino}")


def resolve_source_ref(source_ref: str, root: Path | None) -> str:
    """The local path a manifest's source-ref names.

    ``s3://bucket/key`` is looked up as ``root/bucket/key``, then ``root/key``; a relative
    path as ``root/path``; ``file:///abs`` must lie inside root. Anything leaving the root
    (``..``, absolute paths, symlinks out of it) is refused.
    """
    if root is None:
        raise UnresolvableSource(
            "ERROR_INVALID_IMAGE", f"no root folder given to find {source_ref!r} in"
        )
    try:
        if source_ref.startswith("s3://"):
            bucket_and_key = source_ref.removeprefix("s3://")
            bucket, _, key = bucket_and_key.partition("/")
            candidates = [bucket_and_key, key] if key else [bucket_and_key]
            for candidate in candidates:
                path = resolve_under_root(root, unquote(candidate))
                if path.exists():
                    return str(path)
            raise UnresolvableSource(
                "ERROR_INVALID_IMAGE",
                f"{source_ref!r} is not under {str(root)!r} (looked for "
                f"{' and '.join(repr(c) for c in candidates)})",
            )
        if source_ref.startswith("file://"):
            path = Path(source_ref.removeprefix("file://"))
            if not is_inside(root, path):
                raise PathOutsideRoot(f"{source_ref!r} lies outside the root {str(root)!r}")
            return str(path.resolve())
        if "://" in source_ref:
            raise UnresolvableSource(
                "ERROR_INVALID_SOURCE_REF_FORMAT",
                f"cannot read {source_ref!r} from a local root",
            )
        return str(resolve_under_root(root, source_ref))
    except PathOutsideRoot as exc:
        raise UnresolvableSource("ERROR_INVALID_SOURCE_REF_FORMAT", str(exc)) from None
