"""A small mixed dataset to export: boxes, image-level labels, and entries the hosted
service would reject (a BMP image, an image under 64 px, more than 50 boxes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import classification, create, detection, image, save, write_lines

BOXES = {
    "boxed.png": [("cat", 10, 20, 50, 40), ("dog", 100.5, 50, 60, 70.25)],
    "many.png": [("dot", 5 * (i % 10), 5 * (i // 10), 4, 4) for i in range(60)],
}
LABELS = {
    "both.jpg": ["cat", "dog"],
    "bitmap.bmp": ["cat"],
    "tiny.png": ["dog"],
    "boxed.png": [],
    "many.png": [],
    "empty.png": [],
    "plain.png": [],
}
# The entries the hosted service would refuse, and the code it would give.
HOSTED_REJECTS = {
    "bitmap.bmp": "ERROR_INVALID_IMAGE",
    "tiny.png": "ERROR_INVALID_IMAGE_DIMENSION",
    "many.png": "ERROR_TOO_MANY_BOUNDING_BOXES",
}


@pytest.fixture
def exportable(ctx, tmp_path: Path):
    """Project ``p`` with a TRAIN dataset of 7 images and one entry whose image is missing."""
    root = tmp_path / "root"
    save(root / "boxed.png", image((200, 150), (200, 30, 30)))
    save(root / "both.jpg", image((160, 120), (30, 200, 30), "JPEG"))
    save(root / "bitmap.bmp", image((100, 100), (30, 30, 200), "BMP"))
    save(root / "tiny.png", image((40, 30), (90, 90, 90)))
    save(root / "many.png", image((300, 300), (10, 10, 10)))
    save(root / "empty.png", image((100, 100), (250, 250, 250)))
    save(root / "plain.png", image((80, 80), (120, 60, 0)))
    lines = [
        detection("boxed.png", (200, 150), BOXES["boxed.png"]),
        classification("both.jpg", "cat", "dog"),
        classification("bitmap.bmp", "cat"),
        classification("tiny.png", "dog"),
        detection("many.png", (300, 300), BOXES["many.png"]),
        detection("empty.png", (100, 100), []),
        {"source-ref": "plain.png"},
        classification("missing.png", "cat"),
    ]
    manifest = write_lines(tmp_path / "in.manifest", lines)
    create(ctx, {"kind": "manifest", "path": str(manifest), "root": str(root)})
    return ctx
