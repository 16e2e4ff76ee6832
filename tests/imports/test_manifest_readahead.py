"""A big manifest is read ahead by a child process; its entries are those read in-process.

The child parses the lines and finds their files (services/imports/readahead.py); these tests force
it on small manifests (``MIN_BYTES = 0``) and compare every entry, counter and job figure
with an import of the same manifest read in this process.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from customlabels.services.datasets import describe_dataset
from customlabels.services.imports import ingest, readahead
from customlabels.services.labels import dataset_labels

from .helpers import all_entries, create, jpeg, png, save, update, write_lines

BUCKET = "bucket"


def _attr(name: str, label: str) -> dict[str, Any]:
    return {
        name: 0,
        f"{name}-metadata": {"class-name": label, "type": "groundtruth/image-classification"},
    }


def _boxes(size: tuple[int, int], *boxes: tuple[str, int, int, int, int]) -> dict[str, Any]:
    names = sorted({b[0] for b in boxes})
    return {
        "bb": {
            "image_size": [{"width": size[0], "height": size[1], "depth": 3}],
            "annotations": [
                {"class_id": names.index(n), "left": x, "top": y, "width": w, "height": h}
                for n, x, y, w, h in boxes
            ],
        },
        "bb-metadata": {
            "objects": [{"confidence": 1} for _ in boxes],
            "class-map": {str(i): n for i, n in enumerate(names)},
            "type": "groundtruth/object-detection",
        },
    }


def _manifest(tmp_path: Path) -> tuple[Path, Path]:
    """A manifest of every kind of line the importer treats differently; (manifest, root)."""
    root = tmp_path / "root"
    for i in range(6):
        save(root / BUCKET / "img" / f"{i}.png", png((64 + i, 48), (i * 30, 90, 90)))
    save(root / "plain" / "a.jpg", jpeg((70, 50)))
    save(root / BUCKET / "big.png", png((32, 32)))
    save(tmp_path / "outside" / "secret.png", png((40, 40)))
    os.symlink(tmp_path / "outside" / "secret.png", root / "link.png")
    (root / BUCKET / "folder.png").mkdir()
    lines: list[dict[str, Any] | str | bytes] = [
        {"source-ref": f"s3://{BUCKET}/img/0.png", **_attr("a", "cat")},
        {"source-ref": f"s3://{BUCKET}/img/1.png", **_boxes((65, 48), ("dog", 2, 3, 20, 10))},
        {"source-ref": f"s3://{BUCKET}/img/2.png", **_attr("a", "cat"), **_attr("b", "dog")},
        "",
        {"source-ref": f"s3://{BUCKET}/img/3.png", **_boxes((67, 48), ("cat", 60, 40, 30, 30))},
        {"source-ref": f"s3://{BUCKET}/img/4.png", **_boxes((10, 10), ("dog", 1, 1, 5, 5))},
        {"source-ref": "plain/a.jpg", **_attr("a", "bird")},
        {"source-ref": f"file://{root}/plain/a.jpg", **_attr("a", "bird")},
        {"source-ref": f"s3://{BUCKET}/img/0.png", **_attr("a", "dog")},  # repeated
        {"source-ref": f"s3://{BUCKET}/missing.png", **_attr("a", "cat")},
        {"source-ref": f"s3://{BUCKET}/folder.png", **_attr("a", "cat")},
        {"source-ref": f"s3://{BUCKET}/../../outside/secret.png", **_attr("a", "cat")},
        {"source-ref": "link.png", **_attr("a", "cat")},
        {"source-ref": "https://example.com/x.png", **_attr("a", "cat")},
        {"source-ref": f"s3://{BUCKET}/img/5.png"},
        {"no-source-ref": 1},
        "{not json",
        b"\xff\xfe not utf-8",
        {"source-ref": f"s3://{BUCKET}/big.png", **_attr("a", "cat")},
    ]
    lines += [
        {"source-ref": f"s3://{BUCKET}/img/{i % 6}.png", **_attr("a", f"l{i % 3}")}
        for i in range(700)  # several batches, so repeats cross batch boundaries
    ]
    return write_lines(tmp_path / "in.manifest", lines), root


def _entries(ctx: Any, project: str) -> list[tuple[Any, ...]]:
    """Everything of the entries but ids, times and versions (those count batches), and the
    job that unparseable lines' names carry (each import has its own)."""
    return sorted(
        (
            re.sub(r"^invalid-line:job-\d+:", "invalid-line:", e.source_ref),
            e.is_labeled,
            e.has_errors,
            e.no_objects,
            sorted(e.labels),
            sorted((b.label, b.left, b.top, b.width, b.height) for b in e.boxes),
            e.issues,
            e.asset.sha256 if e.asset else None,
            e.raw_line,
        )
        for e in all_entries(ctx, project)
    )


