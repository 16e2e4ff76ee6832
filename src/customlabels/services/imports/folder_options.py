"""The folder-label options of a folder or bucket-prefix source, checked before a job starts.

``folder_labels`` (bool), ``label_level`` (which folder below the source names the label;
1, the hosted service's rule, by default) and ``folder_depth`` (a limit on how deep images
are read; none by default). Datasets created before ``label_level`` existed carry
``folder_depth: 1``, which keeps meaning what it meant then when they are synced: images
deeper than one folder are skipped, and now counted as such in the job's result.
"""

from __future__ import annotations

from typing import Any

from customlabels.errors import InvalidInput
from customlabels.formats.folder_labels import FolderLabels


def _whole_number(source: dict[str, Any], name: str) -> int | None:
    value = source.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput(f"{name} must be a whole number of at least 1, got {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number of at least 1, got {value!r}") from None
    if number < 1:
        raise InvalidInput(f"{name} must be at least 1, got {number}")
    return number


def check_folder_options(source: dict[str, Any]) -> dict[str, Any]:
    """``folder_labels``, ``label_level`` and ``folder_depth`` of a source, checked together."""
    label_level = _whole_number(source, "label_level") or 1
    folder_depth = _whole_number(source, "folder_depth")
    try:
        FolderLabels(label_level, folder_depth)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    return {
        "folder_labels": bool(source.get("folder_labels")),
        "label_level": label_level,
        "folder_depth": folder_depth,
    }


def folder_rule(source: dict[str, Any], label_map: dict[str, str | None]) -> FolderLabels:
    """The labelling rule of a checked source, with a folder export's ``labels.json`` map."""
    return FolderLabels(int(source.get("label_level") or 1), source.get("folder_depth"), label_map)
