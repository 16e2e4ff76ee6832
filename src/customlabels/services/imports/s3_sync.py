"""``dataset sync``: import again what is new or changed at a dataset's S3 source."""

from __future__ import annotations

from customlabels.errors import InvalidInput
from customlabels.services.context import Context
from customlabels.services.datasets import get_dataset
from customlabels.services.imports.s3_sources import is_s3_source
from customlabels.services.imports.start import start_dataset_update
from customlabels.services.job_titles import sync_title


def start_dataset_sync(
    ctx: Context, project: str, type_name: str, *, delete_missing: bool = False
) -> int:
    """Queue an update job that reads the dataset's S3 source again; returns the job id.

    Unchanged keys are skipped without a download; new and changed ones are imported;
    keys gone from the bucket are reported in the job's result, and their entries deleted
    only with ``delete_missing``.
    """
    with ctx.db.read() as session:
        source = dict(get_dataset(session, project, type_name).source or {})
    if not is_s3_source(source):
        kind = source.get("kind") or "none"
        raise InvalidInput(
            f"the {type_name.upper()} dataset of {project!r} was not imported from S3 "
            f"(its source: {kind}); sync reads an s3:// prefix or manifest again"
        )
    if source["kind"] == "s3":
        source["delete_missing"] = delete_missing
    elif delete_missing:
        raise InvalidInput("--delete-missing applies to an s3:// prefix, not to a manifest")
    title = sync_title(type_name.upper(), source)
    return start_dataset_update(ctx, project, type_name, source, title=title)
