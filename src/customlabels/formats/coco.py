"""COCO object-detection JSON: read a peer's file, write one of ours.

Reading loads the whole JSON (COCO is one document; there is no streaming JSON parser in our
dependencies), indexes annotations by image id, and yields one record per image in the
file's order. Writing streams: each image is written as it comes, and the ``images`` and
``annotations`` arrays are appended to two part files next to the output, which are joined
into ``annotations.json`` at the end. Only the category table is kept in memory.

Image-level labels have no standard place in COCO. We write them as an extra per-image
field ``"labels": ["cat", ...]`` (tools that don't know it ignore it) and read it back when
present, so our own round trip keeps them.

Boxes are upright pixels both ways (see "The one coordinate rule"): COCO consumers decode
images with the EXIF orientation applied, and the images we write carry no orientation.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from customlabels.formats.errors import FormatError
from customlabels.formats.image_files import (
    INVALID_BOX,
    MISSING_CLASS,
    MISSING_SOURCE_REF,
    WriteSummary,
    check_image_name,
    finite_number,
    record_for_reference,
    write_file,
)
from customlabels.formats.paths import local_source_ref, stays_below
from customlabels.formats.records import Box, EntryIssue, ExportItem, ImportRecord

ANNOTATIONS_FILE = "annotations.json"
IMAGES_DIR = "images"


def _load(annotation_file: Path) -> dict[str, Any]:
    try:
        data = orjson.loads(annotation_file.read_bytes())
    except OSError as exc:
        raise FormatError(f"{annotation_file}: cannot read COCO file: {exc}") from exc
    except orjson.JSONDecodeError as exc:
        raise FormatError(f"{annotation_file}: invalid JSON: {exc}") from exc
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise FormatError(f"{annotation_file}: a COCO file is a JSON object, not {kind}")
    for key in ("images", "annotations", "categories"):
        if key in data and not isinstance(data[key], list):
            raise FormatError(f"{annotation_file}: {key!r} must be a list")
    if "images" not in data:
        raise FormatError(f"{annotation_file}: no 'images' list; is this a COCO file?")
    return data


def _key(value: Any) -> Any:
    """An id usable as a dict key: lists and objects (never valid ids) become their text."""
    return value if isinstance(value, (int, float, str, type(None))) else repr(value)


def _categories(annotation_file: Path, raw: list[Any]) -> dict[Any, str]:
    names: dict[Any, str] = {}
    for category in raw:
        if not isinstance(category, dict) or "id" not in category or "name" not in category:
            raise FormatError(f"{annotation_file}: category {category!r} needs 'id' and 'name'")
        names[_key(category["id"])] = str(category["name"])
    return names


def _box(annotation: Any, categories: dict[Any, str]) -> Box | EntryIssue:
    ann_id = annotation.get("id") if isinstance(annotation, dict) else None
    if not isinstance(annotation, dict):
        return EntryIssue(INVALID_BOX, f"annotation {annotation!r} is not an object")
    category_id = _key(annotation.get("category_id"))
    if category_id not in categories:
        return EntryIssue(
            MISSING_CLASS, f"annotation {ann_id}: category_id {category_id!r} is not in categories"
        )
    bbox = annotation.get("bbox")
    numbers = [finite_number(v) for v in bbox] if isinstance(bbox, list) else []
    if len(numbers) != 4 or any(n is None for n in numbers):
        return EntryIssue(INVALID_BOX, f"annotation {ann_id}: bbox {bbox!r} is not [x, y, w, h]")
    left, top, width, height = (float(n) for n in numbers if n is not None)
    if width <= 0 or height <= 0:
        return EntryIssue(
            INVALID_BOX, f"annotation {ann_id}: bbox {bbox!r} has a width or height not above 0"
        )
    # iscrowd regions are kept as ordinary boxes; segmentation is ignored.
    return Box(categories[category_id], left, top, width, height)


def _size(image: dict[str, Any]) -> tuple[int, int] | None:
    width, height = finite_number(image.get("width")), finite_number(image.get("height"))
    if width is None or height is None or width <= 0 or height <= 0:
        return None
    return int(width), int(height)


def read_coco(annotation_file: Path, image_root: Path) -> Iterator[ImportRecord]:
    """Yield one record per entry of ``images`` in a COCO detection file.

    ``file_name`` is resolved under ``image_root``, or under ``image_root/images`` when only
    that holds it (names escaping the root, or missing files, give a record with an issue).
    Images without annotations give unlabelled records.
    ``width``/``height`` become ``image_size``. An annotation with an unknown category or a
    bad bbox is dropped with an issue; one naming an image id that is not in ``images`` gives
    a record of its own with an issue, so nothing is dropped silently. Raises
    :class:`FormatError` when the file is not a COCO JSON object.
    """
    data = _load(annotation_file)
    categories = _categories(annotation_file, data.get("categories", []))
    by_image: dict[Any, list[Any]] = defaultdict(list)
    for annotation in data.get("annotations", []):
        image_id = _key(annotation.get("image_id")) if isinstance(annotation, dict) else None
        by_image[image_id].append(annotation)
    file_ref = local_source_ref(annotation_file)
    seen_ids: set[Any] = set()
    for image in data["images"]:
        if not isinstance(image, dict):
            raise FormatError(f"{annotation_file}: image {image!r} is not an object")
        image_id = _key(image.get("id"))
        seen_ids.add(image_id)
        boxes: list[Box] = []
        issues: list[EntryIssue] = []
        for annotation in by_image.get(image_id, []):
            result = _box(annotation, categories)
            if isinstance(result, Box):
                boxes.append(result)
            else:
                issues.append(result)
        raw_labels = image.get("labels")
        labels = [str(x) for x in raw_labels] if isinstance(raw_labels, list) else []
        file_name = image.get("file_name")
        fields: dict[str, Any] = {
            "labels": labels,
            "boxes": boxes,
            "issues": issues,
            "image_size": _size(image),
        }
        if not isinstance(file_name, str) or not file_name:
            message = f"image id {image_id!r} has no file_name"
            issues.insert(0, EntryIssue(MISSING_SOURCE_REF, message))
            yield ImportRecord(source_ref=f"{file_ref}#image_id={image_id}", **fields)
            continue
        if (
            stays_below(file_name)
            and not (image_root / file_name).is_file()
            and (image_root / IMAGES_DIR / file_name).is_file()
        ):
            # Our own layout (and many peers'): annotations.json beside an images/ folder.
            file_name = f"{IMAGES_DIR}/{file_name}"
        yield record_for_reference(image_root, file_name, **fields)
    for image_id, orphans in by_image.items():
        if image_id in seen_ids:
            continue
        ids = [a.get("id") for a in orphans if isinstance(a, dict)]
        yield ImportRecord(
            source_ref=f"{file_ref}#image_id={image_id}",
            issues=[
                EntryIssue(
                    MISSING_SOURCE_REF,
                    f"annotations {ids} name image id {image_id!r}, which is not in 'images'",
                )
            ],
        )


def write_coco(
    items: Iterable[ExportItem],
    out: Path,
    label_names: list[str],
    split: str = "train",
) -> WriteSummary:
    """Write ``out/annotations.json`` and ``out/images/<image_name>`` for ``items``.

    Categories get ids 1.. in the order of ``label_names``; a box label not in it is added
    after them as it is met. Image and annotation ids count from 1. Image-level labels go in
    the extra per-image field ``"labels"``. ``split`` is recorded in ``info``. Streams: see
    the module docstring.
    """
    out.mkdir(parents=True, exist_ok=True)
    category_ids = {name: i for i, name in enumerate(dict.fromkeys(label_names), start=1)}
    summary = WriteSummary(out=out)
    images_part = out / f".{ANNOTATIONS_FILE}.images.part"
    annotations_part = out / f".{ANNOTATIONS_FILE}.annotations.part"
    target = out / ANNOTATIONS_FILE
    tmp = out / f".{ANNOTATIONS_FILE}.tmp"
    try:
        with images_part.open("wb") as images_out, annotations_part.open("wb") as ann_out:
            annotation_id = 0
            for image_id, item in enumerate(items, start=1):
                name = check_image_name(item.image_name)
                write_file(out / IMAGES_DIR / name, item.read_upright_image())
                image: dict[str, Any] = {
                    "id": image_id,
                    "file_name": name,
                    "width": item.width,
                    "height": item.height,
                }
                if item.labels:
                    image["labels"] = list(item.labels)
                    summary.image_labels_written += len(item.labels)
                images_out.write((b"," if image_id > 1 else b"") + orjson.dumps(image))
                summary.images_written += 1
                for box in item.boxes:
                    category_id = category_ids.setdefault(box.label, len(category_ids) + 1)
                    annotation_id += 1
                    annotation = {
                        "id": annotation_id,
                        "image_id": image_id,
                        "category_id": category_id,
                        "bbox": [box.left, box.top, box.width, box.height],
                        "area": box.width * box.height,
                        "iscrowd": 0,
                    }
                    ann_out.write((b"," if annotation_id > 1 else b"") + orjson.dumps(annotation))
                    summary.annotations_written += 1
        categories = [{"id": i, "name": name} for name, i in category_ids.items()]
        info = {"description": f"customlabels export ({split})", "version": "1.0", "split": split}
        with tmp.open("wb") as f:
            f.write(b'{"info":' + orjson.dumps(info) + b',"licenses":[],"images":[')
            with images_part.open("rb") as part:
                shutil.copyfileobj(part, f)
            f.write(b'],"annotations":[')
            with annotations_part.open("rb") as part:
                shutil.copyfileobj(part, f)
            f.write(b'],"categories":' + orjson.dumps(categories) + b"}")
        os.replace(tmp, target)
    finally:
        for leftover in (images_part, annotations_part, tmp):
            leftover.unlink(missing_ok=True)
    return summary
