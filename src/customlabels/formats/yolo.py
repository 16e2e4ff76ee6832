"""YOLO detection datasets in the Ultralytics layout: read a peer's, write one of ours.

Layout::

    data.yaml              path, train/val/test (image folders, lists of them, or .txt lists), names
    images/<split>/a.jpg
    labels/<split>/a.txt   one "class cx cy w h" line per object, fractions of the image size

As Ultralytics does, an image's label file is found by replacing the last ``images`` folder
of its path with ``labels`` and its suffix with ``.txt``. An image with no label file is
unlabelled; an empty label file means "annotated, no objects" (an :class:`ImportRecord` has
no field for that difference, so both read as a record with no boxes). A layout without a
yaml (``images/``, ``labels/``, ``classes.txt``) is read too.

Boxes are read as ``box_units="relative"`` (fractions of the upright size): a pure reader
does not know image sizes, so the importer converts them to pixels. Polygon lines (YOLO
segmentation labels) are read as the box around the polygon.

YOLO detection has no image-level labels: the writer ignores them and counts them in
``WriteSummary.image_labels_ignored``. The writer writes a label file for every image (empty
when it has no boxes), so Ultralytics treats every image as annotated.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from customlabels.formats.errors import FormatError
from customlabels.formats.image_files import (
    INVALID_BOX,
    INVALID_IMAGE,
    MISSING_CLASS,
    WriteSummary,
    check_image_name,
    finite_number,
    is_absolute_reference,
    is_image_name,
    record_for_reference,
    unique_stem_name,
    write_file,
)
from customlabels.formats.paths import is_inside
from customlabels.formats.records import Box, EntryIssue, ExportItem, ImportRecord

YAML_NAMES = ("data.yaml", "data.yml")
SPLITS = ("train", "val", "test")


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"{path}: cannot read YOLO dataset file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise FormatError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise FormatError(f"{path}: a YOLO dataset yaml is a mapping, not {type(data).__name__}")
    return data


def _names(path: Path, raw: Any) -> dict[int, str]:
    """``names`` as a list (index = class id) or a mapping id -> name."""
    if isinstance(raw, list):
        return {i: str(name) for i, name in enumerate(raw)}
    if isinstance(raw, dict):
        names: dict[int, str] = {}
        for key, name in raw.items():
            try:
                names[int(key)] = str(name)
            except (TypeError, ValueError) as exc:
                raise FormatError(f"{path}: names key {key!r} is not a class id") from exc
        return names
    raise FormatError(f"{path}: 'names' must be a list or a mapping of class id to name")


def _inside_root(root: Path, base: Path, value: str, what: str, yaml_path: Path) -> Path:
    candidate = Path(value) if is_absolute_reference(value) else base / value
    if not is_inside(root, candidate):
        raise FormatError(f"{yaml_path}: {what} {value!r} lies outside the dataset root {root}")
    return candidate


def _walk_images(folder: Path) -> Iterator[Path]:
    """Image files under ``folder``, recursively, sorted, skipping hidden names."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk_images(Path(entry.path))
        elif is_image_name(entry.name):
            yield Path(entry.path)


def _label_path(image: Path) -> Path:
    parts = list(image.parts)
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "images":
            parts[i] = "labels"
            break
    return Path(*parts).with_suffix(".txt")


def _class_id(text: str) -> int | None:
    number = finite_number(text)
    if number is None or not number.is_integer():
        return None
    return int(number)


def _parse_labels(
    label_file: Path, names: dict[int, str], keypoints: bool
) -> tuple[list[Box], list[EntryIssue]]:
    boxes: list[Box] = []
    issues: list[EntryIssue] = []
    try:
        text = label_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [EntryIssue(INVALID_BOX, f"label file {label_file} cannot be read: {exc}")]
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        where = f"{label_file.name} line {number}"
        class_id = _class_id(parts[0])
        values = [finite_number(p) for p in parts[1:]]
        if class_id is None or any(v is None for v in values):
            issues.append(EntryIssue(INVALID_BOX, f"{where}: {line.strip()!r} is not numbers"))
            continue
        coords = [float(v) for v in values if v is not None]
        if len(coords) == 4 or (keypoints and len(coords) > 4):
            cx, cy, width, height = coords[:4]
            left, top = cx - width / 2, cy - height / 2
        elif len(coords) >= 6 and len(coords) % 2 == 0:  # a segmentation polygon
            xs, ys = coords[0::2], coords[1::2]
            left, top = min(xs), min(ys)
            width, height = max(xs) - left, max(ys) - top
        else:
            message = f"{where}: expected 'class cx cy w h', got {line.strip()!r}"
            issues.append(EntryIssue(INVALID_BOX, message))
            continue
        if class_id not in names:
            issues.append(EntryIssue(MISSING_CLASS, f"{where}: class id {class_id} has no name"))
            continue
        if width <= 0 or height <= 0:
            message = f"{where}: box width and height must be above 0, got {line.strip()!r}"
            issues.append(EntryIssue(INVALID_BOX, message))
            continue
        boxes.append(Box(names[class_id], left, top, width, height))
    return boxes, issues


