"""What the hosted service would reject, so an export can say which entries and why.

Our own limits are settings and more generous; these are the hosted service's documented
quotas ("Guidelines and quotas in Amazon Rekognition Custom Labels" and "Validation rules for
manifest files"): PNG or JPEG; 64 to 4096 pixels a side; 15 MB a file; aspect ratio at most
20:1; at most 50 boxes and 50 labels an image; 250 labels and 250,000 images a dataset; boxes
larger than 1x1 px after the trainer scales the longest side to 1280 px.

An export still writes every entry; these issues tell the user what to fix before uploading.
Issues that make the hosted service skip the whole line are ERROR; a too-small box only drops
that box there, so it is a WARNING.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from customlabels.formats.records import EntryIssue, ExportItem

# Pillow names JPEG files with multi-picture data (many cameras write them) "MPO".
_FORMAT_ALIASES = {"JPG": "JPEG", "MPO": "JPEG"}


@dataclass(frozen=True)
class HostedLimits:
    """The hosted service's per-image and per-dataset limits."""

    formats: frozenset[str] = field(default_factory=lambda: frozenset({"JPEG", "PNG"}))
    min_side: int = 64
    max_side: int = 4096
    # "15 MB": read as 10**6 bytes, the stricter reading, so no rejected file goes unreported.
    max_bytes: int = 15_000_000
    max_aspect_ratio: float = 20.0
    max_boxes: int = 50
    max_labels_per_image: int = 50
    max_labels: int = 250
    # Classification datasets need 2 labels, detection datasets 1.
    min_labels: int = 1
    max_lines: int = 250_000
    # Boxes must be larger than min_box_side px a side once the image's longest side is
    # scaled down to training_max_side px.
    min_box_side: float = 1.0
    training_max_side: int = 1280


DEFAULT_LIMITS = HostedLimits()


def entry_issues(item: ExportItem, limits: HostedLimits = DEFAULT_LIMITS) -> list[EntryIssue]:
    """Why the hosted service would not use ``item`` (or part of it); empty when it would."""
    issues: list[EntryIssue] = []
    if item.image_format is not None:
        image_format = item.image_format.upper()
        image_format = _FORMAT_ALIASES.get(image_format, image_format)
        if image_format not in limits.formats:
            issues.append(
                EntryIssue(
                    "ERROR_INVALID_IMAGE",
                    f"The image is {item.image_format}; the hosted service accepts "
                    f"{' and '.join(sorted(limits.formats))} only.",
                )
            )
    width = item.raw_width or item.width
    height = item.raw_height or item.height
    if width and height:
        short, long = min(width, height), max(width, height)
        if short < limits.min_side or long > limits.max_side:
            issues.append(
                EntryIssue(
                    "ERROR_INVALID_IMAGE_DIMENSION",
                    f"The image is {width}x{height} px; the hosted service accepts "
                    f"{limits.min_side} to {limits.max_side} px a side.",
                )
            )
        if long / short > limits.max_aspect_ratio:
            issues.append(
                EntryIssue(
                    "ERROR_INVALID_IMAGE",
                    f"The image's aspect ratio is {long / short:.1f}:1; the hosted service "
                    f"accepts at most {limits.max_aspect_ratio:g}:1.",
                )
            )
    if item.byte_size is not None and item.byte_size > limits.max_bytes:
        issues.append(
            EntryIssue(
                "ERROR_INVALID_IMAGE",
                f"The image file has {item.byte_size:,} bytes; the hosted service accepts at "
                f"most {limits.max_bytes:,}.",
            )
        )
    if len(item.boxes) > limits.max_boxes:
        issues.append(
            EntryIssue(
                "ERROR_TOO_MANY_BOUNDING_BOXES",
                f"The image has {len(item.boxes)} bounding boxes; the hosted service accepts "
                f"at most {limits.max_boxes}.",
            )
        )
    label_count = len(set(item.labels).union(box.label for box in item.boxes))
    if label_count > limits.max_labels_per_image:
        issues.append(
            EntryIssue(
                "ERROR_TOO_MANY_LABELS_PER_IMAGE",
                f"The image has {label_count} different labels; the hosted service accepts at "
                f"most {limits.max_labels_per_image} an image.",
            )
        )
    if item.boxes and width and height:
        # Boxes are upright and width/height may be raw; the test is symmetric in the sides.
        longest = max(width, height)
        scale = min(1.0, limits.training_max_side / longest)
        small = [
            box
            for box in item.boxes
            if box.width * scale <= limits.min_box_side or box.height * scale <= limits.min_box_side
        ]
        if small:
            first = small[0]
            issues.append(
                EntryIssue(
                    "ERROR_BOUNDING_BOX_TOO_SMALL",
                    f"{len(small)} bounding box(es) are too small for the hosted service, e.g. "
                    f"{first.label!r} {first.width:g}x{first.height:g} px"
                    + (
                        f" ({first.width * scale:.2f}x{first.height * scale:.2f} px at its "
                        f"{limits.training_max_side} px training size)"
                        if scale < 1.0
                        else ""
                    )
                    + f"; boxes must be larger than {limits.min_box_side:g}x"
                    f"{limits.min_box_side:g} px.",
                    "WARNING",
                )
            )
    return issues


def dataset_issues(
    label_count: int, entry_count: int, limits: HostedLimits = DEFAULT_LIMITS
) -> list[EntryIssue]:
    """Why the hosted service would refuse a whole dataset of this many labels and entries."""
    issues: list[EntryIssue] = []
    if entry_count == 0:
        issues.append(EntryIssue("ERROR_EMPTY_MANIFEST", "The dataset has no entries."))
    elif entry_count > limits.max_lines:
        issues.append(
            EntryIssue(
                "ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM",
                f"The dataset has {entry_count:,} entries; the hosted service accepts at most "
                f"{limits.max_lines:,} lines.",
            )
        )
    if label_count > limits.max_labels:
        issues.append(
            EntryIssue(
                "ERROR_MANIFEST_TOO_MANY_LABELS",
                f"The dataset uses {label_count:,} labels; the hosted service accepts at most "
                f"{limits.max_labels:,}.",
            )
        )
    elif label_count < limits.min_labels:
        issues.append(
            EntryIssue(
                "ERROR_MANIFEST_TOO_FEW_LABELS",
                f"The dataset uses {label_count} label(s); the hosted service needs at least "
                f"{limits.min_labels}.",
            )
        )
    return issues
