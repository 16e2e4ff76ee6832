"""Exports to ``s3://bucket/prefix/``: written to a temporary folder, then uploaded.

Every format writes exactly what it writes to a local folder; the files are then uploaded
under the prefix (``s3_max_concurrency`` at once, each retried on throttling or a dropped
connection) and the temporary folder removed. A Ground Truth manifest's images that are
not in S3 already are among them, under ``images/``, and the manifest names their S3 copies.
A destination ending in ``.manifest`` or ``.jsonl`` names the Ground Truth manifest object
itself; its report goes beside it. The bucket is checked before the export's work starts,
so a wrong bucket fails at once.
"""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from customlabels.errors import InvalidInput, ServiceUnavailable
from customlabels.formats.groundtruth_images import ImagePlacement
from customlabels.services.context import Context
from customlabels.services.jobs import Progress
from customlabels.storage.s3 import (
    S3Options,
    check_bucket,
    describe_error,
    folder_prefix,
    make_client,
    parse_s3_uri,
    s3_uri,
    upload_file,
)

MANIFEST_SUFFIXES = (".manifest", ".jsonl")


class WriteLocal(Protocol):
    """run_export, as this module calls it back."""

    def __call__(
        self,
        ctx: Context,
        project: str,
        type_name: str,
        fmt: str,
        out: str,
        progress: Progress | None,
        *,
        placement: ImagePlacement,
    ) -> dict[str, Any]: ...


def export_to_s3(
    ctx: Context,
    project: str,
    type_name: str,
    fmt: str,
    out: str,
    progress: Progress | None,
    write_local: WriteLocal,
) -> dict[str, Any]:
    """Write the export locally with ``write_local`` (run_export), then upload it to ``out``."""
    bucket, key = parse_s3_uri(out)
    single = fmt == "groundtruth" and key.endswith(MANIFEST_SUFFIXES)
    if single:
        prefix = key.rpartition("/")[0]
        prefix = prefix + "/" if prefix else ""
    else:
        prefix = folder_prefix(key)
    options = S3Options.from_settings(ctx.settings)
    client = make_client(options)
    try:
        check_bucket(client, bucket, options, f"export destination s3://{bucket}")
    except ServiceUnavailable as exc:
        raise InvalidInput(exc.message) from exc
    folder = ctx.settings.data_dir / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix="export-") as tmp:
        root = Path(tmp)
        local = root / PurePosixPath(key).name if single else root
        # Images outside S3 are uploaded beside the manifest, which names their S3 copies.
        placement = ImagePlacement(ref_base=s3_uri(bucket, prefix))
        result = write_local(
            ctx, project, type_name, fmt, str(local), progress, placement=placement
        )
        files = sorted(p for p in root.rglob("*") if p.is_file())

        def send(path: Path) -> None:
            target = prefix + path.relative_to(root).as_posix()
            upload_file(client, bucket, target, path, options)

        with ThreadPoolExecutor(options.max_concurrency) as pool:
            for future in [pool.submit(send, p) for p in files]:
                try:
                    future.result()
                except Exception as exc:
                    raise InvalidInput(
                        f"cannot upload the export to s3://{bucket}/{prefix}: {describe_error(exc)}"
                    ) from exc
        report = Path(result["report"]).relative_to(root).as_posix()
    result.update(
        out=out if single else s3_uri(bucket, prefix),
        report=s3_uri(bucket, prefix + report),
        files_uploaded=len(files),
    )
    return result