def _record(root: Path, image: Path, names: dict[int, str], keypoints: bool) -> ImportRecord:
    reference = os.path.relpath(image.absolute(), root.absolute())
    record = record_for_reference(root, reference, box_units="relative")
    if record.issues:
        return record
    label_file = _label_path(root.absolute() / reference)
    if not label_file.exists():
        return record  # unlabelled
    # Checked after exists(): the image lies inside the root, so only a symlinked labels
    # folder inside it could lead out (checking first costs a resolve per image).
    if not is_inside(root, label_file):
        message = f"label file {label_file} leaves the root {root}"
        record.issues.append(EntryIssue(INVALID_IMAGE, message))
        return record
    record.boxes, issues = _parse_labels(label_file, names, keypoints)
    record.issues.extend(issues)
    return record


def _yaml_sources(
    root: Path, yaml_path: Path, data: dict[str, Any], splits: Iterable[str]
) -> Iterator[Path | list[Path]]:
    """Yield image folders (Path) or image lists (list[Path]) that ``splits`` name."""
    base = root
    declared = data.get("path")
    if isinstance(declared, str) and declared.strip():
        # "path" is often written for the machine that made the dataset ("../datasets/x",
        # "/home/me/x"); use it when it names a folder inside the root, else the yaml's folder.
        candidate = Path(declared) if is_absolute_reference(declared) else root / declared
        if is_inside(root, candidate) and candidate.is_dir():
            base = candidate
    for split in splits:
        value = data.get(split)
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item is None or (isinstance(item, str) and not item.strip()):
                continue
            if not isinstance(item, str):
                raise FormatError(f"{yaml_path}: {split} must be a folder or a list of folders")
            source = _inside_root(root, base, item, split, yaml_path)
            if source.is_dir():
                yield source
            elif source.is_file() and source.suffix == ".txt":
                yield _image_list(root, source, base)
            else:
                raise FormatError(f"{yaml_path}: {split} {item!r} is not a folder or a .txt list")


def _image_list(root: Path, list_file: Path, base: Path) -> list[Path]:
    """Images named in a .txt list: "./x" relative to the list's folder, else to the base."""
    images = []
    for line in list_file.read_text(encoding="utf-8").splitlines():
        name = line.strip()
        if not name:
            continue
        if name.startswith("./"):
            images.append(list_file.parent / name[2:])
        elif is_absolute_reference(name):
            images.append(Path(name))  # refused by the record unless inside the root
        else:
            images.append(base / name)
    return images


def read_yolo(root: Path, splits: Iterable[str] | None = None) -> Iterator[ImportRecord]:
    """Yield one record per image of a YOLO dataset at ``root``.

    With ``data.yaml`` (or ``data.yml``): the ``train``/``val``/``test`` entries that
    ``splits`` names (all of them by default) are read, each a folder, a list of folders or
    a ``.txt`` list of images, relative to the yaml's ``path`` when that is a folder inside
    ``root``, else to ``root``. ``names`` may be a list or a mapping id -> name. An image
    listed by two splits is yielded once. Without a yaml: ``images/`` (or ``images/<split>``
    for the given splits) with ``labels/`` and ``classes.txt`` (at the root or in
    ``labels/``). Raises :class:`FormatError` for a broken yaml or a layout it can't read.
    """
    yaml_path = next((root / n for n in YAML_NAMES if (root / n).is_file()), None)
    wanted = list(SPLITS if splits is None else splits)
    sources: list[Path | list[Path]]
    if yaml_path is not None:
        data = _load_yaml(yaml_path)
        if "names" not in data:
            raise FormatError(f"{yaml_path}: no 'names' (the class names)")
        names = _names(yaml_path, data["names"])
        keypoints = "kpt_shape" in data
        sources = list(_yaml_sources(root, yaml_path, data, wanted))
    else:
        classes = next(
            (p for p in (root / "classes.txt", root / "labels" / "classes.txt") if p.is_file()),
            None,
        )
        if classes is None or not (root / "images").is_dir():
            raise FormatError(
                f"{root}: not a YOLO dataset: no data.yaml, and no images/ folder with classes.txt"
            )
        try:
            lines = classes.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise FormatError(f"{classes}: cannot read class names: {exc}") from exc
        names = {i: line.strip() for i, line in enumerate(lines) if line.strip()}
        keypoints = False
        if splits is None:
            sources = [root / "images"]
        else:
            sources = [root / "images" / s for s in wanted if (root / "images" / s).is_dir()]
    seen_folders: set[Path] = set()
    seen_listed: set[Path] = set()
    for source in sources:
        if isinstance(source, Path):
            real = source.resolve()
            if real in seen_folders:
                continue
            seen_folders.add(real)
            for image in _walk_images(source):
                yield _record(root, image, names, keypoints)
        else:
            for image in source:
                key = image.resolve() if is_inside(root, image) else image
                if key in seen_listed:
                    continue
                seen_listed.add(key)
                yield _record(root, image, names, keypoints)


