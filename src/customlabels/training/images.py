"""Decode images upright and bring them to the network's square input.

Every model here sees an image *squashed* to ``size × size`` (no crop, no letterbox): no
part of the photo is lost, a box maps to the input by one scale per axis, and a consumer of
the exported ONNX model needs only "resize to size × size" to reproduce it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageOps

from customlabels.training.types import Box, UnreadableImage

if TYPE_CHECKING:  # torch loads only when a batch is made
    import torch

# The pretrained EfficientNet-Lite weights were trained on (pixel - 127) / 128 (its
# TensorFlow reference's MEAN_RGB / STDDEV_RGB), not on the ImageNet mean and deviation.
PIXEL_MEAN = 127.0
PIXEL_STD = 128.0

# Training and detection decode photos the users chose; still refuse absurd sizes rather
# than allocate gigabytes (the services refuse them earlier with the service's errors).
MAX_PIXELS = 100_000_000


@dataclass(frozen=True)
class Decoded:
    """An image at the network's input size, and the upright size it came from."""

    pixels: np.ndarray  # uint8, size × size × 3, RGB
    width: int  # upright width of the original
    height: int


def open_upright(source: Path | Image.Image, draft_size: int | None = None) -> Image.Image:
    """Decode a file or take an image, apply its EXIF orientation, and convert to RGB.

    ``draft_size`` lets JPEG decode at a reduced scale that still covers a square of that
    side, which is several times faster for phone photos than a full decode.
    """
    if isinstance(source, Image.Image):
        return ImageOps.exif_transpose(source).convert("RGB")
    try:
        with Image.open(source) as im:
            if im.width * im.height > MAX_PIXELS:
                raise UnreadableImage(source, f"{im.width}x{im.height} is too large")
            if draft_size is not None and im.format == "JPEG":
                # The draft must cover the square in both axes whatever the orientation.
                im.draft("RGB", (draft_size, draft_size))
            im.load()
            return ImageOps.exif_transpose(im).convert("RGB")
    except UnreadableImage:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UnreadableImage(source, str(exc) or type(exc).__name__) from exc


def decode(source: Path | Image.Image, size: int) -> Decoded:
    """The upright image squashed to ``size × size``; raises :class:`UnreadableImage`."""
    im = open_upright(source, draft_size=size)
    # A draft-decoded JPEG is smaller than the original; boxes refer to the upright
    # original's size, which the header tells.
    if isinstance(source, Image.Image):
        width, height = im.width, im.height
    else:
        width, height = upright_size(source)
    resized = im.resize((size, size), Image.Resampling.BILINEAR, reducing_gap=None)
    return Decoded(np.asarray(resized, dtype=np.uint8), width, height)


def upright_size(path: Path) -> tuple[int, int]:
    """Width and height after the EXIF orientation, from the header alone."""
    with Image.open(path) as im:
        width, height = im.size
        orientation = im.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def scale_boxes(boxes: Sequence[Box], width: int, height: int, size: int) -> np.ndarray:
    """Boxes in upright pixels -> ``[label, x1, y1, x2, y2]`` rows in input pixels."""
    sx, sy = size / width, size / height
    rows = [
        (
            b.label,
            max(0.0, b.left) * sx,
            max(0.0, b.top) * sy,
            min(float(width), b.left + b.width) * sx,
            min(float(height), b.top + b.height) * sy,
        )
        for b in boxes
    ]
    out = np.asarray(rows, dtype=np.float32).reshape(-1, 5)
    keep = (out[:, 3] - out[:, 1] >= 1.0) & (out[:, 4] - out[:, 2] >= 1.0)
    return out[keep]


def to_array_batch(pixels: Sequence[np.ndarray]) -> np.ndarray:
    """uint8 HWC arrays -> normalised float32 NCHW array, for ONNX Runtime.

    numpy, not torch: ONNX Runtime's path then runs no torch operation, so torch's CPU
    threads stay asleep beside ONNX Runtime's (two thread pools on two cores).
    """
    batch = (np.stack(pixels).astype(np.float32) - PIXEL_MEAN) / PIXEL_STD
    return np.ascontiguousarray(batch.transpose(0, 3, 1, 2))


def to_tensor_batch(pixels: Sequence[np.ndarray]) -> torch.Tensor:
    """uint8 HWC arrays -> normalised float NCHW tensor (channels-last memory: faster on CPU)."""
    import torch

    batch = torch.from_numpy(np.stack(pixels)).permute(0, 3, 1, 2).float()
    batch = (batch - PIXEL_MEAN) / PIXEL_STD
    return batch.contiguous(memory_format=torch.channels_last)
