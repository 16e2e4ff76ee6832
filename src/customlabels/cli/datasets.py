"""``customlabels dataset ...``"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from customlabels.cli.common import (
    DatabaseUrl,
    DataDir,
    Json,
    NoWait,
    open_ctx,
    print_json,
    run_or_queue,
)
from customlabels.errors import InvalidInput
from customlabels.services import datasets, entries, exports, labels, split
from customlabels.services.entry_lines import entry_line
from customlabels.services.entry_query import EntryFilter
from customlabels.services.imports import s3_sync
from customlabels.services.imports.start import start_dataset_create, start_dataset_update
from customlabels.services.shapes import dataset_description, dataset_label_description

app = typer.Typer(
    help="Create, fill, inspect, split, export and delete datasets.", no_args_is_help=True
)
Project = Annotated[str, typer.Argument(help="Project name.")]
Kind = Annotated[str, typer.Argument(help="train or test.")]
PathOpt = Annotated[Path | None, typer.Option(exists=False)]
InPlace = Annotated[
    bool,
    typer.Option(
        help="With --from-folder: reference the images where they lie instead of copying them "
        "into the image store (hashes, sizes and thumbnails are kept). A file that later "
        "changes or disappears is shown as an entry error, never served.",
    ),
]


def _folder_options(
    folder_labels: bool,
    label_level: int,
    folder_depth: int | None,
    in_place: bool = False,
    from_folder: Path | None = None,
) -> dict[str, Any]:
    """The folder-label options of a folder or prefix source, refused without --folder-labels
    (where they would silently do nothing); --in-place, refused without --from-folder."""
    if not folder_labels and (label_level != 1 or folder_depth is not None):
        raise InvalidInput("--label-level and --folder-depth apply with --folder-labels only")
    if in_place and from_folder is None:
        raise InvalidInput("--in-place applies with --from-folder only")
    options: dict[str, Any] = {
        "folder_labels": folder_labels,
        "label_level": label_level,
        "folder_depth": folder_depth,
    }
    if in_place:
        options["in_place"] = True
    return options


def _source(
    from_folder: Path | None,
    folder_options: dict[str, Any],
    from_manifest: Path | str | None,
    root: Path | None,
    from_dataset: str | None,
    from_coco: Path | None,
    from_yolo: Path | None,
    from_voc: Path | None,
    from_s3: str | None = None,
) -> dict[str, Any] | None:
    chosen = [
        name
        for name, value in (
            ("--from-folder", from_folder),
            ("--from-manifest", from_manifest),
            ("--from-dataset", from_dataset),
            ("--from-coco", from_coco),
            ("--from-yolo", from_yolo),
            ("--from-voc", from_voc),
            ("--from-s3", from_s3),
        )
        if value
    ]
    if len(chosen) > 1:
        raise InvalidInput(f"name one source, not {' and '.join(chosen)}")
    if from_folder:
        return {"kind": "folder", "path": str(from_folder), **folder_options}
    if from_s3:
        return {"kind": "s3", "uri": from_s3, **folder_options}
    if from_manifest:
        if str(from_manifest).startswith("s3://"):  # its images are read from S3 too
            return {"kind": "manifest", "path": str(from_manifest)}
        return {"kind": "manifest", "path": str(from_manifest), "root": str(root) if root else None}
    if from_coco:
        return {"kind": "coco", "path": str(from_coco), "root": str(root) if root else None}
    if from_yolo:
        return {"kind": "yolo", "path": str(from_yolo)}
    if from_voc:
        return {"kind": "voc", "path": str(from_voc)}
    if from_dataset:
        project, _, kind = from_dataset.partition("/")
        if not project or kind.lower() not in ("train", "test"):
            raise InvalidInput(
                f"--from-dataset takes PROJECT/train or PROJECT/test, got {from_dataset!r}"
            )
        return {"kind": "dataset", "project": project, "type": kind.upper()}
    return None


@app.command("create")
def create(
    project: Project,
    kind: Kind,
    from_folder: Annotated[Path | None, typer.Option(help="Import the images of a folder.")] = None,
    folder_labels: Annotated[
        bool,
        typer.Option(
            help="Label each image by the first folder below --from-folder or --from-s3, "
            "however deep it lies, as the hosted service does; images directly in it get none."
        ),
    ] = False,
    in_place: InPlace = False,
    label_level: Annotated[
        int,
        typer.Option(
            min=1,
            help="With --folder-labels: which folder level below the source names the label: "
            "1 the first folder (default), 2 the folder inside it, and so on. Images with "
            "fewer folders above them get no label.",
        ),
    ] = 1,
    folder_depth: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="With --folder-labels: skip images more than N folders below the source "
            "(counted in the summary). Default: read every depth.",
        ),
    ] = None,
    from_manifest: Annotated[
        str | None,
        typer.Option(
            help="Import a SageMaker Ground Truth manifest: a file, or s3://bucket/key.manifest "
            "(its s3:// images are then read from S3)."
        ),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(help="Folder the manifest's or COCO file's image references resolve under."),
    ] = None,
    from_dataset: Annotated[
        str | None, typer.Option(help="Copy an existing dataset: PROJECT/train or PROJECT/test.")
    ] = None,
    from_coco: Annotated[Path | None, typer.Option(help="Import a COCO annotation file.")] = None,
    from_yolo: Annotated[
        Path | None, typer.Option(help="Import an Ultralytics YOLO folder.")
    ] = None,
    from_voc: Annotated[Path | None, typer.Option(help="Import a Pascal VOC folder.")] = None,
    from_s3: Annotated[
        str | None,
        typer.Option(
            help="Import the images below s3://bucket/prefix/ (with --folder-labels: the first "
            "folder below the prefix is the label). Endpoint: AWS_ENDPOINT_URL."
        ),
    ] = None,
    no_wait: NoWait = False,
    json: Json = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create the TRAIN or TEST dataset of a project, empty or from a source."""
    source = _source(
        from_folder,
        _folder_options(folder_labels, label_level, folder_depth, in_place, from_folder),
        from_manifest,
        root,
        from_dataset,
        from_coco,
        from_yolo,
        from_voc,
        from_s3,
    )
    ctx = open_ctx(data_dir, database_url)
    if source is None:
        info = datasets.create_empty_dataset(ctx, project, kind)
        if json:
            print_json({"DatasetDescription": dataset_description(info)})
        else:
            typer.echo(f"created empty {info.dataset_type} dataset of {project}")
        return
    job_id = start_dataset_create(ctx, project, kind, source)
    run_or_queue(ctx, job_id, no_wait=no_wait, json_output=json)


