"""Reading SageMaker Ground Truth manifest lines, validated as the hosted service validates them.

A manifest is JSON Lines; each line names one image (``source-ref``) and carries *label
attributes*: a key ``K`` paired with a metadata object ``K-metadata`` whose ``type`` says what
``K`` holds. Accepted types:

- ``groundtruth/image-classification``: ``K`` is a class index (any integer, unused), the label
  is ``K-metadata.class-name``. Several such attributes on one line make a multi-label image.
- ``groundtruth/object-detection``: ``K`` is ``{"image_size": [{"width", "height", "depth"}],
  "annotations": [{"class_id", "left", "top", "width", "height"}]}`` in pixels, and
  ``K-metadata`` has ``class-map`` (string ids to names; sparse, may differ per line) and
  ``objects`` (one ``{"confidence"}`` per annotation, by index).
- ``groundtruth/image-classification-multilabel`` (SageMaker's multi-label job output): ``K`` is
  a list of class ids looked up in ``K-metadata.class-map``; each becomes an image-level label.
  A scalar ``K`` with ``class-name`` under this type (what the hosted service's own conversion
  script writes) is read like a classification attribute.

The documentation names no other suffix for ``type``; any other value is
ERROR_UNSUPPORTED_USE_CASE_TYPE for that attribute. Keys that are not label attributes
(``source-ref``, ``cl-metadata``, ``cl-errors``, ``warnings``, pass-through data a labelling job
kept) are ignored, except that a ``K-metadata`` object with a ``type`` and no ``K``, or a
``K`` that looks like detection data with no ``K-metadata``, is reported as
ERROR_NO_LABEL_ATTRIBUTES (the hosted service's "attribute or its -metadata is missing").

Accepted ``source-ref`` values: ``s3://bucket/key``, ``file://…``, ``upload://…`` and relative
paths (resolved later against the import root). Empty or whitespace-only values, absolute paths
(``/…``, ``\\…``, ``C:…``), NUL characters and other schemes (``https://…``) are
ERROR_INVALID_SOURCE_REF_FORMAT.

Severity (``EntryIssue.severity``) says whether the entry is usable, the way the hosted service
decides whether a line is used for training:

- **ERROR** — the line as a whole is invalid and the entry carries no labels or boxes from it:
  ERROR_INVALID_JSON_LINE, ERROR_MISSING_SOURCE_REF, ERROR_INVALID_SOURCE_REF_FORMAT,
  ERROR_NO_LABEL_ATTRIBUTES (no attribute could be paired with its metadata),
  ERROR_NO_VALID_LABEL_ATTRIBUTES (attributes exist, none is valid), and every attribute- or
  box-level issue of such a line (so the user sees why none was valid).
- **WARNING** — the line is usable and the entry keeps what was valid: an invalid box is
  dropped (ERROR_INVALID_BOUNDING_BOX, ERROR_MISSING_CLASS_MAP_ID, ERROR_BOUNDING_BOX_TOO_SMALL,
  ERROR_INVALID_LABEL_NAME_LENGTH, …) and an invalid attribute is ignored
  (ERROR_UNSUPPORTED_USE_CASE_TYPE, ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT,
  ERROR_NO_VALID_ANNOTATIONS, …) while other attributes of the line are valid. The code keeps
  the hosted ``ERROR_`` name, so a user can look it up; the severity says the entry still
  counts. The WARNING_* codes (WARNING_UNANNOTATED_RECORD, WARNING_NO_ANNOTATIONS,
  WARNING_NO_ATTRIBUTE_ANNOTATIONS) are always warnings.

Where we are more generous than the hosted service (our limits are settings, see
hosted_limits): boxes beyond the hosted 50 per image are kept (the export reports
ERROR_TOO_MANY_BOUNDING_BOXES); a box whose ``objects[i].confidence`` is missing is kept, with
ERROR_MISSING_BOUNDING_BOX_CONFIDENCE (our export writes ``confidence: 1``); a classification
attribute without ``confidence`` is accepted; a detection attribute without ``image_size`` is
accepted (its boxes can't be checked against a frame here; the importer checks them against the
stored image). A box that leaves ``image_size`` by at most 1e-6 px (float noise) is clipped.

The minimum box size is the hosted one: width and height must be greater than 1 px after the
hosted trainer scales the image so that its longest side is at most 1280 px.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, TypeGuard

import orjson

from customlabels.formats.bounded_lines import OverlongLine, bounded_lines
from customlabels.formats.label_names import label_name_problem
from customlabels.formats.records import Box, EntryIssue, ImportRecord

CLASSIFICATION_TYPE = "groundtruth/image-classification"
DETECTION_TYPE = "groundtruth/object-detection"
MULTILABEL_TYPE = "groundtruth/image-classification-multilabel"
SUPPORTED_TYPES = (CLASSIFICATION_TYPE, DETECTION_TYPE, MULTILABEL_TYPE)

#: Label names are 1–255 characters (the project's vocabulary rule; the hosted docs say 256).
MAX_LABEL_NAME_CHARS = 255
#: Boxes must be larger than this many pixels on each side after the training resize.
MIN_BOX_SIDE_PX = 1.0
#: The hosted trainer scales images whose longest side exceeds this before checking boxes.
TRAINING_MAX_SIDE_PX = 1280
#: How much of an invalid line is kept on the entry, so the user can see and fix it.
RAW_LINE_KEEP_CHARS = 10_000
DEFAULT_MAX_CHARS = 1_000_000

_FRAME_TOLERANCE_PX = 1e-6
_UTF8_BOM = b"\xef\xbb\xbf"

#: The hosted service's messages, which our messages start with.
MESSAGES: dict[str, str] = {
    "ERROR_INVALID_JSON_LINE": "The JSON Line has an invalid format.",
    "ERROR_MISSING_SOURCE_REF": "The source-ref key is missing.",
    "ERROR_INVALID_SOURCE_REF_FORMAT": "The format of the source-ref value is invalid.",
    "ERROR_NO_LABEL_ATTRIBUTES": "No label attributes found.",
    "ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT": "The format of the label attribute {} is invalid.",
    "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT": (
        "The format of the label attribute metadata is invalid."
    ),
    "ERROR_NO_VALID_LABEL_ATTRIBUTES": "No valid label attributes found.",
    "ERROR_MISSING_BOUNDING_BOX_CONFIDENCE": (
        "One or more bounding boxes has a missing confidence value."
    ),
    "ERROR_MISSING_CLASS_MAP_ID": "One or more class ids is missing from the class map.",
    "ERROR_INVALID_IMAGE": "The image is invalid. Check S3 path and/or image properties.",
    "ERROR_INVALID_IMAGE_DIMENSION": "The image dimension(s) do not conform to allowed dimensions.",
    "ERROR_INVALID_BOUNDING_BOX": "The bounding box has off frame values.",
    "ERROR_NO_VALID_ANNOTATIONS": "No valid annotations found.",
    "ERROR_BOUNDING_BOX_TOO_SMALL": "The height and width of the bounding box is too small.",
    "ERROR_TOO_MANY_BOUNDING_BOXES": "There are more bounding boxes than the allowed maximum.",
    "ERROR_UNSUPPORTED_USE_CASE_TYPE": (
        "The use case type of the {} label attribute metadata is unsupported. Check the type field."
    ),
    "ERROR_INVALID_LABEL_NAME_LENGTH": "The length of a label name is invalid.",
    "WARNING_UNANNOTATED_RECORD": "Record is unannotated.",
    "WARNING_NO_ANNOTATIONS": "No annotations were found.",
    "WARNING_NO_ATTRIBUTE_ANNOTATIONS": "No attribute annotations were found.",
}

# Issue kinds while a line is parsed; severities are decided once the line is done.
_LINE = 0  # the line is invalid: always ERROR
_PART = 1  # an attribute or box was dropped: ERROR if nothing valid is left, else WARNING
_WARN = 2  # always WARNING

_MISSING: Any = object()


def _message(code: str, detail: str, fill: str = "") -> str:
    base = MESSAGES[code]
    if "{}" in base:
        base = base.replace("{}", fill)
    return f"{base} {detail}" if detail else base


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _keep(text: str) -> str:
    return text[:RAW_LINE_KEEP_CHARS]


SYNTHETIC_REF_PREFIX = "invalid-line:"


def _synthetic_ref(line_number: int) -> str:
    return f"{SYNTHETIC_REF_PREFIX}{line_number}"


def has_synthetic_ref(record: ImportRecord) -> bool:
    """Whether ``record`` is a line that named no readable source-ref, so its source-ref was
    made up from its line number (a relative path may look the same: the raw line tells)."""
    return (
        record.raw_line is not None
        and record.line_number is not None
        and record.source_ref == _synthetic_ref(record.line_number)
    )


def _invalid_line(
    code: str, detail: str, line_number: int, raw: str, source_ref: str | None = None
) -> ImportRecord:
    return ImportRecord(
        source_ref=source_ref or _synthetic_ref(line_number),
        issues=[EntryIssue(code, _message(code, detail), "ERROR")],
        frame="raw",
        line_number=line_number,
        raw_line=_keep(raw),
    )


def source_ref_problem(ref: str) -> str | None:
    """Why ``ref`` is not an accepted ``source-ref`` value, or None when it is."""
    if not ref or ref.isspace():
        return "It is empty."
    if "\x00" in ref:
        return "It contains a NUL character."
    head = ref[:10].lower()
    if head.startswith("s3://"):
        bucket, _, key = ref[5:].partition("/")
        if not bucket or not key:
            return f"{_short(ref)} is not of the form s3://bucket/key."
        return None
    if head.startswith("file://"):
        return None if len(ref) > 7 else "file:// names no path."
    if head.startswith("upload://"):
        return None if len(ref) > 9 else "upload:// names no file."
    if "://" in ref:
        scheme = ref.split("://", 1)[0]
        return (
            f"The scheme {_short(scheme)} is not accepted; use s3://bucket/key, file://, "
            "upload:// or a path relative to the import root."
        )
    if ref[0] in "/\\" or (len(ref) > 1 and ref[1] == ":" and ref[0].isalpha()):
        return (
            f"{_short(ref)} is an absolute path; name the image relative to the import root "
            "or with file://."
        )
    return None


def _number(value: Any) -> TypeGuard[int | float]:
    kind = type(value)
    if kind is int:
        return True
    return kind is float and math.isfinite(value)


def _integral(value: Any) -> int | None:
    """``value`` as an int when it is an integer, an integral float or an integer string."""
    kind = type(value)
    if kind is int:
        return int(value)
    if kind is float and math.isfinite(value) and value.is_integer():
        return int(value)
    if kind is str:
        text = value.strip()
        if text and (text.isdigit() or (text[0] == "-" and text[1:].isdigit())):
            return int(text)
    return None


def _class_name(class_map: dict[str, Any], class_id: Any) -> Any:
    """The class-map entry for ``class_id`` (keys are strings, ids may be ints), or _MISSING."""
    if type(class_id) is str:
        found = class_map.get(class_id, _MISSING)
        if found is not _MISSING:
            return found
    number = _integral(class_id)
    if number is None:
        return _MISSING
    return class_map.get(str(number), _MISSING)


def _image_size(raw: Any) -> tuple[int, int] | None:
    item = raw[0] if isinstance(raw, list) and raw else raw
    if not isinstance(item, dict):
        return None
    width = _integral(item.get("width")) if type(item.get("width")) is not str else None
    height = _integral(item.get("height")) if type(item.get("height")) is not str else None
    if width is None or height is None or width <= 0 or height <= 0:
        return None
    return width, height


def _name_problem(name: Any) -> tuple[str, str] | None:
    if type(name) is not str:
        return (
            "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT",
            f"The label name {_short(name)} is not a string.",
        )
    if not name or len(name) > MAX_LABEL_NAME_CHARS:
        return (
            "ERROR_INVALID_LABEL_NAME_LENGTH",
            f"The label name {_short(name)} has {len(name)} characters; "
            f"names have 1 to {MAX_LABEL_NAME_CHARS}.",
        )
    problem = label_name_problem(name)
    if problem is not None:
        return ("ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT", f"The {problem}.")
    return None


class _Line:
    """What one line has yielded so far."""

    __slots__ = ("labels", "boxes", "image_size", "issues", "box_keys")

    def __init__(self) -> None:
        self.labels: list[str] = []
        self.boxes: list[Box] = []
        self.image_size: tuple[int, int] | None = None
        self.issues: list[tuple[int, str, str]] = []
        self.box_keys: set[tuple[str, float, float, float, float]] | None = None

    def issue(self, kind: int, code: str, detail: str, fill: str = "") -> None:
        self.issues.append((kind, code, _message(code, detail, fill)))

    def add_label(self, name: str) -> None:
        if name not in self.labels:
            self.labels.append(name)


def _classification(key: str, value: Any, meta: dict[str, Any], line: _Line) -> bool:
    if type(value) is bool or (_integral(value) is None and not _number(value)):
        line.issue(
            _PART,
            "ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT",
            f"Its value must be an integer class index, not {_short(value)}.",
            key,
        )
        return False
    name = meta.get("class-name", _MISSING)
    if name is _MISSING:
        line.issue(
            _PART,
            "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT",
            f"{key}-metadata has no class-name.",
        )
        return False
    problem = _name_problem(name)
    if problem is not None:
        line.issue(_PART, problem[0], f"{key}-metadata: {problem[1]}")
        return False
    line.add_label(name)
    return True


def _multilabel(key: str, value: Any, meta: dict[str, Any], line: _Line) -> bool:
    if not isinstance(value, list):
        # The hosted service's conversion script writes one scalar attribute per label and
        # keeps this type; read it as a classification attribute.
        return _classification(key, value, meta, line)
    class_map = meta.get("class-map")
    if not isinstance(class_map, dict):
        line.issue(
            _PART,
            "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT",
            f"{key}-metadata has no class-map object.",
        )
        return False
    if not value:
        line.issue(_WARN, "WARNING_NO_ATTRIBUTE_ANNOTATIONS", f"{key} selects no class.")
        return True
    good = 0
    for class_id in value:
        name = _class_name(class_map, class_id) if type(class_id) is not bool else _MISSING
        if name is _MISSING:
            line.issue(
                _PART,
                "ERROR_MISSING_CLASS_MAP_ID",
                f"{key} selects class id {_short(class_id)}, which {key}-metadata.class-map "
                "does not name.",
            )
            continue
        problem = _name_problem(name)
        if problem is not None:
            line.issue(_PART, problem[0], f"{key}-metadata.class-map: {problem[1]}")
            continue
        line.add_label(name)
        good += 1
    return good > 0


def _detection(key: str, value: Any, meta: dict[str, Any], line: _Line) -> bool:
    """Read one object-detection attribute into ``line``; False when it gives nothing valid."""
    annotations = _detection_annotations(key, value, line)
    if annotations is None:
        return False
    size_ok, size = _detection_image_size(key, value, line)
    if not size_ok:
        return False
    if not annotations:
        line.issue(
            _WARN,
            "WARNING_NO_ATTRIBUTE_ANNOTATIONS",
            f"{key} has no annotations: the image is labelled as showing no objects.",
        )
        if size is not None:
            line.image_size = size
        return True
    class_map = meta.get("class-map")
    if not isinstance(class_map, dict):
        line.issue(
            _PART,
            "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT",
            f"{key}-metadata has no class-map object.",
        )
        return False
    objects = meta.get("objects")
    if not isinstance(objects, list):
        objects = []
    scale = _training_scale(size)
    kept = 0
    no_confidence: list[int] = []
    for index, ann in enumerate(annotations):
        box = _detection_box(key, index, ann, size, class_map, scale, line)
        if box is None:
            continue
        if (
            index >= len(objects)
            or not isinstance(objects[index], dict)
            or ("confidence" not in objects[index])
        ):
            no_confidence.append(index)
        kept += 1
        _keep_box(line, box)
    if no_confidence:
        _missing_confidence(key, no_confidence, line)
    if kept == 0:
        line.issue(
            _PART,
            "ERROR_NO_VALID_ANNOTATIONS",
            f"None of the {len(annotations)} annotations of {key} is valid.",
        )
        return False
    if size is not None:
        line.image_size = size
    return True


def _detection_annotations(key: str, value: Any, line: _Line) -> list[Any] | None:
    """The attribute's annotations (none given: an empty list), or None when malformed."""
    if not isinstance(value, dict):
        line.issue(
            _PART,
            "ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT",
            f"An object-detection attribute is an object with image_size and annotations, "
            f"not {_short(value)}.",
            key,
        )
        return None
    annotations = value.get("annotations")
    if annotations is None:
        return []
    if not isinstance(annotations, list):
        line.issue(
            _PART,
            "ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT",
            f"annotations must be a list, not {_short(annotations)}.",
            key,
        )
        return None
    return annotations


