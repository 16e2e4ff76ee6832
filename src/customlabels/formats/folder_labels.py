"""Folder names as labels: which folder of a file's path names its label.

The hosted service labels an image at ``P/<child>/.../img`` with ``<child>``, however deep
the image lies, and gives images directly in ``P`` no label. That is ``label_level=1``, the
default. ``label_level=N`` takes the N-th folder below ``P`` instead (``P/<brand>/<model>/
img`` labelled by model with 2); an image with fewer than N folders above it is read with
no label. ``folder_depth``, when set, is a limit: images more than that many folders below
``P`` are skipped (and counted as such), so it may not be less than ``label_level``.

``label_map`` is a folder export's ``labels.json`` (escaped folder name -> exact label, or
null for ``_unlabeled``); it names the folders directly below ``P``, so it applies at
level 1 only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from customlabels.formats.skips import SkipLog, SkipReason


@dataclass(frozen=True)
class FolderLabels:
    """The rule one import labels its files by; raises ValueError when it can't hold."""

    label_level: int = 1
    folder_depth: int | None = None
    label_map: Mapping[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.label_level < 1:
            raise ValueError(f"label_level must be at least 1, got {self.label_level}")
        if self.folder_depth is None:
            return
        if self.folder_depth < 1:
            raise ValueError(f"folder_depth must be at least 1, got {self.folder_depth}")
        if self.folder_depth < self.label_level:
            raise ValueError(
                f"folder_depth={self.folder_depth} is less than label_level="
                f"{self.label_level}: every image that could be labelled would be skipped"
            )

    def too_deep(self, folders: Sequence[str]) -> bool:
        """Whether a file below these folders lies deeper than ``folder_depth``."""
        return self.folder_depth is not None and len(folders) > self.folder_depth

    def label_folder(self, folders: Sequence[str]) -> str | None:
        """The folder that names the label of a file below ``folders``; None above the level."""
        if len(folders) < self.label_level:
            return None
        return folders[self.label_level - 1]

    def labels(self, folders: Sequence[str]) -> list[str]:
        """The labels of a file below ``folders`` (relative to the source): none or one."""
        folder = self.label_folder(folders)
        if folder is None:
            return []
        if self.label_level == 1 and folder in self.label_map:
            label = self.label_map[folder]
            return [] if label is None else [label]
        return [folder]

    def labels_or_skip(
        self, folders: Sequence[str], relative: str, skipped: SkipLog
    ) -> list[str] | None:
        """The labels of the file at ``relative``, or None when the rule skips it (counted in
        ``skipped``): deeper than ``folder_depth``, or its label folder has an empty name (a
        ``//`` in an S3 key)."""
        if self.too_deep(folders):
            skipped.add(relative, SkipReason.DEEPER_THAN_FOLDER_DEPTH, self.describe_depth())
            return None
        if self.label_folder(folders) == "":
            detail = "empty folder name (a '//' in the key): no label to give"
            skipped.add(relative, SkipReason.EMPTY_FOLDER_NAME, detail)
            return None
        return self.labels(folders)

    def describe_depth(self) -> str:
        """Why a file too deep was skipped, in words naming the limit."""
        return f"more than folder_depth={self.folder_depth} folders below the source"
