"""Folder-per-label trees: scan one into records, write one from entries.

Reading: with ``folder_labels`` an image's label is the name of the first folder below the
root, however deep the image lies (as the hosted service does for S3 prefixes); images
directly in the root get none; ``label_level`` and ``folder_depth`` choose a deeper folder
and limit the depth (see :mod:`customlabels.formats.folder_labels`). Without
``folder_labels`` every image below the root is read, unlabelled. Nothing is skipped
silently: hidden names (``.x``), files without an image suffix, manifests, ``labels.json``
and symlinks that lead out of the root are counted in :attr:`FolderScan.skipped` by reason.

Writing: ``out/<folder>/<image_name>`` for each image-level label (an image with two labels
is written in both folders; one with none in ``_unlabeled/``). Labels may hold any
character, so folder names are escaped reversibly: ``%``, ``/``, ``\\``, control characters
and the characters Windows refuses (``:*?"<>|``) are percent-encoded as UTF-8 bytes, as are
a leading ``.`` or ``_`` (hidden folders, and our ``_unlabeled``) and a trailing ``.`` or
space; a name longer than 200 bytes is cut and given a hash suffix; two labels that would
share a folder on a case-insensitive disk (``Cat``, ``cat``) get ``~2``, ``~3`` suffixes.
``labels.json`` maps every folder name to its exact label (``null`` for ``_unlabeled``),
and :func:`scan_folder` uses it when present, so the round trip is exact.

An image written in two label folders is two files; scanning gives one record per file,
each with one label, as the hosted service does for one image under two S3 prefixes.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import orjson

from customlabels.formats.errors import FormatError
from customlabels.formats.folder_labels import FolderLabels
from customlabels.formats.image_files import (
    IMAGE_SUFFIXES,
    WriteSummary,
    check_image_name,
    record_for_reference,
    write_file,
)
from customlabels.formats.paths import RootResolver, is_inside
from customlabels.formats.records import ExportItem, ImportRecord
from customlabels.formats.skips import SkipLog, SkipReason, skip_of_name

__all__ = [
    "IMAGE_SUFFIXES",
    "LABELS_FILE",
    "UNLABELED_DIR",
    "FolderScan",
    "label_to_dirname",
    "scan_folder",
    "write_folders",
]

LABELS_FILE = "labels.json"
UNLABELED_DIR = "_unlabeled"
_MAX_NAME_BYTES = 200
_UNSAFE = frozenset('%/\\:*?"<>|')


def _encode(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def label_to_dirname(label: str) -> str:
    """The folder name for ``label`` before collision suffixes; reversible by ``unquote``.

    Names cut for length (over 200 bytes) are only reversible through ``labels.json``.
    """
    if not label:
        raise ValueError("a label name can't be empty")
    chars = [_encode(c) if c in _UNSAFE or ord(c) < 32 or ord(c) == 127 else c for c in label]
    if chars[0] in {".", "_"}:
        chars[0] = _encode(chars[0])
    if chars[-1] in {".", " "}:
        chars[-1] = _encode(chars[-1])
    name = "".join(chars)
    if len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        digest = hashlib.sha256(label.encode("utf-8")).hexdigest()[:16]
        cut = name.encode("utf-8")[: _MAX_NAME_BYTES - 20].decode("utf-8", "ignore")
        if "%" in cut[-2:]:  # don't leave half an escape
            cut = cut[: cut.rindex("%")]
        name = f"{cut}~{digest}"
    return name


class _DirNames:
    """Label -> folder name for one export, unique even on case-insensitive disks."""

    def __init__(self) -> None:
        self.by_label: dict[str, str] = {}
        self._taken: set[str] = {UNLABELED_DIR.casefold()}

    def get(self, label: str) -> str:
        name = self.by_label.get(label)
        if name is None:
            base = label_to_dirname(label)
            name, n = base, 1
            while unicodedata.normalize("NFC", name).casefold() in self._taken:
                n += 1
                name = f"{base}~{n}"
            self._taken.add(unicodedata.normalize("NFC", name).casefold())
            self.by_label[label] = name
        return name


def write_folders(items: Iterable[ExportItem], out: Path, label_names: list[str]) -> WriteSummary:
    """Write ``out/<label folder>/<image_name>`` per image-level label and ``labels.json``.

    Folder names for ``label_names`` are assigned in that order first, so they are stable
    across exports. Boxes can't be held and are counted in ``boxes_ignored``;
    ``annotations_written`` counts the image files placed in folders. Streams: only the
    label -> folder table is kept.
    """
    out.mkdir(parents=True, exist_ok=True)
    dirnames = _DirNames()
    for label in label_names:
        dirnames.get(label)
    summary = WriteSummary(out=out)
    used_unlabeled = False
    for item in items:
        name = check_image_name(item.image_name)
        data = item.read_upright_image()
        labels = list(dict.fromkeys(item.labels))
        folders = [dirnames.get(label) for label in labels]
        if not folders:
            folders, used_unlabeled = [UNLABELED_DIR], True
        for folder in folders:
            write_file(out / folder / name, data)
        summary.images_written += 1
        summary.annotations_written += len(folders)
        summary.image_labels_written += len(labels)
        summary.boxes_ignored += len(item.boxes)
    mapping: dict[str, str | None] = {d: label for label, d in dirnames.by_label.items()}
    if used_unlabeled:
        mapping[UNLABELED_DIR] = None
    tmp = out / f".{LABELS_FILE}.tmp"
    tmp.write_bytes(orjson.dumps(mapping, option=orjson.OPT_INDENT_2) + b"\n")
    os.replace(tmp, out / LABELS_FILE)
    return summary


def _read_labels_file(path: Path) -> dict[str, str | None]:
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise FormatError(f"{path}: cannot read: {exc}") from exc
    except orjson.JSONDecodeError as exc:
        raise FormatError(f"{path}: invalid JSON: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(v, str) or v is None for v in data.values()
    ):
        raise FormatError(f"{path}: expected an object of folder name -> label name or null")
    return data


class FolderScan(Iterator[ImportRecord]):
    """The records of a folder tree, read lazily; :attr:`skipped` fills in as it goes.

    ``skipped`` counts, by reason, every file not read (hidden names, files without an
    image suffix, manifests, ``labels.json``, files deeper than ``folder_depth``, symlinks
    leading out of the root) and names the first of them; ``without_folder_label`` counts
    the images read with no folder label (directly in the root, or above ``label_level``).
    """

    def __init__(
        self,
        root: Path,
        *,
        folder_labels: bool,
        folder_depth: int | None = None,
        label_level: int = 1,
    ) -> None:
        self.root = root
        self.folder_labels = folder_labels
        label_map: dict[str, str | None] = {}
        labels_file = root / LABELS_FILE
        if folder_labels and labels_file.is_file():
            label_map = _read_labels_file(labels_file)
        self.rule = FolderLabels(label_level, folder_depth, label_map)
        self.skipped = SkipLog()
        self.without_folder_label = 0
        self._resolver = RootResolver(root)
        self._records = self._walk(root, (), set())

    def __iter__(self) -> FolderScan:
        return self

    def __next__(self) -> ImportRecord:
        return next(self._records)

    def _walk(
        self, folder: Path, parts: tuple[str, ...], seen: set[Path]
    ) -> Iterator[ImportRecord]:
        real = folder.resolve()
        if real in seen:  # a symlink loop inside the root
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            where = "/".join(parts) or "."
            self.skipped.add(where, SkipReason.UNREADABLE_FOLDER, f"cannot list folder: {exc}")
            return
        for entry in entries:
            relative = "/".join((*parts, entry.name))
            path = Path(entry.path)
            if entry.name.startswith("."):
                # A hidden folder counts once: walking a .git to count its files costs more
                # than the import of the images beside it.
                what = "hidden folder, not read" if entry.is_dir() else "hidden name"
                self.skipped.add(relative, SkipReason.HIDDEN, f"{what} (starts with '.')")
                continue
            if entry.is_symlink() and not is_inside(self.root, path):
                self.skipped.add(
                    relative, SkipReason.SYMLINK_OUT_OF_ROOT, "symlink leading out of the root"
                )
                continue
            if entry.is_dir():
                yield from self._walk(path, (*parts, entry.name), seen)
                continue
            record = self._record(relative, entry.name, parts)
            if record is not None:
                yield record

    def _record(self, relative: str, name: str, parts: tuple[str, ...]) -> ImportRecord | None:
        """The record of one file, or None when it is skipped (and counted)."""
        if not parts and name == LABELS_FILE:
            self.skipped.add(
                relative, SkipReason.LABELS_FILE, "label map of a folder export, not an image"
            )
            return None
        skip = skip_of_name(name)
        if skip is not None:
            self.skipped.add(relative, *skip)
            return None
        labels: list[str] = []
        if self.folder_labels:
            found = self.rule.labels_or_skip(parts, relative, self.skipped)
            if found is None:
                return None
            labels = found
            self.without_folder_label += not labels
        return record_for_reference(self.root, relative, self._resolver, labels=labels)


def scan_folder(
    root: Path, *, folder_labels: bool, folder_depth: int | None = None, label_level: int = 1
) -> FolderScan:
    """Scan ``root`` recursively in sorted order; see :class:`FolderScan` and the module doc.

    Raises :class:`FormatError` when ``root`` is not a folder or its ``labels.json`` is
    broken, ValueError when the folder options contradict each other.
    """
    if not root.is_dir():
        raise FormatError(f"{root}: not a folder")
    return FolderScan(
        root, folder_labels=folder_labels, folder_depth=folder_depth, label_level=label_level
    )