def _detection_image_size(
    key: str, value: dict[str, Any], line: _Line
) -> tuple[bool, tuple[int, int] | None]:
    """(False, None) when the attribute's image_size is malformed or contradicts an earlier
    attribute of the line; else (True, the size or None when it gives none)."""
    raw_size = value.get("image_size")
    if raw_size is None:
        return True, None
    size = _image_size(raw_size)
    if size is None:
        line.issue(
            _PART,
            "ERROR_INVALID_IMAGE_DIMENSION",
            f'{key}.image_size must be [{{"width": W, "height": H, "depth": D}}] with '
            f"positive integer width and height, not {_short(raw_size)}; its boxes "
            "can't be placed.",
        )
        return False, None
    if line.image_size is not None and size != line.image_size:
        line.issue(
            _PART,
            "ERROR_INVALID_IMAGE_DIMENSION",
            f"{key}.image_size {size[0]}x{size[1]} differs from the "
            f"{line.image_size[0]}x{line.image_size[1]} of an earlier attribute of this line.",
        )
        return False, None
    return True, size


def _training_scale(size: tuple[int, int] | None) -> float:
    """How much training shrinks an image of ``size`` (the minimum box side applies there)."""
    if size is not None:
        longest = max(size)
        if longest > TRAINING_MAX_SIDE_PX:
            return TRAINING_MAX_SIDE_PX / longest
    return 1.0


