"""Builders for model tests: two visibly different kinds of pictures, uploaded and labelled
through the public service functions."""

from __future__ import annotations

import io
import random
from collections.abc import Iterable

from PIL import Image, ImageDraw

from customlabels.services import entries, projects
from customlabels.services.context import Context
from customlabels.services.entries import BoxInput
from customlabels.services.entry_query import EntryFilter
from customlabels.services.entry_views import EntryView
from customlabels.services.imports import uploads

SIZE = 64


def picture(kind: str, seed: int, size: int = SIZE) -> bytes:
    """A JPEG of one kind: "red" (reddish noise, a bright disc) or "blue" (bluish noise,
    dark stripes); any other kind is grey noise. Distinct bytes for every seed."""
    rng = random.Random(f"{kind}-{seed}")
    base = {"red": (200, 40, 40), "blue": (40, 60, 200)}.get(kind, (128, 128, 128))
    im = Image.new("RGB", (size, size), base)
    pixels = im.load()
    assert pixels is not None
    for _ in range(size * 4):
        x, y = rng.randrange(size), rng.randrange(size)
        pixels[x, y] = tuple(max(0, min(255, c + rng.randint(-60, 60))) for c in base)
    draw = ImageDraw.Draw(im)
    if kind == "red":
        r = rng.randint(size // 6, size // 4)
        cx, cy = rng.randint(r, size - r), rng.randint(r, size - r)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 220, 220))
    elif kind == "blue":
        for y in range(rng.randint(0, 6), size, 12):
            draw.rectangle((0, y, size, y + 4), fill=(10, 10, 60))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90)
    return out.getvalue()


def upload_kinds(
    ctx: Context, project: str, counts: dict[str, int], type_name: str = "train", start: int = 0
) -> dict[str, EntryView]:
    """Upload ``counts[kind]`` pictures of each kind into folder ``kind/`` (its label)."""
    files = [
        uploads.UploadedFile(f"{kind}/{kind}-{n}.jpg", picture(kind, n))
        for kind, count in counts.items()
        for n in range(start, start + count)
    ]
    uploads.upload_files(ctx, project, type_name, files, folder_labels=True)
    return by_ref(ctx, project, type_name)


def labelled_project(
    ctx: Context, name: str = "pets", counts: dict[str, int] | None = None
) -> dict[str, EntryView]:
    """A new project whose TRAIN holds pictures labelled by kind (10 red, 10 blue)."""
    projects.create_project(ctx, name)
    return upload_kinds(ctx, name, counts or {"red": 10, "blue": 10})


def by_ref(ctx: Context, project: str, type_name: str = "train") -> dict[str, EntryView]:
    return {e.source_ref: e for e in entries.iter_entries(ctx, project, type_name, EntryFilter())}


def ref(path: str) -> str:
    return uploads.UPLOAD_SCHEME + path


def set_labels(
    ctx: Context, project: str, type_name: str, entry: EntryView, add: Iterable[str] = ()
) -> EntryView:
    return entries.edit_entry(
        ctx, project, type_name, entry.id, expected_version=entry.version, add_labels=list(add)
    )


def box_entry(
    ctx: Context,
    project: str,
    type_name: str,
    entry: EntryView,
    label: str,
    box: tuple[float, float, float, float] = (8, 8, 24, 24),
) -> EntryView:
    return entries.edit_entry(
        ctx,
        project,
        type_name,
        entry.id,
        expected_version=entry.version,
        add_boxes=[BoxInput(label, *box)],
    )
