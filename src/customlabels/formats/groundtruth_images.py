"""Where a Ground Truth export puts the images its manifest refers to.

A manifest only points at images. An entry imported from S3 keeps its ``s3://`` source-ref;
one whose image came from an upload (``upload://``), a server file (``file://``) or a path
relative to an import root has no address anyone else can read, so the export copies its
original bytes beside the manifest, under ``images/``, and refers to the copy: by a path
relative to the manifest in a folder or zip, by ``s3://bucket/prefix/images/...`` when the
export is uploaded to S3. A zip carries every image, so it works as a dataset anywhere.

The hosted service reads images from S3 only: :func:`unreadable_ref_issue` says so for
every line whose reference is not an ``s3://`` URI.
"""

from __future__ import annotations

from dataclasses import dataclass

from customlabels.formats.records import EntryIssue, ExportItem

IMAGES_DIR = "images"
S3_SCHEME = "s3://"
# The original bytes are copied unchanged, so the name keeps their format's usual suffix.
_SUFFIXES = {
    "JPEG": ".jpg",
    "MPO": ".jpg",
    "PNG": ".png",
    "BMP": ".bmp",
    "GIF": ".gif",
    "WEBP": ".webp",
    "TIFF": ".tif",
}


@dataclass(frozen=True)
class ImagePlacement:
    """Which images a Ground Truth export copies beside its manifest, and how it names them.

    ``carry_all``: copy every image (a zip), not only those outside S3. ``ref_base``: what
    the copies' references start with: ``""`` (a path relative to the manifest) or the
    ``s3://bucket/prefix/`` the export is uploaded to (ending in ``/``).
    """

    carry_all: bool = False
    ref_base: str = ""

    def carried_path(self, item: ExportItem) -> str | None:
        """The copy's path relative to the manifest's folder, or None when it is not copied."""
        if not self.carry_all and item.source_ref.startswith(S3_SCHEME):
            return None
        stem = item.image_name.rsplit(".", 1)[0]  # "00000042-cat": unique per entry
        suffix = _SUFFIXES.get(
            (item.image_format or "").upper(), "." + item.image_name.rsplit(".", 1)[-1]
        )
        return f"{IMAGES_DIR}/{stem}{suffix}"

    def manifest_ref(self, item: ExportItem) -> str:
        """The ``source-ref`` the manifest line of ``item`` gets."""
        carried = self.carried_path(item)
        return item.source_ref if carried is None else self.ref_base + carried


def unreadable_ref_issue(ref: str) -> EntryIssue | None:
    """Why the hosted service could not fetch the image a manifest line refers to as ``ref``."""
    if ref.startswith(S3_SCHEME):
        return None
    return EntryIssue(
        "ERROR_INVALID_SOURCE_REF_FORMAT",
        f"The manifest refers to the image as {ref!r}; the hosted service reads images from "
        "S3 only (s3://bucket/key). Export to an s3:// destination to have the images "
        "uploaded there and referred to by their S3 addresses.",
    )