def _detection_box(
    key: str,
    index: int,
    ann: Any,
    size: tuple[int, int] | None,
    class_map: dict[str, Any],
    scale: float,
    line: _Line,
) -> Box | None:
    """The box of one annotation, or None (with the line's issue saying why it was dropped)."""
    where = f"Annotation {index} of {key}"
    if not isinstance(ann, dict):
        line.issue(_PART, "ERROR_INVALID_BOUNDING_BOX", f"{where} is not an object: {_short(ann)}.")
        return None
    left = ann.get("left")
    top = ann.get("top")
    width = ann.get("width")
    height = ann.get("height")
    if not (_number(left) and _number(top) and _number(width) and _number(height)):
        line.issue(
            _PART,
            "ERROR_INVALID_BOUNDING_BOX",
            f"{where}: left, top, width and height must be numbers, got left={_short(left)}"
            f" top={_short(top)} width={_short(width)} height={_short(height)}.",
        )
        return None
    if left < 0 or top < 0 or width <= 0 or height <= 0:
        line.issue(
            _PART,
            "ERROR_INVALID_BOUNDING_BOX",
            f"{where} (left={left}, top={top}, width={width}, height={height}) has a "
            "negative position or no area.",
        )
        return None
    if size is not None:
        over_x = left + width - size[0]
        over_y = top + height - size[1]
        if over_x > _FRAME_TOLERANCE_PX or over_y > _FRAME_TOLERANCE_PX:
            line.issue(
                _PART,
                "ERROR_INVALID_BOUNDING_BOX",
                f"{where} (left={left}, top={top}, width={width}, height={height}) leaves "
                f"the {size[0]}x{size[1]} image.",
            )
            return None
        if over_x > 0:
            width = size[0] - left
        if over_y > 0:
            height = size[1] - top
    name = _annotation_class(key, where, ann, class_map, line)
    if name is None:
        return None
    if width * scale <= MIN_BOX_SIDE_PX or height * scale <= MIN_BOX_SIDE_PX:
        scaled = "" if scale == 1.0 else f" ({width * scale:.2f}x{height * scale:.2f} px at "
        scaled += "" if scale == 1.0 else f"the {TRAINING_MAX_SIDE_PX} px training size)"
        line.issue(
            _PART,
            "ERROR_BOUNDING_BOX_TOO_SMALL",
            f"{where} is {width}x{height} px{scaled}; boxes must be larger than "
            f"{MIN_BOX_SIDE_PX:g}x{MIN_BOX_SIDE_PX:g} px.",
        )
        return None
    return Box(name, float(left), float(top), float(width), float(height))