def _number(value: float) -> str:
    """Shortest text that reads back as exactly the same float."""
    return repr(float(value))


def write_yolo(
    items: Iterable[ExportItem],
    out: Path,
    label_names: list[str],
    split: str = "train",
) -> WriteSummary:
    """Write ``images/<split>/``, ``labels/<split>/`` and ``data.yaml`` under ``out``.

    Class ids follow ``label_names``; a box label not in it gets the next id as it is met.
    ``data.yaml`` has ``path: .``, ``<split>: images/<split>``, and ``train``/``val`` (which
    Ultralytics requires) pointing at this split until another call writes them, so writing
    ``train`` then ``val`` into one ``out`` gives one dataset; an existing ``data.yaml``'s
    names keep their ids. Two images with one stem (``a.jpg``, ``a.png``) can't share
    ``a.txt``: the later one is written as ``a__<entry_id>.png`` (counted in ``renamed``).
    Image-level labels are ignored (counted in ``image_labels_ignored``).
    """
    if not split or "/" in split or "\\" in split or split in {".", ".."}:
        raise ValueError(f"split {split!r} must be a plain folder name")
    out.mkdir(parents=True, exist_ok=True)
    yaml_path = out / "data.yaml"
    data: dict[str, Any] = _load_yaml(yaml_path) if yaml_path.is_file() else {}
    existing = _names(yaml_path, data["names"]) if "names" in data else {}
    class_ids: dict[str, int] = {name: i for i, name in sorted(existing.items())}
    next_id = max(class_ids.values(), default=-1) + 1
    for name in label_names:
        if name not in class_ids:
            class_ids[name], next_id = next_id, next_id + 1
    images_dir, labels_dir = out / "images" / split, out / "labels" / split
    images_dir.mkdir(parents=True, exist_ok=True)
    labels_dir.mkdir(parents=True, exist_ok=True)
    summary = WriteSummary(out=out)
    for item in items:
        name = check_image_name(item.image_name)
        name = unique_stem_name(name, item.entry_id, lambda s: (labels_dir / f"{s}.txt").exists())
        if name != item.image_name:
            summary.renamed += 1
        if item.boxes and (item.width <= 0 or item.height <= 0):
            raise ValueError(f"entry {item.entry_id}: image size {item.width}x{item.height}")
        lines = []
        for box in item.boxes:
            if box.label not in class_ids:
                class_ids[box.label], next_id = next_id, next_id + 1
            class_id = class_ids[box.label]
            cx = (box.left + box.width / 2) / item.width
            cy = (box.top + box.height / 2) / item.height
            w, h = box.width / item.width, box.height / item.height
            lines.append(f"{class_id} {_number(cx)} {_number(cy)} {_number(w)} {_number(h)}\n")
        write_file(images_dir / name, item.read_upright_image())
        (labels_dir / f"{os.path.splitext(name)[0]}.txt").write_text(
            "".join(lines), encoding="utf-8"
        )
        summary.images_written += 1
        summary.annotations_written += len(lines)
        summary.image_labels_ignored += len(item.labels)
    data["path"] = "."
    data[split] = f"images/{split}"
    for key in ("train", "val"):
        data.setdefault(key, f"images/{split}")
    data["nc"] = len(class_ids)
    data["names"] = {i: name for name, i in sorted(class_ids.items(), key=lambda kv: kv[1])}
    ordered = {k: data[k] for k in ("path", *SPLITS, "nc", "names") if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    tmp = out / ".data.yaml.tmp"
    tmp.write_text(yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True), encoding="utf-8")
    os.replace(tmp, yaml_path)
    return summary
