"""Projects with a few real shoe photos, made through the service functions, for the
model-version tests of the compatible API."""

from __future__ import annotations

from pathlib import Path

from customlabels.services import projects
from customlabels.services.context import Context
from customlabels.services.imports import uploads

KINDS = ("canvasshoes", "chunkysneakers")


def shoe_photo(shared_datasets: Path, kind: str = "canvasshoes", number: int = 1) -> bytes:
    return (shared_datasets / "shoes" / "train" / kind / f"{number}.jpg").read_bytes()


def shoes_project(ctx: Context, shared_datasets: Path, name: str, per_kind: int = 6) -> None:
    """Project ``name`` whose TRAIN holds ``per_kind`` photos of each kind, labelled by
    folder; no TEST dataset, so a training holds some out to test on. Six of each train
    in seconds with the default settings (the head alone on cached features)."""
    projects.create_project(ctx, name)
    files = [
        uploads.UploadedFile(f"{kind}/{n}.jpg", shoe_photo(shared_datasets, kind, n))
        for kind in KINDS
        for n in range(1, per_kind + 1)
    ]
    uploads.upload_files(ctx, name, "train", files, folder_labels=True)


def one_label_project(ctx: Context, shared_datasets: Path, name: str) -> None:
    """A project whose training fails at once (one label): a version with no job."""
    projects.create_project(ctx, name)
    files = [uploads.UploadedFile("canvasshoes/1.jpg", shoe_photo(shared_datasets))]
    uploads.upload_files(ctx, name, "train", files, folder_labels=True)
