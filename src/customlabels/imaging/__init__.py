"""Decode, validate, orient, thumbnail and hash images.

Pure: depends on the standard library, Pillow and numpy only. Everything here works in the
upright frame (the pixels after EXIF orientation); :mod:`.orientation` converts boxes to and
from the stored file's raw frame at the boundaries that need it.
"""

from customlabels.imaging.analyse import Analysed, analyse_file, analyse_header, analyse_image
from customlabels.imaging.hashing import sha256_hex
from customlabels.imaging.orientation import (
    raw_to_upright_box,
    upright_size,
    upright_to_raw_box,
)
from customlabels.imaging.probe import (
    ERROR_INVALID_IMAGE,
    ERROR_INVALID_IMAGE_DIMENSION,
    ImageInfo,
    InvalidImage,
    probe_image,
)
from customlabels.imaging.thumbnail import decode_upright, make_thumbnail, upright_image

__all__ = [
    "ERROR_INVALID_IMAGE",
    "ERROR_INVALID_IMAGE_DIMENSION",
    "Analysed",
    "ImageInfo",
    "InvalidImage",
    "analyse_file",
    "analyse_header",
    "analyse_image",
    "decode_upright",
    "make_thumbnail",
    "probe_image",
    "raw_to_upright_box",
    "sha256_hex",
    "upright_image",
    "upright_size",
    "upright_to_raw_box",
]
