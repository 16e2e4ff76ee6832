"""Resolving file names a source names against a root the user chose, safely."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class PathOutsideRoot(ValueError):
    """A referenced path escapes the allowed root (``..``, an absolute path, a symlink out)."""


def resolve_under_root(root: Path, reference: str) -> Path:
    """Return the real path of ``reference`` inside ``root``, or raise PathOutsideRoot.

    ``reference`` is a relative path. Absolute paths, ``..`` components that leave the root,
    and symlinks whose target lies outside the root are refused, so a manifest can't make
    the server read files the user did not offer.
    """
    if not reference:
        raise PathOutsideRoot("empty path")
    if reference.startswith(("/", "\\")) or Path(reference).is_absolute():
        raise PathOutsideRoot(
            f"absolute path {reference!r} is not allowed; name it relative to the root"
        )
    real_root = root.resolve()
    candidate = (real_root / reference).resolve()
    if candidate != real_root and real_root not in candidate.parents:
        raise PathOutsideRoot(f"path {reference!r} leaves the root {str(root)!r}")
    return candidate


class RootResolver:
    """``resolve_under_root`` and ``is_inside`` for many paths under one root, fast.

    The root's real path is computed once, and the real path of each folder once (a manifest
    names thousands of files per folder), so a file costs one ``lstat``; that ``lstat`` is
    handed back, as it is the file's ``stat`` unless the file is a symlink. The checks are
    those of ``resolve_under_root``: absolute references, ``..`` leaving the root and
    symlinks (of folders or of the file) pointing out of it are refused.
    """

    # Distinct folders remembered; a manifest over more starts afresh (cheap, correct).
    MAX_FOLDERS = 100_000

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self._prefix = self.real_root.rstrip(os.sep) + os.sep
        self._folders: dict[str, str] = {}

    def contains(self, real: str) -> bool:
        """Whether a real path (symlinks resolved) is the root or lies inside it."""
        return real == self.real_root or real.startswith(self._prefix)

    def resolve(self, reference: str) -> tuple[str, os.stat_result | None]:
        """The real path of relative ``reference`` inside the root, and its ``lstat`` when it
        is a file or folder that is not a symlink (None when missing or a symlink)."""
        if not reference:
            raise PathOutsideRoot("empty path")
        if reference.startswith(("/", "\\")) or os.path.isabs(reference):
            raise PathOutsideRoot(
                f"absolute path {reference!r} is not allowed; name it relative to the root"
            )
        real, st = self.real_path(os.path.join(self.real_root, reference))
        if not self.contains(real):
            raise PathOutsideRoot(f"path {reference!r} leaves the root {str(self.root)!r}")
        return real, st

    def real_path(self, path: str) -> tuple[str, os.stat_result | None]:
        """``os.path.realpath(path)`` (absolute ``path``), with its folder's real path cached,
        and the ``lstat`` of the result when it exists and is not a symlink."""
        folder, name = os.path.split(path)
        if name in ("", ".", "..") or not folder:
            return os.path.realpath(path), None
        real_folder = self._folders.get(folder)
        if real_folder is None:
            if len(self._folders) >= self.MAX_FOLDERS:
                self._folders.clear()
            real_folder = self._folders[folder] = os.path.realpath(folder)
        real = os.path.join(real_folder, name)
        try:
            st = os.lstat(real)
        except OSError:
            return real, None  # what realpath gives for a missing file; stat says why
        if stat.S_ISLNK(st.st_mode):
            return os.path.realpath(real), None
        return real, st


def stays_below(reference: str) -> bool:
    """Whether a relative ``reference`` names something below its root by its text alone:
    neither absolute nor with a ``..`` part. Readers probe such a name's candidates for
    existence; probing others would tell, through the name a record then carries, which
    files exist outside the root."""
    return not (
        reference.startswith(("/", "\\"))
        or os.path.isabs(reference)
        or ".." in Path(reference).parts
    )


def is_inside(root: Path, path: Path) -> bool:
    """Whether the real path of ``path`` lies inside the real path of ``root``."""
    real_root = root.resolve()
    real = path.resolve()
    return real == real_root or real_root in real.parents


def local_source_ref(path: Path) -> str:
    """The ``source-ref`` of a local file: a ``file://`` reference to its absolute path.

    Kept readable (not percent-encoded) so that a source-ref substring filter finds what the
    user typed.
    """
    return "file://" + path.resolve().as_posix()
