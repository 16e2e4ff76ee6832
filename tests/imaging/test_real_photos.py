"""Real photos from the shared datasets (read in place) analyse like the synthetic ones."""

from __future__ import annotations

import hashlib

import pytest

from customlabels.imaging import analyse_file

from .builders import opened

PHOTOS = [
    ("logos/inference_images/inference-image-2.jpeg", "JPEG", (1000, 667)),
    ("logos/aws_logo/aws-1.png", "PNG", (1000, 1000)),
    ("shoes/train/chunkysneakers/21.jpg", "JPEG", (293, 440)),
    ("shoes/test/canvasshoes/26.jpg", "JPEG", (330, 187)),
]


@pytest.mark.parametrize(("relative", "fmt", "size"), PHOTOS, ids=[p[0] for p in PHOTOS])
def test_real_photo_is_hashed_described_and_thumbnailed(relative, fmt, size, shared_datasets):
    path = shared_datasets / relative
    analysed, data = analyse_file(str(path), 256, 100_000_000, 15_000_000)
    assert analysed.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert analysed.byte_size == len(data) == path.stat().st_size
    assert analysed.info.format == fmt
    assert (analysed.info.width, analysed.info.height) == size
    thumb = opened(analysed.thumbnail)
    assert thumb.format == "JPEG"
    assert max(thumb.size) == min(256, max(size))
