"""The demo project of ``make run``: real photos that scikit-image ships, by subject."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps

from customlabels.errors import AlreadyExists
from customlabels.services import projects
from customlabels.services.context import Context
from customlabels.services.imports.start import start_dataset_create
from customlabels.services.runner import run_job

DEMO_PROJECT = "demo"
SUBJECTS = {
    "animal": ("chelsea",),
    "person": ("astronaut",),
    "food": ("coffee",),
    "vehicle": ("rocket",),
    "texture": ("brick", "grass", "gravel"),
}


def _demo_folder(root: Path) -> Path:
    """Write the sample photos (and flipped/cropped variants) into label folders."""
    from skimage import data

    for label, names in SUBJECTS.items():
        folder = root / label
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            pixels = getattr(data, name)()
            image = Image.fromarray(pixels).convert("RGB")
            variants = {
                "": image,
                "-mirror": ImageOps.mirror(image),
                "-crop": image.crop((0, 0, image.width * 3 // 4, image.height * 3 // 4)),
            }
            for suffix, variant in variants.items():
                buffer = io.BytesIO()
                variant.save(buffer, "JPEG", quality=90)
                (folder / f"{name}{suffix}.jpg").write_bytes(buffer.getvalue())
    return root


def ensure_demo_project(ctx: Context) -> None:
    """Create the demo project with a TRAIN dataset from the sample photos, once."""
    try:
        projects.create_project(ctx, DEMO_PROJECT)
    except AlreadyExists:
        return
    folder = _demo_folder(ctx.settings.data_dir / "demo-images")
    job_id = start_dataset_create(
        ctx,
        DEMO_PROJECT,
        "train",
        {"kind": "folder", "path": str(folder), "folder_labels": True},
    )
    run_job(ctx, job_id)
