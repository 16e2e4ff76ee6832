"""One call per imported image: hash, describe and thumbnail from a single decode."""

from __future__ import annotations

import hashlib
import pickle

from PIL import Image

from customlabels.imaging import (
    analyse_file,
    analyse_image,
    make_thumbnail,
    probe_image,
    sha256_hex,
)

from .builders import encode, marked_jpeg, opened

MAX_PIXELS = 10_000_000


def test_sha256_hex_is_the_lower_case_hex_digest():
    assert sha256_hex(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_analysis_agrees_with_probe_and_thumbnail():
    data = marked_jpeg(6)
    analysed = analyse_image(data, 60, MAX_PIXELS)
    assert analysed.sha256 == hashlib.sha256(data).hexdigest()
    assert analysed.byte_size == len(data)
    assert analysed.info == probe_image(data, MAX_PIXELS)
    assert analysed.thumbnail == make_thumbnail(data, 60, MAX_PIXELS)


def test_analysis_thumbnail_of_a_landscape_photo_is_drafted_to_the_right_size():
    data = encode(Image.effect_noise((640, 480), 50).convert("RGB"), "JPEG", quality=85)
    thumb = opened(analyse_image(data, 256, MAX_PIXELS).thumbnail)
    assert thumb.size == (256, 192)


def test_analyse_file_returns_the_bytes_it_read(tmp_path):
    path = tmp_path / "a.jpg"
    path.write_bytes(marked_jpeg(1))
    analysed, data = analyse_file(str(path), 256, MAX_PIXELS, 1_000_000)
    assert data == path.read_bytes()
    assert analysed.sha256 == sha256_hex(data)


def test_analysis_survives_pickling_for_process_pools():
    analysed = analyse_image(marked_jpeg(3), 256, MAX_PIXELS)
    assert pickle.loads(pickle.dumps(analysed)) == analysed