def _annotation_class(
    key: str, where: str, ann: dict[str, Any], class_map: dict[str, Any], line: _Line
) -> str | None:
    """The label an annotation's class_id names in the class-map, or None (with the issue)."""
    class_id = ann.get("class_id")
    if type(class_id) is bool or _integral(class_id) is None:
        line.issue(
            _PART,
            "ERROR_INVALID_BOUNDING_BOX",
            f"{where} has no integer class_id (got {_short(class_id)}).",
        )
        return None
    name = _class_name(class_map, class_id)
    if name is _MISSING:
        line.issue(
            _PART,
            "ERROR_MISSING_CLASS_MAP_ID",
            f"{where} has class_id {class_id}, which {key}-metadata.class-map does not name.",
        )
        return None
    problem = _name_problem(name)
    if problem is not None:
        line.issue(_PART, problem[0], f"{where}: {problem[1]}")
        return None
    return str(name)


def _keep_box(line: _Line, box: Box) -> None:
    """Add ``box`` to the line unless an identical one is there already."""
    # Chained labelling jobs repeat boxes across attributes: keep one of identical boxes.
    if line.boxes:
        if line.box_keys is None:
            line.box_keys = {(b.label, b.left, b.top, b.width, b.height) for b in line.boxes}
        box_key = (box.label, box.left, box.top, box.width, box.height)
        if box_key in line.box_keys:
            return
        line.box_keys.add(box_key)
    line.boxes.append(box)


