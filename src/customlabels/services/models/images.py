"""The images of a snapshot as local files, for the training code (which reads paths).

Assets live in the BlobStore (a local directory, S3, or memory in tests), or in the server
files they were imported in place from (checked before use); each one is
copied once into ``data_dir/model-cache/images`` by hash and checked to decode there, so
an image that no longer decodes fails the training at once with the entries it affects,
instead of deep inside an epoch.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from customlabels.errors import NotFound, SourceFileChanged
from customlabels.imaging.probe import InvalidImage, probe_image
from customlabels.services.assets import read_original
from customlabels.services.context import Context
from customlabels.services.models.artifacts import cache_dir
from customlabels.services.models.rules import INVALID_IMAGES, RuleBroken
from customlabels.services.models.snapshots import SnapEntry

MAX_NAMED = 5


def _fetch(ctx: Context, root: Path, sha256: str) -> tuple[Path, str | None]:
    path = root / sha256[:2] / sha256
    try:
        if path.exists():
            return path, None
        data = read_original(ctx, sha256)
        probe_image(data, ctx.settings.max_image_pixels, ctx.settings.max_decode_bytes)
    except NotFound:
        return path, "its image is missing from the image store"
    except SourceFileChanged as exc:  # imported in place, and its file changed since
        return path, exc.message
    except InvalidImage as exc:
        return path, exc.message
    path.parent.mkdir(exist_ok=True)
    temporary = path.with_name(f".{sha256}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return path, None


def local_images(
    ctx: Context, entries: Sequence[SnapEntry], on_done: Callable[[int], None] = lambda n: None
) -> dict[str, Path]:
    """Local paths of the entries' images by SHA-256; RuleBroken naming the broken ones."""
    root = cache_dir(ctx, "images")
    hashes = list(dict.fromkeys(e.sha256 for e in entries))
    paths: dict[str, Path] = {}
    broken: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=max(1, ctx.settings.import_workers)) as pool:
        for count, (sha256, (path, problem)) in enumerate(
            zip(hashes, pool.map(lambda h: _fetch(ctx, root, h), hashes), strict=True), 1
        ):
            paths[sha256] = path
            if problem:
                broken[sha256] = problem
            if count % 64 == 0 or count == len(hashes):
                on_done(count)
    if broken:
        raise RuleBroken(INVALID_IMAGES, describe_broken(entries, broken))
    return paths


def describe_broken(entries: Sequence[SnapEntry], broken: dict[str, str]) -> str:
    hit = [e for e in entries if e.sha256 in broken]
    named = "; ".join(f"{e.source_ref}: {broken[e.sha256]}" for e in hit[:MAX_NAMED])
    more = f"; and {len(hit) - MAX_NAMED} more" if len(hit) > MAX_NAMED else ""
    return (
        f"{len(hit)} image(s) no longer decode; fix or delete their entries and train again "
        f"({named}{more})."
    )
