"""The files a source holds that an import does not read, counted by why.

A folder or a bucket prefix holds more than images: notes, a manifest, ``.DS_Store``, the
``labels.json`` of a folder export. None of them is dropped silently: each is counted under
a stable reason code, and the first :data:`KEEP` are kept by name, so a job's result says
"12 files skipped: 10 not images, 2 hidden" however large the source (a prefix of a million
hidden keys costs a counter, not a list).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from customlabels.formats.image_files import is_image_name

KEEP = 1000  # skipped files named in a job's result; the counts are always complete


class SkipReason(StrEnum):
    """Why a file below the source was not imported; the value is the stable code."""

    NOT_AN_IMAGE = "not_an_image"
    MANIFEST = "manifest"
    HIDDEN = "hidden"
    LABELS_FILE = "labels_file"
    DEEPER_THAN_FOLDER_DEPTH = "deeper_than_folder_depth"
    EMPTY_FOLDER_NAME = "empty_folder_name"
    SYMLINK_OUT_OF_ROOT = "symlink_out_of_root"
    UNREADABLE_FOLDER = "unreadable_folder"
    FOLDER_OBJECT = "folder_object"


# How the job's message names each reason after its count, for one and for more.
_PHRASES: dict[SkipReason, tuple[str, str]] = {
    SkipReason.NOT_AN_IMAGE: ("not an image", "not images"),
    SkipReason.MANIFEST: ("manifest", "manifests"),
    SkipReason.HIDDEN: ("hidden", "hidden"),
    SkipReason.LABELS_FILE: ("label map", "label maps"),
    SkipReason.DEEPER_THAN_FOLDER_DEPTH: ("deeper than the folder depth",) * 2,
    SkipReason.EMPTY_FOLDER_NAME: ("under an empty folder name",) * 2,
    SkipReason.SYMLINK_OUT_OF_ROOT: ("symlink out of the folder", "symlinks out of the folder"),
    SkipReason.UNREADABLE_FOLDER: ("unreadable folder", "unreadable folders"),
    SkipReason.FOLDER_OBJECT: ("folder object", "folder objects"),
}


@dataclass(frozen=True)
class SkippedFile:
    """One file (or hidden or unreadable folder) not imported, relative to the source."""

    path: str
    reason: SkipReason
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.reason.value, "reason": self.detail}


@dataclass
class SkipLog:
    """Every skip counted by reason; the first ``keep`` kept with their paths."""

    keep: int = KEEP
    files: list[SkippedFile] = field(default_factory=list)
    by_reason: dict[SkipReason, int] = field(default_factory=dict)

    def add(self, path: str, reason: SkipReason, detail: str) -> None:
        self.by_reason[reason] = self.by_reason.get(reason, 0) + 1
        if len(self.files) < self.keep:
            self.files.append(SkippedFile(path, reason, detail))

    def __len__(self) -> int:
        return sum(self.by_reason.values())

    def paths(self, reason: SkipReason | None = None) -> list[str]:
        """The kept paths, of one reason or of all."""
        return [s.path for s in self.files if reason is None or s.reason == reason]

    def as_result(self) -> dict[str, Any]:
        """The fields a job's result carries: the count, the count by reason, the names."""
        return {
            "skipped_count": len(self),
            "skipped_by_reason": {r.value: n for r, n in sorted(self.by_reason.items())},
            "skipped_files": [s.as_dict() for s in self.files],
        }

    def describe(self) -> str:
        """``"3 files skipped (2 not images, 1 hidden)"``, or ``"0 files skipped"``."""
        total = len(self)
        text = f"{total} file{'' if total == 1 else 's'} skipped"
        if not total:
            return text
        parts = [
            f"{n} {_PHRASES[r][n != 1]}"
            for r, n in sorted(self.by_reason.items(), key=lambda item: (-item[1], item[0]))
        ]
        return f"{text} ({', '.join(parts)})"


def skip_of_name(name: str) -> tuple[SkipReason, str] | None:
    """Why a file of this name is not imported, or None when it is an image to read.

    Hidden names (``.DS_Store``, ``._x.jpg`` that macOS leaves) come first, as they are
    never the user's images whatever their suffix.
    """
    if name.startswith("."):
        return SkipReason.HIDDEN, "hidden name (starts with '.')"
    if is_image_name(name):
        return None
    suffix = os.path.splitext(name)[1]
    if suffix.lower() == ".manifest":
        return SkipReason.MANIFEST, "a Ground Truth manifest, not an image (import it as one)"
    return SkipReason.NOT_AN_IMAGE, f"not an image file (suffix {suffix or 'none'})"
