"""Resolving file names a source names against a root the user chose, safely."""

from __future__ import annotations

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
