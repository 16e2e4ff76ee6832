"""``customlabels dataset ...``: the JSON shapes scripts read, filters, jobs and exports."""

from __future__ import annotations

import json
from pathlib import Path

from customlabels.services import datasets, labels, projects
from customlabels.services.jobs import get_job

from .helpers import DataDir


def entries_of(cli, data_dir: DataDir, *args: str, project: str = "shoes") -> list[dict]:
    """Every entry ``dataset entries --json`` prints, each parsed from its JSON string."""
    done = cli("dataset", "entries", project, "train", "--json", *args, data_dir=data_dir)
    body = json.loads(done.stdout)
    assert list(body) == ["DatasetEntries"]
    assert all(isinstance(line, str) for line in body["DatasetEntries"])
    return [json.loads(line) for line in body["DatasetEntries"]]


def test_describe_json_has_status_and_stats(cli, shoes_dir: DataDir) -> None:
    done = cli("dataset", "describe", "shoes", "train", "--json", data_dir=shoes_dir)
    described = json.loads(done.stdout)["DatasetDescription"]
    assert described["Status"] == "CREATE_COMPLETE"
    assert described["StatusMessageCode"] == "SUCCESS"
    assert described["StatusMessage"]
    assert described["DatasetStats"] == {
        "LabeledEntries": 51,
        "TotalEntries": 52,
        "TotalLabels": 2,
        "ErrorEntries": 1,
    }


def test_entries_json_prints_ground_truth_lines_of_every_entry(cli, shoes_dir: DataDir) -> None:
    lines = entries_of(cli, shoes_dir)
    assert len(lines) == 52
    refs = [line["source-ref"] for line in lines]
    assert len(set(refs)) == 52
    for line in lines:
        assert isinstance(line["cl-metadata"]["is_labeled"], bool)
    by_name = {
        ref.rsplit("/", 2)[-2] + "/" + ref.rsplit("/", 1)[-1]: x
        for ref, x in zip(refs, lines, strict=True)
    }
    labelled = by_name["chunkysneakers/10.jpg"]
    assert labelled["cl-metadata"]["is_labeled"] is True
    [attribute] = [k for k in labelled if k.endswith("-metadata") and k != "cl-metadata"]
    assert labelled[attribute]["class-name"] == "chunkysneakers"
    assert labelled[attribute]["type"] == "groundtruth/image-classification"
    broken = by_name["canvasshoes/broken.jpg"]
    assert [e["code"] for e in broken["cl-errors"]] == ["ERROR_INVALID_IMAGE"]


FILTERS: list[tuple[list[str], int]] = [
    (["--contains-label", "canvasshoes"], 26),
    (["--labeled"], 51),
    (["--unlabeled"], 1),
    (["--source-ref-contains", "chunkysneakers/1"], 11),
    (["--has-errors"], 1),
]


def test_entries_filters_select_the_matching_entries(cli_all, shoes_dir: DataDir) -> None:
    runs = cli_all(
        [["dataset", "entries", "shoes", "train", "--json", *args] for args, _ in FILTERS],
        data_dir=shoes_dir,
    )
    found = {
        " ".join(args): [json.loads(x) for x in json.loads(done.stdout)["DatasetEntries"]]
        for (args, _), done in zip(FILTERS, runs, strict=True)
    }
    assert {k: len(v) for k, v in found.items()} == {" ".join(a): n for a, n in FILTERS}
    [loose] = found["--unlabeled"]
    assert loose["source-ref"].endswith("/loose.jpg")
    assert loose["cl-metadata"]["is_labeled"] is False
    [broken] = found["--has-errors"]
    assert broken["source-ref"].endswith("/broken.jpg")
    assert all("chunkysneakers/1" in x["source-ref"] for x in found[" ".join(FILTERS[3][0])])


def test_labels_json_counts_entries_and_boxes_per_label(cli, shoes_dir: DataDir) -> None:
    done = cli("dataset", "labels", "shoes", "train", "--json", data_dir=shoes_dir)
    described = json.loads(done.stdout)["DatasetLabelDescriptions"]
    stats = {d["LabelName"]: d["LabelStats"] for d in described}
    assert stats == {
        "canvasshoes": {"EntryCount": 26, "BoundingBoxCount": 0},
        "chunkysneakers": {"EntryCount": 25, "BoundingBoxCount": 0},
    }


def _manifest_line(ref: str, label: str) -> str:
    return json.dumps(
        {
            "source-ref": ref,
            "animal": 0,
            "animal-metadata": {
                "confidence": 1,
                "job-name": "labeling-job/animal",
                "class-name": label,
                "human-annotated": "yes",
                "creation-date": "2024-01-01T00:00:00.000",
                "type": "groundtruth/image-classification",
            },
        }
    )


