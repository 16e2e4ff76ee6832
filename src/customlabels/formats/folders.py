"""Folder-per-label trees: scan one into records, write one from entries.

Reading: with ``folder_labels`` an image's label is the name of the first folder below the
root (as the hosted service does for S3 prefixes); images directly in the root get none;
images more than ``folder_depth`` folders deep are skipped and listed in
:attr:`FolderScan.skipped`. Without ``folder_labels`` every image below the root is read,
unlabelled. Hidden names (``.x``) are skipped silently; files without an image suffix, and
symlinks that lead out of the root, are skipped and listed with the reason.

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
from customlabels.formats.image_files import (
    IMAGE_SUFFIXES,
    WriteSummary,
    check_image_name,
    is_image_name,
    record_for_reference,
    write_file,
)
from customlabels.formats.paths import RootResolver, is_inside
from customlabels.formats.records import ExportItem, ImportRecord

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

    ``skipped`` holds ``(path relative to the root, reason)`` for files not read: no image
    suffix, deeper than ``folder_depth``, or a symlink leading out of the root.
    """

    def __init__(self, root: Path, *, folder_labels: bool, folder_depth: int = 1) -> None:
        if folder_depth < 1:
            raise ValueError("folder_depth must be at least 1")
        self.root = root
        self.folder_labels = folder_labels
        self.folder_depth = folder_depth
        self.skipped: list[tuple[str, str]] = []
        self.label_map: dict[str, str | None] = {}
        labels_file = root / LABELS_FILE
        if folder_labels and labels_file.is_file():
            self.label_map = _read_labels_file(labels_file)
        self._resolver = RootResolver(root)
        self._records = self._walk(root, (), set())

    def __iter__(self) -> FolderScan:
        return self

    def __next__(self) -> ImportRecord:
        return next(self._records)

    def _label(self, folder: str) -> list[str]:
        if folder in self.label_map:
            label = self.label_map[folder]
            return [] if label is None else [label]
        return [folder]

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
            self.skipped.append(("/".join(parts) or ".", f"cannot list folder: {exc}"))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            relative = "/".join((*parts, entry.name))
            path = Path(entry.path)
            if entry.is_symlink() and not is_inside(self.root, path):
                self.skipped.append((relative, "symlink leading out of the root"))
                continue
            if entry.is_dir():
                yield from self._walk(path, (*parts, entry.name), seen)
                continue
            if not parts and entry.name == LABELS_FILE:
                continue
            if not is_image_name(entry.name):
                suffix = os.path.splitext(entry.name)[1] or "none"
                self.skipped.append((relative, f"not an image file (suffix {suffix})"))
                continue
            labels: list[str] = []
            if self.folder_labels:
                if len(parts) > self.folder_depth:
                    reason = f"more than folder_depth={self.folder_depth} folders below the root"
                    self.skipped.append((relative, reason))
                    continue
                if parts:
                    labels = self._label(parts[0])
            yield record_for_reference(self.root, relative, self._resolver, labels=labels)


def scan_folder(root: Path, *, folder_labels: bool, folder_depth: int = 1) -> FolderScan:
    """Scan ``root`` recursively in sorted order; see :class:`FolderScan` and the module doc.

    Raises :class:`FormatError` when ``root`` is not a folder or its ``labels.json`` is
    broken.
    """
    if not root.is_dir():
        raise FormatError(f"{root}: not a folder")
    return FolderScan(root, folder_labels=folder_labels, folder_depth=folder_depth)
