"""Writing Ground Truth manifest lines as the hosted service writes them.

One line per entry: one ``groundtruth/image-classification`` attribute per image-level label
(``image-label``, ``image-label-2``, …, value = the label's index on the line, as in the hosted
documentation's multi-label example), and, for a detection entry, one
``groundtruth/object-detection`` attribute ``bounding-box`` with ``image_size``,
``annotations`` and a ``class-map`` built from that line's box labels. ``cl-metadata`` and
``cl-errors`` extend the line the way the hosted ListDatasetEntries does.

Attribute names avoid the ``cl-`` prefix, which the hosted service uses for its own keys.
"""

from __future__ import annotations

from typing import Any

import orjson

from customlabels.formats.groundtruth import CLASSIFICATION_TYPE, DETECTION_TYPE
from customlabels.formats.records import Box, EntryIssue

LABEL_ATTRIBUTE = "image-label"
BOX_ATTRIBUTE = "bounding-box"


def label_attribute_name(index: int) -> str:
    """The attribute name of the ``index``-th (0-based) image-level label of a line."""
    return LABEL_ATTRIBUTE if index == 0 else f"{LABEL_ATTRIBUTE}-{index + 1}"


def _number(value: float) -> int | float:
    """Integral floats as ints, so lines read like the hosted service's (``"left": 399``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def manifest_line(
    source_ref: str,
    labels: list[str],
    boxes: list[Box],
    image_size: tuple[int, int] | None,
    *,
    depth: int = 3,
    creation_date: str,
    job_name: str = "customlabels",
    issues: list[EntryIssue] | None = None,
    is_labeled: bool | None = None,
) -> str:
    """One JSON line (no newline) describing an entry as the hosted service would.

    ``boxes`` and ``image_size`` are written in whatever frame the caller chose (an export
    converts them to the original file's raw frame first). A detection attribute is written
    when there are boxes, or when ``image_size`` is given (an image labelled as showing no
    objects); boxes without ``image_size`` are refused, as the hosted service requires it.
    """
    line: dict[str, Any] = {"source-ref": source_ref}
    for index, label in enumerate(labels):
        name = label_attribute_name(index)
        line[name] = index
        line[f"{name}-metadata"] = {
            "confidence": 1,
            "job-name": job_name,
            "class-name": label,
            "human-annotated": "yes",
            "creation-date": creation_date,
            "type": CLASSIFICATION_TYPE,
        }
    if boxes or image_size is not None:
        if image_size is None:
            raise ValueError(f"{source_ref}: boxes need the image_size of their frame")
        class_ids: dict[str, int] = {}
        annotations = []
        for box in boxes:
            class_id = class_ids.setdefault(box.label, len(class_ids))
            annotations.append(
                {
                    "class_id": class_id,
                    "top": _number(box.top),
                    "left": _number(box.left),
                    "width": _number(box.width),
                    "height": _number(box.height),
                }
            )
        line[BOX_ATTRIBUTE] = {
            "image_size": [{"width": image_size[0], "height": image_size[1], "depth": depth}],
            "annotations": annotations,
        }
        line[f"{BOX_ATTRIBUTE}-metadata"] = {
            "objects": [{"confidence": 1} for _ in boxes],
            "class-map": {str(class_id): label for label, class_id in class_ids.items()},
            "type": DETECTION_TYPE,
            "human-annotated": "yes",
            "creation-date": creation_date,
            "job-name": job_name,
        }
    if is_labeled is not None:
        line["cl-metadata"] = {"is_labeled": is_labeled}
    if issues:
        line["cl-errors"] = [
            {"code": issue.code, "message": issue.message, "severity": issue.severity}
            for issue in issues
        ]
    return orjson.dumps(line).decode()