def test_update_upserts_lines_and_entries_prints_all_pages(
    cli, shoes_copy: DataDir, photo_folder: Path, tmp_path: Path
) -> None:
    """More than one page (1,000) of entries, printed whole; broken lines are kept."""
    # The source-ref as `dataset entries` prints it: the line replaces that entry.
    existing = (photo_folder / "chunkysneakers" / "10.jpg").as_uri()
    lines = [_manifest_line(existing, "sneaker")]
    lines += [_manifest_line(f"missing/{i}.jpg", "ghost") for i in range(1000)]
    lines.append("{not json")
    changes = tmp_path / "changes.manifest"
    changes.write_text("\n".join(lines) + "\n")
    cli(
        "dataset",
        "update",
        "shoes",
        "train",
        "--changes",
        changes,
        "--root",
        photo_folder,
        data_dir=shoes_copy,
    )
    printed = entries_of(cli, shoes_copy)
    assert len(printed) == 52 + 1001
    assert len({x["source-ref"] for x in printed}) == 1053
    [updated] = [x for x in printed if x["source-ref"].endswith("chunkysneakers/10.jpg")]
    assert "cl-errors" not in updated
    classes = {
        v["class-name"] for k, v in updated.items() if k.endswith("-metadata") and "class-name" in v
    }
    assert classes == {"sneaker"}  # the line replaces the entry, as UpdateDatasetEntries does
    codes = {x["cl-errors"][0]["code"] for x in printed if "cl-errors" in x}
    assert codes == {"ERROR_INVALID_IMAGE", "ERROR_INVALID_JSON_LINE"}


def test_distribute_moves_a_fifth_of_train_into_test(cli, opened, shoes_copy: DataDir) -> None:
    cli("dataset", "distribute", "shoes", "--seed", "7", data_dir=shoes_copy)
    with opened(shoes_copy) as ctx:
        train = datasets.describe_dataset(ctx, "shoes", "train").stats
        test = datasets.describe_dataset(ctx, "shoes", "test").stats
        test_labels = {x.name: x.entry_count for x in labels.dataset_labels(ctx, "shoes", "test")}
    assert train.total_entries + test.total_entries == 52
    assert 6 <= test.total_entries <= 16  # about 20%
    assert all(count > 0 for count in test_labels.values())  # stratified by label


FORMATS = ["groundtruth", "coco", "yolo", "voc", "folders"]


def test_export_writes_each_format(cli_all, shoes_dir: DataDir, tmp_path: Path) -> None:
    cli_all(
        [
            ["dataset", "export", "shoes", "train", "--format", fmt, "--out", tmp_path / fmt]
            for fmt in FORMATS
        ],
        data_dir=shoes_dir,
    )
    for fmt in FORMATS:
        out = tmp_path / fmt
        assert (out / "hosted_service_report.json").exists(), fmt
        if fmt == "groundtruth":
            manifest = [json.loads(x) for x in (out / "output.manifest").read_text().splitlines()]
            assert len(manifest) == 51  # the broken file has no image to export
            continue
        images = [p for p in out.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png")]
        assert len(images) == 51, fmt
        if fmt == "folders":
            assert {p.parent.name for p in images} >= {"canvasshoes", "chunkysneakers"}


def test_export_replaces_a_file_only_with_overwrite_and_reads_any_path(
    cli, shoes_dir: DataDir, tmp_path: Path
) -> None:
    # The CLI is the operator's tool: tmp_path lies outside the REST API's export root.
    target = tmp_path / "mine.manifest"
    target.write_text("not ours\n")
    export = ["dataset", "export", "shoes", "train", "--format", "groundtruth", "--out", target]
    refused = cli(*export, data_dir=shoes_dir, ok=False)
    assert str(target) in refused.stdout + refused.stderr
    assert "--overwrite" in refused.stdout + refused.stderr
    assert target.read_text() == "not ours\n"
    cli(*export, "--overwrite", data_dir=shoes_dir)
    assert len(target.read_text().splitlines()) == 51


def test_delete_removes_the_dataset(cli, opened, shoes_copy: DataDir) -> None:
    cli("dataset", "delete", "shoes", "train", data_dir=shoes_copy)
    with opened(shoes_copy) as ctx:
        assert projects.describe_project(ctx, "shoes").datasets == []


def test_no_wait_queues_the_job_and_prints_its_id(
    cli, opened, shoes_copy: DataDir, photo_folder: Path
) -> None:
    done = cli(
        "dataset",
        "create",
        "shoes",
        "test",
        "--from-folder",
        photo_folder / "chunkysneakers",
        "--no-wait",
        data_dir=shoes_copy,
    )
    job_id = int(done.stdout.strip())
    with opened(shoes_copy) as ctx:
        job = get_job(ctx, job_id)
    assert job.status == "QUEUED"
    assert job.kind == "dataset.create"
