"""Pixel-mode conversions and the EXIF transpose, on already-decoded images.

Pillow's generic ``convert("RGB")`` gets several real-world modes wrong for our purposes:
16-bit greyscale is clipped (not scaled) to 8 bits, and transparent areas come out black. These
helpers do the conversions a person looking at the image would expect.
"""

from __future__ import annotations

from PIL import Image

from customlabels.imaging.orientation import normalise_orientation

# Same table as PIL.ImageOps.exif_transpose, so our upright frame is Pillow's.
TRANSPOSE_FOR_ORIENTATION: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_WHITE = (255, 255, 255)


def apply_orientation(im: Image.Image, orientation: int) -> Image.Image:
    """Return ``im`` turned upright for the given EXIF orientation (a new image unless 1)."""
    method = TRANSPOSE_FOR_ORIENTATION.get(normalise_orientation(orientation))
    return im if method is None else im.transpose(method)


def has_alpha(im: Image.Image) -> bool:
    """True when the image carries transparency (alpha band or a transparent colour)."""
    return im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info


def _to_8bit_grey(im: Image.Image) -> Image.Image:
    """Scale 16/32-bit integer or float greyscale to 8 bits instead of clipping at 255."""
    import numpy as np  # here: only rare modes need it, and it costs every CLI start 50 ms

    arr = np.asarray(im)
    if arr.dtype.kind == "f":
        arr = np.nan_to_num(arr.astype(np.float64))
        lo, hi = float(arr.min()), float(arr.max())
        if hi <= 1.0 and lo >= 0.0:  # float images are usually 0..1
            scaled = arr * 255.0
        else:
            scaled = (arr - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(arr)
        return Image.fromarray(np.clip(scaled + 0.5, 0, 255).astype(np.uint8), "L")
    wide = arr.astype(np.int64)
    # 16-bit sources (PNG/TIFF I;16, or "I" holding 0..65535) drop their low byte; 32-bit
    # data beyond that range is scaled by its own maximum.
    top = int(wide.max()) if wide.size else 0
    wide = wide * 255 // top if top > 65535 else wide >> 8
    return Image.fromarray(np.clip(wide, 0, 255).astype(np.uint8), "L")


def to_rgb(im: Image.Image) -> Image.Image:
    """Convert any decoded mode to 8-bit RGB; transparency is composited over white."""
    mode = im.mode
    if mode.startswith("I") or mode == "F":
        return _to_8bit_grey(im).convert("RGB")
    if has_alpha(im):
        rgba = im.convert("RGBA")
        background = Image.new("RGB", rgba.size, _WHITE)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if mode == "RGB":
        return im
    return im.convert("RGB")


def to_exportable(im: Image.Image, as_jpeg: bool) -> Image.Image:
    """Convert to a mode the target encoder writes faithfully.

    JPEG keeps L, RGB and CMYK (so print files stay print files); PNG keeps alpha, palettes and
    16-bit greyscale, which is why it is the target for everything that is not a JPEG.
    """
    mode = im.mode
    if as_jpeg:
        return im if mode in ("L", "RGB", "CMYK") else to_rgb(im)
    if mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
        return im
    if mode in ("I", "I;16B", "I;16L", "I;16N"):
        import numpy as np  # here: only rare modes need it, and it costs every CLI start 50 ms

        arr = np.asarray(im)
        if arr.size and (int(arr.min()) < 0 or int(arr.max()) > 65535):
            return _to_8bit_grey(im)
        return Image.fromarray(arr.astype(np.uint16))
    if mode == "F":
        return _to_8bit_grey(im)
    return im.convert("RGBA" if has_alpha(im) else "RGB")
