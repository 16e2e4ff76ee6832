"""Import sources: the small dicts that describe them, checked, and opened into records.

A source is described by a small dict stored on the job (and on the dataset, for re-syncs),
so a job can run in any worker: ``{"kind": "folder", "path": ..., "folder_labels": ...,
"label_level": 1, "folder_depth": None, "in_place": False}`` (see
:mod:`customlabels.formats.folder_labels`; ``in_place`` references the files where they lie
instead of copying them into the image store: :mod:`customlabels.services.referenced_files`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from customlabels.errors import InvalidInput
from customlabels.formats.coco import read_coco
from customlabels.formats.folders import scan_folder
from customlabels.formats.groundtruth import read_manifest
from customlabels.formats.records import ImportRecord
from customlabels.formats.voc import read_voc
from customlabels.formats.yolo import read_yolo
from customlabels.services.context import Context
from customlabels.services.imports import readahead
from customlabels.services.imports.candidates import Candidate
from customlabels.services.imports.copying import copy_candidates
from customlabels.services.imports.folder_options import check_folder_options
from customlabels.services.imports.s3_sources import check_s3_source, is_s3_source
from customlabels.services.jobs import Progress

SOURCE_KINDS = ("folder", "manifest", "coco", "yolo", "voc", "dataset", "s3")


def check_source(source: dict[str, Any]) -> dict[str, Any]:
    """Validate a source description before any job is queued, naming what is wrong."""
    if source.get("in_place") and source.get("kind") != "folder":
        raise InvalidInput(
            f"in_place applies to folder sources only, not {source.get('kind')!r}: only a "
            "folder on the server can be referenced where it lies"
        )
    if is_s3_source(source):
        return check_s3_source(source)
    kind = source.get("kind")
    if kind not in SOURCE_KINDS:
        raise InvalidInput(f"unknown source kind {kind!r}; use one of {', '.join(SOURCE_KINDS)}")
    if kind == "dataset":
        if not source.get("project") or not source.get("type"):
            raise InvalidInput("copying needs the source project and dataset type")
        return source
    path = source.get("path")
    if not path:
        raise InvalidInput(f"a {kind} source needs a path")
    resolved = Path(path).expanduser().resolve()
    must_be_dir = kind in ("folder", "yolo", "voc")
    if must_be_dir and not resolved.is_dir():
        raise InvalidInput(f"folder {path!r} does not exist or is not a folder")
    if not must_be_dir and not resolved.is_file():
        raise InvalidInput(f"file {path!r} does not exist")
    checked = dict(source, path=str(resolved))
    if kind == "manifest" and source.get("sent_lines") and not source.get("root"):
        # Lines sent with a request live in a folder of ours: without an image folder they
        # may only relabel the dataset's own images, and no folder of ours is searched.
        checked["root"] = None
    elif kind in ("manifest", "coco"):
        # Without a root, references are relative to the manifest's own folder.
        root = source.get("root") or str(resolved.parent)
        root_path = Path(root).expanduser().resolve()
        if not root_path.is_dir():
            raise InvalidInput(f"image folder {root!r} does not exist or is not a folder")
        checked["root"] = str(root_path)
    if kind == "folder":
        checked.update(check_folder_options(source))
        checked["in_place"] = bool(source.get("in_place"))
    return checked


def _count_lines(path: Path) -> int:
    """Lines in a file, counting a last line without its newline (blank lines too)."""
    count = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def open_source(
    ctx: Context, source: dict[str, Any], progress: Progress | None
) -> tuple[Iterable[ImportRecord | Candidate], Path | None, Any]:
    """Records of a source, the root its references resolve under, and the reader object."""
    kind = source["kind"]
    if kind == "folder":
        scan = scan_folder(
            Path(source["path"]),
            folder_labels=source.get("folder_labels", False),
            folder_depth=source.get("folder_depth"),
            label_level=source.get("label_level") or 1,
        )
        found = list(scan)
        if progress:
            progress.set_total(len(found))
        return found, Path(source["path"]), scan
    if kind == "manifest":
        path = Path(source["path"])
        if progress:
            progress.set_total(_count_lines(path))
        root = Path(source["root"]) if source.get("root") else None
        return _manifest_records(path, root, ctx.settings.max_manifest_line_chars), root, None
    records: list[ImportRecord | Candidate]
    if kind == "coco":
        records = list(read_coco(Path(source["path"]), Path(source["root"])))
    elif kind == "yolo":
        records = list(read_yolo(Path(source["path"])))
    elif kind == "voc":
        records = list(read_voc(Path(source["path"])))
    else:
        records = list(copy_candidates(ctx, source["project"], source["type"]))
    if progress:
        progress.set_total(len(records))
    return records, None, None


def _manifest_records(
    path: Path, root: Path | None, max_chars: int
) -> Iterator[ImportRecord | Candidate]:
    if path.stat().st_size >= readahead.MIN_BYTES:
        # Big: parsed, and its files found, by a child process while this one writes.
        yield from readahead.manifest_candidates(path, root, max_chars)
        return
    with path.open("rb") as handle:
        yield from read_manifest(handle, max_chars=max_chars)