def _missing_confidence(key: str, no_confidence: list[int], line: _Line) -> None:
    shown = ", ".join(str(i) for i in no_confidence[:20])
    more = f" and {len(no_confidence) - 20} more" if len(no_confidence) > 20 else ""
    line.issue(
        _PART,
        "ERROR_MISSING_BOUNDING_BOX_CONFIDENCE",
        f"{key}-metadata.objects has no confidence for annotation(s) {shown}{more}; "
        "the boxes are kept.",
    )


def _looks_like_label_data(key: str, value: Any) -> bool:
    if key.endswith("-metadata"):
        return isinstance(value, dict) and "type" in value
    return isinstance(value, dict) and ("annotations" in value or "image_size" in value)


def _parse_object(obj: dict[str, Any], line_number: int, text: Any) -> ImportRecord:
    ref = obj.get("source-ref", _MISSING)
    if ref is _MISSING:
        return _invalid_line("ERROR_MISSING_SOURCE_REF", "", line_number, _decoded(text))
    if type(ref) is not str:
        return _invalid_line(
            "ERROR_INVALID_SOURCE_REF_FORMAT",
            f"source-ref must be a string, not {_short(ref)}.",
            line_number,
            _decoded(text),
        )
    problem = source_ref_problem(ref)
    if problem is not None:
        kept_ref = ref if ref and not ref.isspace() and "\x00" not in ref else None
        return _invalid_line(
            "ERROR_INVALID_SOURCE_REF_FORMAT", problem, line_number, _decoded(text), kept_ref
        )

    line = _Line()
    attributes = 0
    valid = 0
    detection = 0
    orphans: list[str] = []
    for key, value in obj.items():
        if key == "source-ref":
            continue
        if key.endswith("-metadata"):
            if key[:-9] not in obj and _looks_like_label_data(key, value):
                orphans.append(key)
            continue
        meta = obj.get(key + "-metadata", _MISSING)
        if meta is _MISSING:
            if _looks_like_label_data(key, value):
                orphans.append(key)
            continue
        attributes += 1
        if not isinstance(meta, dict):
            line.issue(
                _PART,
                "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT",
                f"{key}-metadata must be an object, not {_short(meta)}.",
            )
            continue
        kind = meta.get("type")
        if kind == CLASSIFICATION_TYPE:
            ok = _classification(key, value, meta, line)
        elif kind == DETECTION_TYPE:
            detection += 1
            ok = _detection(key, value, meta, line)
        elif kind == MULTILABEL_TYPE:
            ok = _multilabel(key, value, meta, line)
        elif type(kind) is not str:
            line.issue(
                _PART,
                "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT",
                f"{key}-metadata has no type string (got {_short(kind)}).",
            )
            ok = False
        else:
            line.issue(
                _PART,
                "ERROR_UNSUPPORTED_USE_CASE_TYPE",
                f"{_short(kind)} is not one of {', '.join(SUPPORTED_TYPES)}.",
                f"{key}-metadata",
            )
            ok = False
        if ok:
            valid += 1

    usable = valid > 0
    if attributes == 0:
        if orphans:
            line.issue(
                _LINE,
                "ERROR_NO_LABEL_ATTRIBUTES",
                f"{', '.join(orphans)} has no matching attribute or -metadata key.",
            )
        else:
            line.issue(_WARN, "WARNING_UNANNOTATED_RECORD", "")
    elif not usable:
        if not any(code == "ERROR_NO_VALID_ANNOTATIONS" for _, code, _ in line.issues):
            line.issue(_LINE, "ERROR_NO_VALID_LABEL_ATTRIBUTES", "")
    else:
        if orphans:
            line.issue(
                _PART,
                "ERROR_NO_LABEL_ATTRIBUTES",
                f"{', '.join(orphans)} has no matching attribute or -metadata key and is ignored.",
            )
        if detection and not line.boxes and not line.labels:
            line.issue(_WARN, "WARNING_NO_ANNOTATIONS", "")

    if usable:
        labels, boxes, image_size = line.labels, line.boxes, line.image_size
    else:
        labels, boxes, image_size = [], [], None
    issues = [
        EntryIssue(
            code,
            message,
            "WARNING" if kind == _WARN or (kind == _PART and usable) else "ERROR",
        )
        for kind, code, message in line.issues
    ]
    is_labeled = attributes > 0
    cl_metadata = obj.get("cl-metadata")
    if isinstance(cl_metadata, dict) and cl_metadata.get("is_labeled") is True:
        is_labeled = True
    has_error = any(issue.severity == "ERROR" for issue in issues)
    return ImportRecord(
        source_ref=ref,
        labels=labels,
        boxes=boxes,
        issues=issues,
        image_size=image_size,
        frame="raw",
        line_number=line_number,
        raw_line=_keep(_decoded(text)) if has_error else None,
        is_labeled=is_labeled,
    )


