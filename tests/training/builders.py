"""Small images the training tests make themselves: sample photos, drawn rectangles, EXIF turns."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from skimage import data

from customlabels.training import Box, Sample

# Two photos that look nothing alike; crops of each are one class.
PHOTOS = {"cat": data.chelsea, "coffee": data.coffee}
COLOURS = [(220, 30, 30), (30, 30, 220)]

# EXIF orientation -> the transpose that makes an upright image look raw in the file,
# i.e. the inverse of what a viewer applies.
TO_RAW = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def save(image: Image.Image, path: Path, orientation: int = 1) -> Path:
    """Save as JPEG; with an orientation, the file holds raw pixels that turn upright."""
    if orientation != 1:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.transpose(TO_RAW[orientation]).save(path, "JPEG", quality=92, exif=exif)
    else:
        image.save(path, "JPEG", quality=92)
    return path


def photo_crops(directory: Path, per_class: int, seed: int = 0, size: int = 96) -> list[Sample]:
    """Random crops of two sample photos, labelled 0 (cat) and 1 (coffee)."""
    rng = random.Random(seed)
    out = []
    for label, make in enumerate(PHOTOS.values()):
        photo = Image.fromarray(make())
        for i in range(per_class):
            side = rng.randint(photo.height // 2, photo.height)
            left = rng.randint(0, photo.width - side)
            top = rng.randint(0, photo.height - side)
            crop = photo.crop((left, top, left + side, top + side)).resize((size, size))
            if rng.random() < 0.5:
                crop = crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            path = save(crop, directory / f"{label}-{seed}-{i}.jpg")
            out.append(Sample(path, labels=(label,)))
    return out


def rectangles_image(rng: random.Random, width: int, height: int) -> tuple[Image.Image, list[Box]]:
    """Noisy grey background with one to three filled rectangles (red = 0, blue = 1)."""
    noise = np.random.default_rng(rng.randint(0, 2**31)).integers(90, 160, (height, width, 3))
    image = Image.fromarray(noise.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    boxes = []
    for _ in range(rng.randint(1, 3)):
        w = rng.randint(width // 5, width // 2)
        h = rng.randint(height // 5, height // 2)
        left, top = rng.randint(0, width - w), rng.randint(0, height - h)
        if any(_overlap((left, top, w, h), (b.left, b.top, b.width, b.height)) for b in boxes):
            continue
        label = rng.randint(0, 1)
        draw.rectangle((left, top, left + w - 1, top + h - 1), fill=COLOURS[label])
        boxes.append(Box(label, left, top, w, h))
    return image, boxes


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return not (
        a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]
    )


def rectangles(directory: Path, count: int, seed: int = 0, orientation: int = 1) -> list[Sample]:
    """Detection samples of drawn rectangles; boxes are upright pixels, as users draw them."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        image, boxes = rectangles_image(rng, 160, 120)
        path = save(image, directory / f"rect-{seed}-{i}-o{orientation}.jpg", orientation)
        out.append(Sample(path, boxes=tuple(boxes)))
    return out


def side_by_side(directory: Path, samples: list[Sample], count: int, seed: int = 0) -> list[Sample]:
    """Pictures made of one crop of each class side by side, labelled with both."""
    rng = random.Random(seed)
    by_label = {
        0: [s for s in samples if s.labels == (0,)],
        1: [s for s in samples if s.labels == (1,)],
    }
    out = []
    for i in range(count):
        left = Image.open(rng.choice(by_label[0]).path)
        right = Image.open(rng.choice(by_label[1]).path)
        if rng.random() < 0.5:
            left, right = right, left
        both = Image.new("RGB", (left.width + right.width, left.height))
        both.paste(left, (0, 0))
        both.paste(right, (left.width, 0))
        out.append(Sample(save(both, directory / f"both-{seed}-{i}.jpg"), labels=(0, 1)))
    return out
