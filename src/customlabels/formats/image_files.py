"""Helpers shared by the COCO, YOLO, VOC and folder readers and writers.

Readers turn every file name a source gives into a record through :func:`record_for_reference`,
which never raises: a name that escapes the root or a file that is missing becomes an
:class:`EntryIssue` on the record. Writers share :class:`WriteSummary` and the checks on the
names they write under.
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

from customlabels.formats.paths import PathOutsideRoot, RootResolver
from customlabels.formats.records import EntryIssue, ImportRecord

# Suffixes (lower case, with the dot) of the image files we read. Matched case-insensitively.
IMAGE_SUFFIXES: frozenset[str] = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif"}
)

INVALID_SOURCE_REF = "ERROR_INVALID_SOURCE_REF_FORMAT"
MISSING_SOURCE_REF = "ERROR_MISSING_SOURCE_REF"
INVALID_IMAGE = "ERROR_INVALID_IMAGE"
INVALID_BOX = "ERROR_INVALID_BOUNDING_BOX"
MISSING_CLASS = "ERROR_MISSING_CLASS_MAP_ID"


def is_image_name(name: str) -> bool:
    """Whether a file name has one of :data:`IMAGE_SUFFIXES` (case-insensitive)."""
    return os.path.splitext(name)[1].lower() in IMAGE_SUFFIXES


def is_absolute_reference(reference: str) -> bool:
    """Whether a name is absolute on POSIX or Windows (``/x``, ``\\x``, ``C:\\x``)."""
    return (
        reference.startswith(("/", "\\"))
        or Path(reference).is_absolute()
        or PureWindowsPath(reference).is_absolute()
    )


def resolve_reference(
    root: Path, reference: str, resolver: RootResolver | None = None
) -> tuple[Path | None, EntryIssue | None]:
    """Resolve ``reference`` under ``root``: (real path, None) or (None or path, issue).

    The path is returned with an issue when it lies inside the root but no file is there, so
    the record can still carry a ``file://`` source-ref. A reader naming many files passes
    one ``resolver`` for the root, so each file costs one ``lstat``, not a walk of its path.
    """
    try:
        if is_absolute_reference(reference):
            raise PathOutsideRoot(
                f"absolute path {reference!r} is not allowed; name it relative to the root"
            )
        real, st = (resolver or RootResolver(root)).resolve(reference)
        is_file = stat.S_ISREG(st.st_mode) if st is not None else os.path.isfile(real)
    except PathOutsideRoot as exc:
        return None, EntryIssue(INVALID_SOURCE_REF, f"image path refused: {exc}")
    except (ValueError, OSError) as exc:  # NUL bytes, loops, names too long
        return None, EntryIssue(INVALID_SOURCE_REF, f"image path {reference!r} is invalid: {exc}")
    if not is_file:
        return Path(real), EntryIssue(
            INVALID_IMAGE, f"image file {reference!r} not found under {root}"
        )
    return Path(real), None


def record_for_reference(
    root: Path, reference: str, resolver: RootResolver | None = None, **fields: Any
) -> ImportRecord:
    """An :class:`ImportRecord` for the image ``reference`` names under ``root``; never raises.

    A resolved file gives ``source_ref = file://<real path>`` and ``local_path``. A missing
    file gives the same source_ref, no local_path and an ``ERROR_INVALID_IMAGE`` issue. A
    name that escapes the root (``..``, absolute, a symlink out) keeps the name as written as
    its source_ref, with an ``ERROR_INVALID_SOURCE_REF_FORMAT`` issue. Labels and boxes are
    kept on records with issues so the user sees what the source meant.
    """
    path, issue = resolve_reference(root, reference, resolver)
    record = ImportRecord(source_ref=reference, frame="upright", **fields)
    if path is not None:
        # ``path`` is real already: this is local_source_ref(path) without resolving again.
        record.source_ref = "file://" + path.as_posix()
        if issue is None:
            record.local_path = str(path)
    if issue is not None:
        record.issues.insert(0, issue)
    return record


def finite_number(value: Any) -> float | None:
    """``value`` as a finite float, or None when it is not a number (bools are not numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def check_image_name(name: str) -> str:
    """Return ``name`` if it is a plain file name to write an image under, else raise ValueError."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name:
        raise ValueError(f"image_name {name!r} must be a plain file name without directories")
    return name


def write_file(path: Path, data: bytes) -> None:
    """Write bytes, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@dataclass
class WriteSummary:
    """What a writer wrote.

    ``images_written``: distinct entries whose image was written (the folder writer may write
    one entry's image in several label folders; it still counts once).
    ``annotations_written``: boxes written (COCO/YOLO/VOC); for folders, image files placed
    in label folders. ``image_labels_written``: image-level labels written.
    ``image_labels_ignored`` / ``boxes_ignored``: what the format cannot hold (YOLO has no
    image-level labels; folders have no boxes). ``renamed``: images written under another
    name because their stem clashed with an earlier image's (YOLO/VOC name annotation files
    by stem); only the count is kept, to stay streaming.
    """

    out: Path
    images_written: int = 0
    annotations_written: int = 0
    image_labels_written: int = 0
    image_labels_ignored: int = 0
    boxes_ignored: int = 0
    renamed: int = 0


def unique_stem_name(name: str, entry_id: int, *taken: Callable[[str], bool]) -> str:
    """``name``, or ``<stem>__<entry_id><suffix>`` when ``taken(stem)`` says its stem is used.

    YOLO and VOC name annotation files by image stem, so ``a.jpg`` and ``a.png`` would share
    one; the later image is written under a new name instead. Checking the disk (one stat)
    keeps the writers streaming: no set of every name written.
    """
    stem, suffix = os.path.splitext(name)
    candidate, n = name, 0
    while any(is_taken(os.path.splitext(candidate)[0]) for is_taken in taken):
        n += 1
        extra = f"__{entry_id}" if n == 1 else f"__{entry_id}_{n}"
        candidate = f"{stem}{extra}{suffix}"
    return candidate