def _decoded(text: str | bytes) -> str:
    if isinstance(text, str):
        return text.rstrip("\r\n")
    return text.decode("utf-8", errors="replace").rstrip("\r\n")


def _too_long(line_number: int, head: str | bytes, length: str, max_chars: int) -> ImportRecord:
    return _invalid_line(
        "ERROR_INVALID_JSON_LINE",
        f"The line has {length} characters; lines have at most {max_chars:,} "
        f"(the first {RAW_LINE_KEEP_CHARS:,} are kept).",
        line_number,
        _decoded(head[: RAW_LINE_KEEP_CHARS * 4]),
    )


def parse_manifest_line(
    line: str | bytes, line_number: int, *, max_chars: int = DEFAULT_MAX_CHARS
) -> ImportRecord:
    """Parse and validate one manifest line; never raises for bad input.

    A line that fails validation still gives a record: its issues carry the hosted service's
    codes, ``raw_line`` keeps (the start of) the line, and ``source_ref`` is the line's own
    when one could be read, else ``invalid-line:{line_number}``. Boxes are in the frame of the
    attribute's ``image_size`` (``frame="raw"``).
    """
    if isinstance(line, str):
        if len(line) > max_chars:
            return _too_long(line_number, line, f"{len(line):,}", max_chars)
    else:
        line = bytes(line)
        if len(line) > max_chars:
            chars = len(line.decode("utf-8", errors="replace"))
            if chars > max_chars:
                return _too_long(line_number, line, f"{chars:,}", max_chars)
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        # orjson counts lines within this one line ("line 2 column 1" for text after the
        # object): say the manifest's own line and the column within it instead.
        detail = (
            f"manifest line {line_number}: not valid JSON (column {error.pos + 1}: {error.msg})"
        )
        if isinstance(line, bytes):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as bad:
                detail = (
                    f"manifest line {line_number}: not valid UTF-8 (byte "
                    f"0x{line[bad.start]:02x} at position {bad.start})."
                )
        if not line.strip():
            detail = f"manifest line {line_number} is empty."
        return _invalid_line("ERROR_INVALID_JSON_LINE", detail, line_number, _decoded(line))
    if not isinstance(obj, dict):
        return _invalid_line(
            "ERROR_INVALID_JSON_LINE",
            f"The line is a JSON {type(obj).__name__}, not an object.",
            line_number,
            _decoded(line),
        )
    return _parse_object(obj, line_number, line)


def read_manifest(
    stream: Iterable[bytes] | BinaryIO, *, max_chars: int = DEFAULT_MAX_CHARS
) -> Iterator[ImportRecord]:
    """Yield one record per non-blank line of a manifest, in order (line numbers from 1).

    Lines are bytes, so invalid UTF-8 is an error of its line only. A UTF-8 byte order mark
    at the start is ignored. Duplicate source-refs are all yielded (the importer keeps the
    last).
    """
    # A UTF-8 character is at most 4 bytes; longer raw lines can't be valid.
    limit = max_chars * 4 + 2
    for number, line in enumerate(bounded_lines(stream, limit), 1):
        if isinstance(line, OverlongLine):
            yield _too_long(number, line.head, f"more than {max_chars:,}", max_chars)
            continue
        if number == 1 and line.startswith(_UTF8_BOM):
            line = line[3:]
        if not line or line.isspace():
            continue
        yield parse_manifest_line(line, number, max_chars=max_chars)
