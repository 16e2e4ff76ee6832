"""A detection set of many small objects: real object crops pasted onto real photos.

Objects are raccoons cut out along their hand-drawn boxes (``raccoon/``) and whole shoe
product photos (``shoes/``); backgrounds are the clothing photos (``clothing/validation``),
cropped to 480x360. Each picture gets 6 to 12 objects whose longer side is 20 to 56 px, placed
where they overlap no earlier object by more than a tenth. The TRAIN pictures take their
objects from raccoon-1..160 and ``shoes/train``, the TEST pictures from raccoon-161..200 and
``shoes/test``, so no object is seen in both. Written as Pascal VOC (Annotations/,
JPEGImages/) under bench/.out, made once.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image

from customlabels.formats.voc import read_voc

SIZE = (480, 360)
LABELS = ("raccoon", "shoe")


def _raccoon_crops(raccoon: Path, numbers: range) -> list[Image.Image]:
    crops = []
    for xml in sorted((raccoon / "annotations").glob("*.xml")):
        if int(xml.stem.rsplit("-", 1)[1]) not in numbers:
            continue
        root = ET.parse(xml).getroot()
        with Image.open(raccoon / "images" / f"{xml.stem}.jpg") as photo:
            photo = photo.convert("RGB")
            for box in root.iter("bndbox"):
                edges = [int(float(box.findtext(k) or 0)) for k in ("xmin", "ymin", "xmax", "ymax")]
                if edges[2] - edges[0] > 8 and edges[3] - edges[1] > 8:
                    crops.append(photo.crop((edges[0], edges[1], edges[2], edges[3])))
    return crops


def _shoe_crops(shoes: Path) -> list[Image.Image]:
    crops = []
    for path in sorted(shoes.rglob("*.jpg")):
        with Image.open(path) as photo:
            crops.append(photo.convert("RGB"))
    return crops


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / smaller


def _write_voc(root: Path, name: str, picture: Image.Image, objects: list) -> None:
    picture.save(root / "JPEGImages" / f"{name}.jpg", quality=90)
    annotation = ET.Element("annotation")
    ET.SubElement(annotation, "filename").text = f"{name}.jpg"
    size = ET.SubElement(annotation, "size")
    for key, value in zip(("width", "height", "depth"), (*picture.size, 3), strict=True):
        ET.SubElement(size, key).text = str(value)
    for label, (left, top, right, bottom) in objects:
        item = ET.SubElement(annotation, "object")
        ET.SubElement(item, "name").text = label
        box = ET.SubElement(item, "bndbox")
        for key, value in zip(
            ("xmin", "ymin", "xmax", "ymax"), (left, top, right, bottom), strict=True
        ):
            ET.SubElement(box, key).text = str(value)
    ET.ElementTree(annotation).write(root / "Annotations" / f"{name}.xml")


def build(datasets: Path, out: Path, part: str, count: int, seed: int) -> Path:
    """The VOC tree of ``count`` pasted pictures for ``part`` ("train" or "test")."""
    root = out / f"pasted-voc-{part}"
    if (root / "Annotations").is_dir() and list(read_voc(root)):
        return root
    (root / "Annotations").mkdir(parents=True, exist_ok=True)
    (root / "JPEGImages").mkdir(exist_ok=True)
    numbers = range(1, 161) if part == "train" else range(161, 201)
    objects = {
        "raccoon": _raccoon_crops(datasets / "raccoon", numbers),
        "shoe": _shoe_crops(datasets / "shoes" / part),
    }
    backgrounds = sorted((datasets / "clothing" / "validation").rglob("*.jpg"))
    rng = random.Random(seed)
    for index in range(count):
        with Image.open(rng.choice(backgrounds)) as photo:
            picture = photo.convert("RGB").resize(SIZE)
        placed: list[tuple[str, tuple[int, int, int, int]]] = []
        for _ in range(rng.randint(6, 12)):
            label = rng.choice(LABELS)
            crop = rng.choice(objects[label])
            side = rng.randint(20, 56)
            scale = side / max(crop.size)
            width, height = max(8, round(crop.width * scale)), max(8, round(crop.height * scale))
            for _attempt in range(20):
                left = rng.randint(0, SIZE[0] - width)
                top = rng.randint(0, SIZE[1] - height)
                box = (left, top, left + width, top + height)
                if all(_overlap(box, other) <= 0.1 for _, other in placed):
                    picture.paste(crop.resize((width, height)), (left, top))
                    placed.append((label, box))
                    break
        _write_voc(root, f"{part}-{index:04d}", picture, placed)
    return root
