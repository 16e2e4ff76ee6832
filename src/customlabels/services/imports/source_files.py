"""Finding the local file a source-ref names, under a root the user chose."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

from customlabels.formats.paths import PathOutsideRoot, RootResolver


class UnresolvableSource(ValueError):
    """The source-ref names no readable file we may read; ``code`` is the entry error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class LocalFile(NamedTuple):
    """A regular file found for a source-ref (a tuple: made by the million in imports)."""

    path: str
    byte_size: int
    # Changes when the file's content may have changed: size, mtime and inode.
    fingerprint: str


# Errors after which a path simply does not exist (what Path.exists() says False to).
_MISSING_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def stat_file(path: str, st: os.stat_result | None = None) -> LocalFile:
    """The regular file at ``path``; ``st`` is its ``stat`` when the caller has it already."""
    if st is None:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise UnresolvableSource(
                "ERROR_INVALID_IMAGE", f"file {path!r} does not exist"
            ) from None
        except OSError as exc:
            raise UnresolvableSource(
                "ERROR_INVALID_IMAGE", f"cannot read {path!r}: {exc}"
            ) from None
    if not stat.S_ISREG(st.st_mode):
        raise UnresolvableSource("ERROR_INVALID_IMAGE", f"{path!r} is not a file")
    return LocalFile(path, st.st_size, file_fingerprint(st))


def file_fingerprint(st: os.stat_result) -> str:
    """What changes when a file's content may have: size, mtime, device and inode."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_dev}:{st.st_ino}"


def resolve_source_ref(source_ref: str, root: Path | None) -> str:
    """The local path a manifest's source-ref names.

    ``s3://bucket/key`` is looked up as ``root/bucket/key``, then ``root/key``; a relative
    path as ``root/path``; ``file:///abs`` must lie inside root. Anything leaving the root
    (``..``, absolute paths, symlinks out of it) is refused.
    """
    return SourceFiles(root).resolve(source_ref)[0]


class SourceFiles:
    """Finds the files source-refs name under one root, for a whole import.

    ``locate`` is ``stat_file(resolve_source_ref(ref, root))`` at the cost of about one
    ``lstat`` per file: the root's and each folder's real path are computed once.
    """

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._resolver = RootResolver(root) if root is not None else None

    def locate(self, source_ref: str) -> LocalFile:
        """The regular file ``source_ref`` names, or UnresolvableSource saying why not.

        Messages name the image as the user wrote it, never the folder it was looked for
        in: that may be one of ours (the user's own folder is what they gave).
        """
        path, st = self.resolve(source_ref)
        try:
            return stat_file(path, st)
        except UnresolvableSource as exc:
            if st is None and not os.path.lexists(path):
                raise UnresolvableSource(exc.code, _not_found(source_ref)) from None
            raise UnresolvableSource(
                exc.code, f"image {source_ref} in the image folder you gave cannot be read"
            ) from None

    def resolve(self, source_ref: str) -> tuple[str, os.stat_result | None]:
        """The real path ``source_ref`` names, and its ``stat`` when that was learnt on the way."""
        resolver = self._resolver
        if resolver is None:
            raise UnresolvableSource(
                "ERROR_INVALID_IMAGE",
                f"image {source_ref} is not in the dataset, and no image folder was given "
                "to find it in",
            )
        try:
            if source_ref.startswith("s3://"):
                bucket_and_key = source_ref.removeprefix("s3://")
                bucket, _, key = bucket_and_key.partition("/")
                candidates = [bucket_and_key, key] if key else [bucket_and_key]
                for candidate in candidates:
                    path, st = resolver.resolve(unquote(candidate))
                    if st is None:
                        try:
                            st = os.stat(path)
                        except OSError as exc:
                            if exc.errno in _MISSING_ERRNOS:
                                continue
                            raise UnresolvableSource(
                                "ERROR_INVALID_IMAGE", f"cannot read {path!r}: {exc}"
                            ) from None
                    return path, st
                raise UnresolvableSource(
                    "ERROR_INVALID_IMAGE",
                    _not_found(source_ref)
                    + f" (looked for {' and '.join(unquote(c) for c in candidates)})",
                )
            if source_ref.startswith("file://"):
                # Joined, not normalised: ".." must apply after the symlinks before it.
                path = os.path.join(os.getcwd(), Path(source_ref.removeprefix("file://")))
                real, st = resolver.real_path(path)
                if not resolver.contains(real):
                    raise PathOutsideRoot(source_ref)
                return real, st
            if "://" in source_ref:
                raise UnresolvableSource(
                    "ERROR_INVALID_SOURCE_REF_FORMAT",
                    f"cannot read {source_ref!r} from a local root",
                )
            return resolver.resolve(source_ref)
        except PathOutsideRoot:
            # Said without the root's path: it may be a folder of ours, not the user's.
            raise UnresolvableSource(
                "ERROR_INVALID_SOURCE_REF_FORMAT",
                f"image {source_ref} lies outside the image folder you gave",
            ) from None


def _not_found(source_ref: str) -> str:
    return f"image {source_ref} not found in the image folder you gave"
