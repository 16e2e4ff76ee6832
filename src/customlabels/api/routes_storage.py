"""The image store as a whole: reclaiming the space of images no entry uses."""

from __future__ import annotations

from fastapi import APIRouter

from customlabels.api.deps import Ctx
from customlabels.api.schemas import ReclaimPublic, ReclaimRequest
from customlabels.services.reclaim import reclaim_unused_images

router = APIRouter(tags=["storage"])


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
