"""Pascal VOC detection: ``Annotations/*.xml``, ``JPEGImages/``, ``ImageSets/Main/<split>.txt``.

Coordinates: we write ``xmin=left, ymin=top, xmax=left+width, ymax=top+height`` and read
the inverse, without VOC's 1-based pixel convention (VOC2007's devkit subtracts 1 from
xmin/ymin). Tools disagree on that offset (torchvision, Ultralytics and most converters
ignore it), a one-pixel shift is below annotation noise, and not applying it means our own
round trip returns exactly the numbers it was given. Integral numbers are written as
integers, others as decimals.

Image-level labels have no place in a VOC annotation file (VOC's classification lists are
one file per class and split). We write them as extra ``<labels><label>name</label></labels>``
elements, which other tools ignore, and read them back when present.

XML is parsed with defusedxml (no entity expansion or external references).
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from customlabels.formats.errors import FormatError
from customlabels.formats.image_files import (
    INVALID_BOX,
    MISSING_SOURCE_REF,
    WriteSummary,
    check_image_name,
    finite_number,
    is_absolute_reference,
    is_image_name,
    record_for_reference,
    unique_stem_name,
    write_file,
)
from customlabels.formats.paths import local_source_ref, stays_below
from customlabels.formats.records import Box, EntryIssue, ExportItem, ImportRecord

ANNOTATIONS_DIR = "Annotations"
IMAGES_DIR = "JPEGImages"
SUFFIX_GUESSES = (".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG")


def _parse(xml_file: Path) -> ET.Element:
    try:
        root = SafeET.parse(xml_file).getroot()
    except ET.ParseError as exc:
        raise FormatError(f"{xml_file}: invalid XML: {exc}") from exc
    except DefusedXmlException as exc:
        raise FormatError(f"{xml_file}: refused XML ({type(exc).__name__}): {exc}") from exc
    except OSError as exc:
        raise FormatError(f"{xml_file}: cannot read VOC annotation: {exc}") from exc
    if root is None:
        raise FormatError(f"{xml_file}: the VOC annotation has no root element")
    if root.tag != "annotation":
        raise FormatError(f"{xml_file}: root element is <{root.tag}>, expected <annotation>")
    return root


def _text(element: ET.Element | None, tag: str) -> str | None:
    if element is None:
        return None
    child = element.find(tag)
    if child is None or child.text is None:
        return None
    return child.text.strip()


def _size(root: ET.Element) -> tuple[int, int] | None:
    size = root.find("size")
    width, height = finite_number(_text(size, "width")), finite_number(_text(size, "height"))
    if width is None or height is None or width <= 0 or height <= 0:
        return None  # some datasets write 0 when they didn't know
    return int(width), int(height)


def _box(obj: ET.Element, index: int) -> Box | EntryIssue:
    name = _text(obj, "name")
    if not name:
        return EntryIssue(INVALID_BOX, f"object {index} has no <name>")
    bndbox = obj.find("bndbox")
    if bndbox is None:
        return EntryIssue(INVALID_BOX, f"object {index} ({name!r}) has no <bndbox>")
    raw = {tag: _text(bndbox, tag) for tag in ("xmin", "ymin", "xmax", "ymax")}
    values = {tag: finite_number(text) for tag, text in raw.items()}
    if any(v is None for v in values.values()):
        return EntryIssue(INVALID_BOX, f"object {index} ({name!r}): bndbox {raw} is not numbers")
    xmin, ymin = float(values["xmin"] or 0), float(values["ymin"] or 0)
    xmax, ymax = float(values["xmax"] or 0), float(values["ymax"] or 0)
    if xmax <= xmin or ymax <= ymin:
        message = f"object {index} ({name!r}): bndbox {raw} has xmax <= xmin or ymax <= ymin"
        return EntryIssue(INVALID_BOX, message)
    return Box(name, xmin, ymin, xmax - xmin, ymax - ymin)


def _image_reference(root: Path, xml_file: Path, filename: str) -> str:
    """The name, relative to ``root``, of the image an annotation names.

    ``JPEGImages/<filename>`` first, then next to the xml; a filename without a suffix (seen
    in some datasets) is tried with the usual ones. The first candidate is returned when no
    file exists, so the record says which file was expected.
    """
    xml_dir = os.path.relpath(xml_file.parent.absolute(), root.absolute())
    bases = [IMAGES_DIR, xml_dir]
    names = [filename]
    if not is_image_name(filename):
        names += [filename + suffix for suffix in SUFFIX_GUESSES]
    candidates = [f"{base}/{name}" for name in names for base in bases]
    if not stays_below(filename):
        return candidates[0]  # refused by the caller, whatever exists out there
    for candidate in candidates:
        if (root / candidate).is_file():
            return candidate
    return candidates[0]


def read_voc(root: Path, split: str | None = None) -> Iterator[ImportRecord]:
    """Yield one record per ``Annotations/*.xml`` under ``root``, sorted by file name.

    With ``split``, only the stems listed in ``ImageSets/Main/<split>.txt`` are read. The
    image is ``JPEGImages/<filename>`` or, failing that, next to the xml; a name that
    escapes ``root`` or a missing file gives a record with an issue. ``<size>`` becomes
    ``image_size``. Objects without a name or with a bad box are dropped with an issue.
    Raises :class:`FormatError` when there is no ``Annotations`` folder, or for a file that
    is not XML or not a VOC ``<annotation>``.
    """
    annotations = root / ANNOTATIONS_DIR
    if not annotations.is_dir():
        raise FormatError(f"{root}: not a VOC dataset: no {ANNOTATIONS_DIR}/ folder")
    if split is None:
        xml_files: Iterable[Path] = sorted(annotations.glob("*.xml"))
    else:
        list_file = root / "ImageSets" / "Main" / f"{split}.txt"
        try:
            lines = list_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise FormatError(f"{list_file}: cannot read split list: {exc}") from exc
        stems = [line.split()[0] for line in lines if line.strip()]
        xml_files = [annotations / f"{stem}.xml" for stem in stems if "/" not in stem]
    for xml_file in xml_files:
        yield _record(root, xml_file)


def _record(root: Path, xml_file: Path) -> ImportRecord:
    tree = _parse(xml_file)
    boxes: list[Box] = []
    issues: list[EntryIssue] = []
    for index, obj in enumerate(tree.findall("object"), start=1):
        result = _box(obj, index)
        if isinstance(result, Box):
            boxes.append(result)
        else:
            issues.append(result)
    labels_element = tree.find("labels")
    labels = [
        (element.text or "").strip()
        for element in (labels_element.findall("label") if labels_element is not None else [])
    ]
    fields: dict[str, Any] = {
        "labels": [label for label in labels if label],
        "boxes": boxes,
        "issues": issues,
        "image_size": _size(tree),
    }
    filename = _text(tree, "filename")
    if not filename:
        issues.insert(0, EntryIssue(MISSING_SOURCE_REF, f"{xml_file.name} has no <filename>"))
        return ImportRecord(source_ref=local_source_ref(xml_file), **fields)
    # An absolute name is passed on as is, so the record refuses it with an issue.
    if not is_absolute_reference(filename):
        filename = _image_reference(root, xml_file, filename)
    return record_for_reference(root, filename, **fields)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _annotation_xml(item: ExportItem, name: str) -> bytes:
    root = ET.Element("annotation")
    _sub(root, "folder", IMAGES_DIR)
    _sub(root, "filename", name)
    source = _sub(root, "source")
    _sub(source, "database", "customlabels")
    size = _sub(root, "size")
    _sub(size, "width", str(item.width))
    _sub(size, "height", str(item.height))
    _sub(size, "depth", "3")  # not known without decoding; VOC readers only use width/height
    _sub(root, "segmented", "0")
    for box in item.boxes:
        obj = _sub(root, "object")
        _sub(obj, "name", box.label)
        _sub(obj, "pose", "Unspecified")
        _sub(obj, "truncated", "0")
        _sub(obj, "difficult", "0")
        bndbox = _sub(obj, "bndbox")
        _sub(bndbox, "xmin", _number(box.left))
        _sub(bndbox, "ymin", _number(box.top))
        _sub(bndbox, "xmax", _number(box.left + box.width))
        _sub(bndbox, "ymax", _number(box.top + box.height))
    if item.labels:
        labels = _sub(root, "labels")
        for label in item.labels:
            _sub(labels, "label", label)
    ET.indent(root)
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return written + b"\n"


def write_voc(
    items: Iterable[ExportItem],
    out: Path,
    label_names: list[str],
    split: str = "train",
) -> WriteSummary:
    """Write ``Annotations/<stem>.xml``, ``JPEGImages/<image_name>`` and the split list.

    ``ImageSets/Main/<split>.txt`` lists the stems written by this call (it is rewritten, so
    write each split once). VOC has no class list, so ``label_names`` is only accepted for a
    uniform signature. Two images with one stem can't share an xml: the later one is written
    as ``<stem>__<entry_id><suffix>`` (counted in ``renamed``). Streams one image at a time.
    """
    del label_names  # VOC names classes inline in each object
    if not split or "/" in split or "\\" in split or split in {".", ".."}:
        raise ValueError(f"split {split!r} must be a plain file name")
    annotations_dir = out / ANNOTATIONS_DIR
    annotations_dir.mkdir(parents=True, exist_ok=True)
    (out / IMAGES_DIR).mkdir(parents=True, exist_ok=True)
    list_file = out / "ImageSets" / "Main" / f"{split}.txt"
    list_file.parent.mkdir(parents=True, exist_ok=True)
    summary = WriteSummary(out=out)
    with list_file.open("w", encoding="utf-8") as split_list:
        for item in items:
            name = check_image_name(item.image_name)
            name = unique_stem_name(
                name, item.entry_id, lambda s: (annotations_dir / f"{s}.xml").exists()
            )
            if name != item.image_name:
                summary.renamed += 1
            stem = os.path.splitext(name)[0]
            write_file(out / IMAGES_DIR / name, item.read_upright_image())
            (annotations_dir / f"{stem}.xml").write_bytes(_annotation_xml(item, name))
            split_list.write(stem + "\n")
            summary.images_written += 1
            summary.annotations_written += len(item.boxes)
            summary.image_labels_written += len(item.labels)
    return summary