def _figures(ctx: Any, project: str, job: Any) -> tuple[Any, ...]:
    """The job's figures and the dataset's counters, checked against its entries."""
    info = describe_dataset(ctx, project, "train")
    views = all_entries(ctx, project)
    assert info.stats.total_entries == len(views)
    assert info.stats.labeled_entries == sum(v.is_labeled for v in views)
    assert info.stats.error_entries == sum(v.has_errors for v in views)
    counts = {
        (d.name, d.entry_count, d.box_count)
        for d in dataset_labels(ctx, project, "train")
        if d.entry_count or d.box_count
    }
    assert counts == {
        (
            name,
            sum(name in v.labels for v in views),
            sum(b.label == name for v in views for b in v.boxes),
        )
        for name in {n for v in views for n in [*v.labels, *(b.label for b in v.boxes)]}
    }
    result = {k: v for k, v in job.result.items() if k != "images_read"}
    return job.status, job.done, job.total, job.error_count, result, info.stats, counts


def test_a_manifest_read_ahead_imports_exactly_what_reading_in_process_imports(
    ctx, tmp_path, monkeypatch
):
    # Equal batches in both runs (the second one needs no image analysed, so its would grow).
    monkeypatch.setattr(ingest, "MAX_BATCH", ingest.BATCH)
    manifest, root = _manifest(tmp_path)
    source = {"kind": "manifest", "path": str(manifest), "root": str(root)}
    monkeypatch.setattr(readahead, "MIN_BYTES", 1 << 40)
    inline = create(ctx, source, project="inline")
    monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    ahead = create(ctx, source, project="ahead")
    assert inline.status == "SUCCEEDED"
    assert _entries(ctx, "ahead") == _entries(ctx, "inline")
    assert _figures(ctx, "ahead", ahead) == _figures(ctx, "inline", inline)


def test_an_update_read_ahead_replaces_entries_as_one_read_in_process_does(
    ctx, tmp_path, monkeypatch
):
    monkeypatch.setattr(ingest, "MAX_BATCH", ingest.BATCH)
    manifest, root = _manifest(tmp_path)
    source = {"kind": "manifest", "path": str(manifest), "root": str(root)}
    monkeypatch.setattr(readahead, "MIN_BYTES", 1 << 40)
    create(ctx, source, project="inline")
    inline = update(ctx, source, project="inline")
    monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    create(ctx, source, project="ahead")
    ahead = update(ctx, source, project="ahead")
    assert inline.result["updated"] > 0
    assert _entries(ctx, "ahead") == _entries(ctx, "inline")
    assert _figures(ctx, "ahead", ahead) == _figures(ctx, "inline", inline)


def test_a_manifest_that_vanishes_before_it_is_read_fails_the_job_with_the_reason(
    ctx, tmp_path, monkeypatch
):
    manifest, root = _manifest(tmp_path)
    source = {"kind": "manifest", "path": str(manifest), "root": str(root)}
    monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    real_open = readahead.subprocess.Popen

    def popen_after_removing(*args: Any, **kwargs: Any) -> Any:
        manifest.unlink()
        return real_open(*args, **kwargs)

    monkeypatch.setattr(readahead.subprocess, "Popen", popen_after_removing)
    job = create(ctx, source)
    assert job.status == "FAILED"
    assert "No such file" in job.message


def test_a_reader_process_that_cannot_start_leaves_the_reading_to_the_import(
    ctx, tmp_path, monkeypatch
):
    monkeypatch.setattr(ingest, "MAX_BATCH", ingest.BATCH)
    manifest, root = _manifest(tmp_path)
    source = {"kind": "manifest", "path": str(manifest), "root": str(root)}
    monkeypatch.setattr(readahead, "MIN_BYTES", 1 << 40)
    inline = create(ctx, source, project="inline")
    monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    monkeypatch.setattr(readahead.sys, "executable", str(tmp_path / "no-python"))
    fallback = create(ctx, source, project="fallback")
    assert _entries(ctx, "fallback") == _entries(ctx, "inline")
    assert _figures(ctx, "fallback", fallback) == _figures(ctx, "inline", inline)


def test_a_reader_process_dying_after_its_first_records_fails_the_job(ctx, tmp_path, monkeypatch):
    manifest, root = _manifest(tmp_path)
    source = {"kind": "manifest", "path": str(manifest), "root": str(root)}
    monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    real_chunks = readahead._child_chunks

    def dying(*args: Any) -> Any:
        chunks = real_chunks(*args)
        yield next(chunks)
        chunks.close()
        raise readahead.ReadAheadFailed("reading the manifest failed (exit status -9): killed")

    monkeypatch.setattr(readahead, "_child_chunks", dying)
    job = create(ctx, source)
    assert job.status == "FAILED"
    assert "exit status -9" in job.message
