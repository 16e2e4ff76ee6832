"""The image store as a whole: reclaiming the space of images no entry uses."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from customlabels.api.deps import Ctx
from customlabels.services.reclaim import reclaim_unused_images

router = APIRouter(tags=["storage"])


class ReclaimRequest(BaseModel):
    dry_run: bool = Field(False, description="Count what would be removed; remove nothing.")
    sweep: bool = Field(
        False,
        description="Also remove stored files no image names, older than an hour (left by "
        "imports killed before they wrote their rows).",
    )


class ReclaimPublic(BaseModel):
    unused_images: int = Field(description="Images no entry uses (removed unless a dry run).")
    bytes: int = Field(description="Their original bytes.")
    kept_in_use: int = Field(description="Blobs an import wrote again meanwhile: kept.")
    dry_run: bool
    orphan_files: int = Field(description="Stored files no image names (a sweep).")


@router.post("/storage/reclaim", response_model=ReclaimPublic)
def reclaim(body: ReclaimRequest, ctx: Ctx) -> ReclaimPublic:
    """Remove the images left by deleted entries, datasets and projects (409 while a job
    runs)."""
    result = reclaim_unused_images(ctx, dry_run=body.dry_run, sweep=body.sweep)
    return ReclaimPublic(
        unused_images=result.images,
        bytes=result.bytes,
        kept_in_use=result.kept,
        dry_run=result.dry_run,
        orphan_files=result.orphans,
    )
