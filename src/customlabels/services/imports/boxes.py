"""Bringing a record's boxes into the upright pixel frame of its image (the coordinate rule)."""

from __future__ import annotations

from customlabels.formats.records import Box as RecordBox
from customlabels.imaging.orientation import raw_to_upright_box
from customlabels.services.imports.candidates import Candidate


def place_boxes(cand: Candidate) -> None:
    """Bring the record's boxes into the upright pixel frame of its image (the coordinate rule).

    A Ground Truth ``image_size`` equal to the raw size (and not the upright one) means the
    boxes are in the raw frame; when both match, the raw frame is assumed, as the hosted
    service ignores EXIF. Boxes outside the image are dropped with an error.
    """
    record, asset = cand.record, cand.asset
    if asset is None or not record.boxes:
        return
    placed: list[RecordBox] = []
    for box in record.boxes:
        left, top, width, height = box.left, box.top, box.width, box.height
        if record.box_units == "relative":
            left, width = left * asset.width, width * asset.width
            top, height = top * asset.height, height * asset.height
        elif record.frame == "raw":
            left, top, width, height = _raw_frame_box(cand, box)
        if (
            left < -0.5
            or top < -0.5
            or left + width > asset.width + 0.5
            or (top + height > asset.height + 0.5)
        ):
            cand.add_issue(
                "ERROR_INVALID_BOUNDING_BOX",
                f"box of {box.label!r} at ({box.left:g}, {box.top:g}, {box.width:g}, "
                f"{box.height:g}) lies outside the {asset.width}x{asset.height} image; dropped",
            )
            continue
        if left == box.left and top == box.top and width == box.width and height == box.height:
            placed.append(box)  # already upright pixels (orientation 1): no copy
        else:
            placed.append(RecordBox(box.label, left, top, width, height))
    record.boxes = placed


def _raw_frame_box(cand: Candidate, box: RecordBox) -> tuple[float, float, float, float]:
    record, asset = cand.record, cand.asset
    assert asset is not None
    size = record.image_size
    raw = (asset.raw_width, asset.raw_height)
    if asset.orientation == 1 and (size is None or size == raw):
        return box.left, box.top, box.width, box.height  # the raw frame is upright
    upright = (asset.width, asset.height)
    if size is not None and size != raw and size == upright:
        return box.left, box.top, box.width, box.height
    if size is not None and size not in (raw, upright):
        cand.add_issue(
            "WARNING_IMAGE_SIZE_MISMATCH",
            f"image_size {size[0]}x{size[1]} differs from the image's {raw[0]}x{raw[1]}; "
            "boxes were scaled to the image",
            "WARNING",
        )
        sx, sy = raw[0] / size[0], raw[1] / size[1]
        box = RecordBox(box.label, box.left * sx, box.top * sy, box.width * sx, box.height * sy)
    return raw_to_upright_box(box.left, box.top, box.width, box.height, asset.orientation, *raw)
