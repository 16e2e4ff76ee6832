"""Where a client fetches image bytes: through the app, or straight from S3 (presigned).

With ``image_urls = "presigned"`` and a store that can presign (S3), the app's image URLs
answer with a redirect to a time-limited S3 URL, so the bytes never pass through the app.
Thumbnails live in the database unless ``thumbnails_in_store`` is set; only thumbnails in
the store can be presigned, the others are served by the app (cached as immutable).
"""

from __future__ import annotations

from typing import Literal

from customlabels.services import referenced_files
from customlabels.services.context import Context
from customlabels.storage.protocol import asset_key, thumbnail_key


def presigned_url(
    ctx: Context, sha256: str, kind: Literal["original", "thumbnail"], media_type: str
) -> str | None:
    """A presigned URL of the original or thumbnail, or None when the app serves it."""
    if ctx.settings.image_urls != "presigned":
        return None
    presign = getattr(ctx.blobs, "presigned_url", None)
    if presign is None:
        return None
    if referenced_files.find_reference(ctx, sha256) is not None:
        return None  # imported in place: the bytes are not in the store (nor, maybe, its
        # thumbnail yet); the app reads and checks the file
    if kind == "thumbnail":
        if not ctx.settings.thumbnails_in_store:
            return None
        return str(presign(thumbnail_key(sha256), "image/jpeg"))
    return str(presign(asset_key(sha256), media_type))
