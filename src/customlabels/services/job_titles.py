"""Job titles: what the user did, in the words the console's jobs list shows.

Written once, when the service creates the job, from what the user asked for (the job's
kind alone says "dataset.update" for a manifest that created a dataset and for one that
relabelled ten images). Pure functions of the request: no database, no I/O.
"""

from __future__ import annotations

from typing import Any

FORMAT_NAMES = {
    "groundtruth": "Ground Truth manifest",
    "coco": "COCO",
    "yolo": "YOLO",
    "voc": "Pascal VOC",
    "folders": "folders by label",
}

SOURCE_WORDS = {
    "folder": "folder",
    "manifest": "manifest",
    "coco": "COCO file",
    "yolo": "YOLO folder",
    "voc": "Pascal VOC folder",
    "s3": "bucket",
}


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 file``, ``60 files``: a count with its noun in the right number."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def source_words(source: dict[str, Any], shown_as: str | None = None) -> str:
    """The source as a user names it: ``manifest s3://b/m.manifest``, ``folder /data/shoes``.

    ``shown_as`` names a source the server keeps under a name of its own (a manifest file
    sent from the user's computer is saved in the data directory)."""
    kind = str(source.get("kind", ""))
    if kind == "dataset":
        return f"dataset {source.get('project')}/{source.get('type')}"
    where = shown_as or source.get("uri") or source.get("path") or ""
    return f"{SOURCE_WORDS.get(kind, kind)} {where}".strip()


def import_title(
    type_name: str, source: dict[str, Any], *, creating: bool, shown_as: str | None = None
) -> str:
    """``Create TRAIN from manifest s3://b/m.manifest``; ``Update TEST from folder /data``."""
    if source.get("kind") == "dataset":
        verb = "Copy" if creating else "Add"
        return f"{verb} {source_words(source)} into {type_name}"
    verb = "Create" if creating else "Update"
    return f"{verb} {type_name} from {source_words(source, shown_as)}"


def sync_title(type_name: str, source: dict[str, Any]) -> str:
    return f"Sync {type_name} with {source_words(source)}"


def upload_title(type_name: str, files: int | None) -> str:
    """``Upload of 60 files to TRAIN`` (``Upload of files to TRAIN`` when not announced)."""
    what = plural(files, "file") if files is not None else "files"
    return f"Upload of {what} to {type_name}"


def export_title(type_name: str, fmt: str, out: str) -> str:
    return f"Export {type_name} as {FORMAT_NAMES.get(fmt, fmt)} to {out}"


def distribute_title() -> str:
    return "Split 20% of TRAIN into TEST"


def training_title(version: str) -> str:
    return f"Train model version {version}"


def prelabel_title(version: str, type_name: str) -> str:
    return f"Pre-label {type_name} with model version {version}"
