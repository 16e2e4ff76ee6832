"""Taking a model away: ONNX files written by the training code, beside a small JSON of
labels, thresholds and input size (what any runtime needs to use it)."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

from customlabels.errors import AlreadyExists, InvalidInput, ResourceNotReady
from customlabels.services.context import Context
from customlabels.services.models.serving import loaded_model
from customlabels.services.models.versions import describe_version

FORMATS = ("onnx",)


def export_version(
    ctx: Context, project: str, name: str, fmt: str, out_dir: Path, *, overwrite: bool = False
) -> list[Path]:
    """Write the version's model in ``fmt`` into ``out_dir``; the files written.

    A folder that is not empty is refused unless ``overwrite``: the export would replace
    files there it did not write.
    """
    if fmt.lower() not in FORMATS:
        raise InvalidInput(f"unknown model format {fmt!r}: choose among {', '.join(FORMATS)}")
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput(f"{str(out_dir)!r} exists and is not a folder")
    if not overwrite and out_dir.is_dir() and any(out_dir.iterdir()):
        raise AlreadyExists(
            f"folder {str(out_dir)!r} is not empty; ask to overwrite (--overwrite) or name "
            "an empty or new folder"
        )
    version = describe_version(ctx, project, name)
    if not version.trained:
        raise ResourceNotReady(
            f"model version {name!r} is {version.status}: only a trained version can be exported"
        )
    from customlabels.training import export_onnx

    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.time() - 1  # file systems with coarse stamps
    export_onnx(loaded_model(ctx, version), out_dir)
    return sorted(p for p in out_dir.iterdir() if p.is_file() and p.stat().st_mtime >= started)


def zipped(files: list[Path]) -> bytes:
    """The exported files as one zip (the REST download)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.name)
    return out.getvalue()
