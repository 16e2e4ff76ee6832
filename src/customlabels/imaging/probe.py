"""Open untrusted image bytes safely, check them, and describe them.

Every decode in the package goes through :func:`open_image` and :func:`load_image`, so the
same checks (format, decompression bomb, truncation) and the same error codes apply to
imports, thumbnails, exports and training alike.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import (
    BmpImagePlugin,
    GifImagePlugin,
    Image,
    ImageFile,
    JpegImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
    WebPImagePlugin,
)

from customlabels.imaging.decode_budget import DEFAULT_MAX_DECODE_BYTES, check_decode_budget

# Re-exported: callers have always imported the error and its codes from here.
from customlabels.imaging.errors import ERROR_INVALID_IMAGE as ERROR_INVALID_IMAGE
from customlabels.imaging.errors import (
    ERROR_INVALID_IMAGE_DIMENSION as ERROR_INVALID_IMAGE_DIMENSION,
)
from customlabels.imaging.errors import InvalidImage as InvalidImage
from customlabels.imaging.orientation import normalise_orientation, upright_size

# Pillow's format names that we accept, mapped to the name we report. MPO is the multi-picture
# JPEG many phones write; its first picture is an ordinary JPEG.
ACCEPTED_FORMATS: dict[str, str] = {
    "JPEG": "JPEG",
    "MPO": "JPEG",
    "PNG": "PNG",
    "WEBP": "WEBP",
    "BMP": "BMP",
    "TIFF": "TIFF",
    "GIF": "GIF",
}

_ORIENTATION_TAG = 0x0112

# Importing a plugin registers it in Image.OPEN; name them so the registration is certain.
# (JPEG's factory also returns MPO files.)
_PLUGINS = (
    JpegImagePlugin,
    PngImagePlugin,
    GifImagePlugin,
    WebPImagePlugin,
    BmpImagePlugin,
    TiffImagePlugin,
)
_PLUGIN_ORDER = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")


@dataclass(frozen=True)
class ImageInfo:
    """What an import needs to know about an image; ``width``/``height`` are upright."""

    format: str  # "JPEG", "PNG", "WEBP", "BMP", "TIFF" or "GIF"
    raw_width: int
    raw_height: int
    orientation: int  # EXIF 0x0112, 1..8 (1 when absent or invalid)
    width: int
    height: int
    frames: int
    mode: str  # Pillow mode as stored, e.g. "RGB", "L", "CMYK", "I;16", "P", "RGBA"


def _too_large(width: int, height: int, max_pixels: int) -> InvalidImage:
    return InvalidImage(
        f"image of {width}×{height} = {width * height:,} pixels exceeds the limit of "
        f"{max_pixels:,} pixels (possible decompression bomb)",
        ERROR_INVALID_IMAGE_DIMENSION,
    )


def _open_accepted(data: bytes) -> ImageFile.ImageFile | None:
    """Open ``data`` with the plugin of an accepted format, or return None if none claims it.

    We call the plugins' registered factories ourselves rather than ``Image.open`` because
    ``Image.open`` applies Pillow's process-wide bomb limit (``Image.MAX_IMAGE_PIXELS``) before
    we can apply the per-call one: the caller's limit, not a global, decides, and its message
    names the dimensions.
    """
    prefix = data[:16]
    for name in _PLUGIN_ORDER:
        factory, accept = Image.OPEN[name]
        if accept is not None and accept(prefix) is not True:
            continue
        return factory(io.BytesIO(data), "")
    return None


# Formats people upload that Pillow cannot open at all, named by their signatures so the
# message says "unsupported format HEIC" rather than "not an image".
_OTHER_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF", "PDF"),
    (4, b"ftypheic", "HEIC"),
    (4, b"ftypheix", "HEIC"),
    (4, b"ftypmif1", "HEIF"),
    (4, b"ftypavif", "AVIF"),
    (0, b"<svg", "SVG"),
)


def _identify_other(data: bytes) -> str | None:
    """Name the format of bytes no accepted plugin claims (for the error message), if any."""
    for offset, signature, name in _OTHER_SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            return name
    try:
        with Image.open(io.BytesIO(data)) as im:
            return str(im.format)
    except Exception:  # not an image at all, or too broken to name
        return None


def open_image(data: bytes, max_pixels: int) -> ImageFile.ImageFile:
    """Identify ``data`` by content and check format and size, without decoding pixels.

    Raises :class:`InvalidImage` for empty data, unknown or unsupported formats, zero-sized
    images and images of more than ``max_pixels`` pixels.
    """
    if not data:
        raise InvalidImage("the file is empty (zero bytes)")
    try:
        im = _open_accepted(data)
    except Exception as exc:  # untrusted bytes: any parser failure means a broken header
        raise InvalidImage(f"corrupt or truncated image header: {exc}") from exc
    if im is None:
        other = _identify_other(data)
        if other is None:
            raise InvalidImage("not an image, or an image format that is not recognised")
        raise InvalidImage(
            f"unsupported format {other}; accepted formats are JPEG, PNG, WebP, BMP, TIFF and GIF"
        )
    width, height = im.size
    if width <= 0 or height <= 0:
        im.close()
        raise InvalidImage(f"image has no pixels ({width}×{height})", ERROR_INVALID_IMAGE_DIMENSION)
    if width * height > max_pixels:
        im.close()
        raise _too_large(width, height, max_pixels)
    return im


def load_image(im: ImageFile.ImageFile, max_decode_bytes: int = DEFAULT_MAX_DECODE_BYTES) -> None:
    """Decode the pixels (honouring any ``draft`` request), turning failures into InvalidImage.

    This is what catches truncated and corrupt files, which a header read cannot see. Images
    whose decode would take more than ``max_decode_bytes`` are refused before decoding
    (checked here, after any ``draft``, as this is the one place pixels are decoded).
    """
    check_decode_budget(im, max_decode_bytes)
    # Relies on Pillow's default ImageFile.LOAD_TRUNCATED_IMAGES = False: nothing in this
    # package sets it, and code that does would make truncated files pass silently.
    # No warnings.catch_warnings() here: it mutates process-wide state and is not thread-safe.
    # Only GIF frame seeks consult Pillow's global bomb limit during a load; its warning is
    # harmless, and where warnings are errors it becomes the dimension error below.
    try:
        im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidImage(
            f"image is too large to decode safely: {exc}", ERROR_INVALID_IMAGE_DIMENSION
        ) from exc
    except Exception as exc:  # decoders raise OSError, SyntaxError, ValueError, EOFError, ...
        raise InvalidImage(f"truncated or corrupt image data: {exc}") from exc


def read_orientation(im: Image.Image) -> int:
    """The EXIF orientation (0x0112), 1 when absent or invalid.

    Call after :func:`load_image`: for PNG the eXIf chunk may follow the pixel data.
    """
    try:
        value = im.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # a broken EXIF block does not make the pixels unusable
        return 1
    return normalise_orientation(value) if isinstance(value, int) else 1


def count_frames(im: Image.Image) -> int:
    """Number of frames (animated GIF/WebP, multi-page TIFF); 1 for still images."""
    try:
        return max(1, int(getattr(im, "n_frames", 1)))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidImage(
            f"a frame is too large to decode safely: {exc}", ERROR_INVALID_IMAGE_DIMENSION
        ) from exc
    except Exception as exc:  # counting frames parses the rest of the file
        raise InvalidImage(f"truncated or corrupt image data: {exc}") from exc


def describe(im: ImageFile.ImageFile, raw_size: tuple[int, int], mode: str) -> ImageInfo:
    """Build the :class:`ImageInfo` of an opened and loaded image.

    ``raw_size`` and ``mode`` are taken before any ``draft`` call, which changes both.
    """
    orientation = read_orientation(im)
    width, height = upright_size(raw_size[0], raw_size[1], orientation)
    return ImageInfo(
        format=ACCEPTED_FORMATS[str(im.format)],
        raw_width=raw_size[0],
        raw_height=raw_size[1],
        orientation=orientation,
        width=width,
        height=height,
        frames=count_frames(im),
        mode=mode,
    )


def probe_image(
    data: bytes, max_pixels: int, max_decode_bytes: int = DEFAULT_MAX_DECODE_BYTES
) -> ImageInfo:
    """Describe an image and verify that it decodes.

    JPEGs are decoded at 1/8 scale: that still reads every byte of the compressed data, so
    truncation is caught at a fraction of the cost of a full decode.
    """
    im = open_image(data, max_pixels)
    with im:
        raw_size, mode = im.size, im.mode
        if im.format in ("JPEG", "MPO"):
            im.draft(None, (1, 1))
        load_image(im, max_decode_bytes)
        return describe(im, raw_size, mode)