@app.command("update")
def update(
    project: Project,
    kind: Kind,
    changes: Annotated[
        str | None,
        typer.Option(
            help="Ground Truth JSON lines to add or replace: a file or s3://bucket/key.manifest."
        ),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(
            help="Folder the lines' image references resolve under (default: the file's folder)."
        ),
    ] = None,
    from_folder: Annotated[
        Path | None,
        typer.Option(help="Add the images of a folder (replacing entries of the same file)."),
    ] = None,
    folder_labels: Annotated[
        bool, typer.Option(help="With --from-folder: label each image by its first folder.")
    ] = False,
    in_place: InPlace = False,
    no_wait: NoWait = False,
    json: Json = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Add or replace entries from Ground Truth JSON lines or a folder (upsert by source-ref)."""
    if (changes is None) == (from_folder is None):
        raise InvalidInput("name one of --changes and --from-folder")
    source: dict[str, Any]
    if from_folder is not None:
        source = {
            "kind": "folder",
            "path": str(from_folder),
            **_folder_options(folder_labels, 1, None, in_place, from_folder),
        }
    else:
        assert changes is not None
        if in_place or folder_labels:
            raise InvalidInput("--in-place and --folder-labels apply with --from-folder only")
        source = {"kind": "manifest", "path": changes}
        if not changes.startswith("s3://"):
            source["root"] = str(root) if root else None
    ctx = open_ctx(data_dir, database_url)
    job_id = start_dataset_update(ctx, project, kind, source)
    run_or_queue(ctx, job_id, no_wait=no_wait, json_output=json)


@app.command("describe")
def describe(
    project: Project,
    kind: Kind,
    json: Json = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Status and statistics of a dataset (DescribeDataset)."""
    info = datasets.describe_dataset(open_ctx(data_dir, database_url), project, kind)
    if json:
        print_json({"DatasetDescription": dataset_description(info)})
        return
    s = info.stats
    typer.echo(
        f"{project} {info.dataset_type}: {info.status} ({info.status_message_code}) "
        f"{info.status_message}"
    )
    typer.echo(
        f"entries {s.total_entries}, labelled {s.labeled_entries}, labels "
        f"{s.total_labels}, with errors {s.error_entries}"
    )


@app.command("entries")
def list_entries(
    project: Project,
    kind: Kind,
    contains_label: Annotated[
        list[str] | None, typer.Option(help="Only entries with any of these labels (up to 10).")
    ] = None,
    labeled: Annotated[
        bool | None,
        typer.Option("--labeled/--unlabeled", help="Only labelled, or only unlabelled, entries."),
    ] = None,
    source_ref_contains: Annotated[
        str | None, typer.Option(help="Only entries whose source-ref contains this text.")
    ] = None,
    has_errors: Annotated[bool, typer.Option(help="Only entries with errors.")] = False,
    json: Json = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Print the entries as Ground Truth JSON lines (ListDatasetEntries), all pages."""
    ctx = open_ctx(data_dir, database_url)
    flt = EntryFilter(
        contains_labels=tuple(contains_label or ()),
        labeled=labeled,
        source_ref_contains=source_ref_contains,
        has_errors=True if has_errors else None,
    )
    token: str | None = None
    first = True
    if json:
        typer.echo('{"DatasetEntries": [', nl=False)
    while True:
        page = entries.list_entries(ctx, project, kind, flt, next_token=token, limit=1000)
        for view in page.entries:
            line = entry_line(view)
            if json:
                typer.echo(("" if first else ",") + "\n  " + orjson.dumps(line).decode(), nl=False)
            else:
                typer.echo(line)
            first = False
        token = page.next_token
        if token is None:
            break
    if json:
        typer.echo("\n]}")


@app.command("labels")
def list_labels(
    project: Project,
    kind: Kind,
    json: Json = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Labels with their use in this dataset (ListDatasetLabels)."""
    found = labels.dataset_labels(open_ctx(data_dir, database_url), project, kind)
    if json:
        print_json({"DatasetLabelDescriptions": [dataset_label_description(x) for x in found]})
        return
    for lab in found:
        typer.echo(f"{lab.name}\t{lab.entry_count} entries\t{lab.box_count} boxes")


@app.command("distribute")
def distribute(
    project: Project,
    seed: Annotated[int | None, typer.Option(help="Seed for a repeatable split.")] = None,
    no_wait: NoWait = False,
    json: Json = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Move a random, label-stratified 20% of TRAIN into the empty TEST dataset."""
    ctx = open_ctx(data_dir, database_url)
    job_id = split.start_distribute(ctx, project, seed)
    run_or_queue(ctx, job_id, no_wait=no_wait, json_output=json)


@app.command("export")
def export(
    project: Project,
    kind: Kind,
    format: Annotated[
        str, typer.Option("--format", help="groundtruth, coco, yolo, voc or folders.")
    ],
    out: Annotated[str, typer.Option(help="Folder (or .manifest file) to write.")],
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Replace an existing manifest, or write into a folder that is not empty.",
        ),
    ] = False,
    no_wait: NoWait = False,
    json: Json = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Export a dataset; says which entries the hosted service would reject, and why."""
    ctx = open_ctx(data_dir, database_url)
    target = out if out.startswith("s3://") else str(Path(out).resolve())
    job_id = exports.start_export(ctx, project, kind, format, target, overwrite=overwrite)
    job = run_or_queue(ctx, job_id, no_wait=no_wait, json_output=json)
    if not no_wait and not json:
        rejected = job.result.get("entries_hosted_would_reject", 0)
        if rejected:
            typer.echo(
                f"{rejected} entries would be rejected by the hosted service; "
                f"see {job.result.get('report')}"
            )


@app.command("sync")
def sync(
    project: Project,
    kind: Kind,
    delete_missing: Annotated[
        bool,
        typer.Option(help="Delete the entries whose S3 keys are gone (default: only report them)."),
    ] = False,
    no_wait: NoWait = False,
    json: Json = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Import again what is new or changed at the dataset's S3 source; unchanged keys are
    not downloaded, keys gone from the bucket are reported."""
    ctx = open_ctx(data_dir, database_url)
    job_id = s3_sync.start_dataset_sync(ctx, project, kind, delete_missing=delete_missing)
    job = run_or_queue(ctx, job_id, no_wait=no_wait, json_output=json)
    if not no_wait and not json:
        result = job.result
        typer.echo(
            f"{result.get('unchanged', 0)} unchanged, {result.get('downloaded', 0)} downloaded, "
            f"{result.get('removed', 0)} gone from the bucket"
            + (f" ({result.get('deleted', 0)} deleted)" if delete_missing else "")
        )


@app.command("delete")
def delete(
    project: Project, kind: Kind, data_dir: DataDir = None, database_url: DatabaseUrl = None
) -> None:
    """Delete a dataset with its entries."""
    datasets.delete_dataset(open_ctx(data_dir, database_url), project, kind)
    typer.echo(f"deleted the {kind.upper()} dataset of {project}")
