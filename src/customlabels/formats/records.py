"""The records every format reads into and writes from.

Readers produce :class:`ImportRecord`; writers consume :class:`ExportItem`. Boxes are
``left, top, width, height`` in pixels. A reader states in ``frame`` which frame its boxes
are in, because the coordinate rule converts at the boundary (see imaging.orientation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["ERROR", "WARNING"]


@dataclass(frozen=True)
class Box:
    """A labelled rectangle in pixels."""

    label: str
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class EntryIssue:
    """An error or warning attached to an entry, with the hosted service's code."""

    code: str
    message: str
    severity: Severity = "ERROR"


@dataclass
class ImportRecord:
    """One image as a source describes it: where it is, and its labels and boxes.

    ``image_size`` is the (width, height) the source states for the frame of its boxes
    (a manifest's ``image_size``), or ``None`` when the source states none.
    ``frame`` is ``"raw"`` when boxes may be in the stored file's raw frame (Ground Truth)
    and ``"upright"`` when they are known to be upright (COCO/YOLO/VOC written by us or peers
    that decode with orientation applied are treated as upright).
    """

    source_ref: str
    labels: list[str] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    issues: list[EntryIssue] = field(default_factory=list)
    image_size: tuple[int, int] | None = None
    frame: Literal["raw", "upright"] = "upright"
    # "relative" boxes are fractions (0..1) of the upright image size (YOLO); the importer
    # turns them into pixels once it knows the image.
    box_units: Literal["pixels", "relative"] = "pixels"
    line_number: int | None = None
    # Path of the image file when the reader resolved it locally, else None.
    local_path: str | None = None
    # The line as read, kept when it could not be parsed so the user can fix it.
    raw_line: str | None = None
    # Whether the source says the image is labelled, where it can say more than the labels
    # and boxes do: a Ground Truth line with an object-detection attribute and no
    # annotations is a labelled "no objects" image (the hosted service's is_labeled: true);
    # None when the source says nothing beyond its labels and boxes.
    is_labeled: bool | None = None

    @property
    def has_errors(self) -> bool:
        return any(issue.severity == "ERROR" for issue in self.issues)


@dataclass
class ExportItem:
    """One entry to write: upright labels and boxes, and how to get its image.

    ``image_name`` is a unique relative file name (no directories) to write the image under.
    ``read_upright_image`` returns encoded bytes of the upright image with no orientation
    tag; ``read_original`` returns the stored bytes unchanged.
    """

    entry_id: int
    source_ref: str
    labels: list[str]
    boxes: list[Box]
    width: int
    height: int
    image_name: str
    read_upright_image: Callable[[], bytes]
    read_original: Callable[[], bytes] | None = None
    raw_width: int | None = None
    raw_height: int | None = None
    orientation: int = 1
    image_format: str | None = None
    byte_size: int | None = None
    issues: list[EntryIssue] = field(default_factory=list)
