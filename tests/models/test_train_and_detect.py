"""Train a tiny model on two visibly different kinds of pictures, then serve it: the whole
flow through the services, on both databases."""

from __future__ import annotations

import pytest

pytest.importorskip("customlabels.training")

from tests.models.helpers import (  # noqa: E402
    by_ref,
    labelled_project,
    picture,
    upload_kinds,
)

from customlabels.errors import AlreadyExists, ResourceInUse, ResourceNotReady  # noqa: E402
from customlabels.services.entry_query import EntryFilter  # noqa: E402
from customlabels.services.jobs import get_job  # noqa: E402
from customlabels.services.models import export, prelabel, serving, versions  # noqa: E402
from customlabels.services.models.versions import VersionInfo  # noqa: E402
from customlabels.services.runner import run_job  # noqa: E402

# Small and quick: the head alone on cached features, on 64-pixel pictures.
FAST = {"epochs": 5, "image_size": 64, "fine_tune": False}


def trained(ctx, project: str = "kinds", counts: dict[str, int] | None = None) -> VersionInfo:
    labelled_project(ctx, project, counts or {"red": 12, "blue": 12})
    info = versions.create_version(ctx, project, config=FAST)
    assert info.job_id is not None
    job = run_job(ctx, info.job_id)
    done = versions.describe_version(ctx, project, info.name)
    assert done.status == "TRAINING_COMPLETED", (done.status_message, job.message)
    return done


def test_a_trained_version_records_its_evaluation_thresholds_and_settings(ctx):
    done = trained(ctx)
    assert done.task == "CLASSIFICATION"
    assert done.label_names == ["blue", "red"]
    assert len(done.thresholds) == 2
    assert done.config["epochs"] == 5 and done.config["image_size"] == 64
    summary = done.evaluation or {}
    details = summary["EvaluationDetails"]
    assert details["NumberOfTestingImages"] == 4
    assert details["NumberOfTrainingImages"] == 20
    assert details["ProjectVersionArn"] == done.arn
    assert summary["AggregatedEvaluationResults"]["F1Score"] >= 0.8
    assert ctx.blobs.exists(done.artifact_key)
    job = get_job(ctx, done.job_id)
    assert job.status == "SUCCEEDED" and job.done == 100


def test_a_running_version_detects_the_kind_of_picture_without_reloading(ctx):
    done = trained(ctx)
    with pytest.raises(ResourceNotReady):
        serving.detect(ctx, "kinds", done.name, picture("red", 500))
    assert serving.start_version(ctx, "kinds", done.name).status == "RUNNING"
    model = serving.loaded_model(ctx, done)
    red = serving.detect(ctx, "kinds", done.name, picture("red", 501), min_confidence=0)
    blue = serving.detect(ctx, "kinds", done.name, picture("blue", 502), min_confidence=0)
    assert red[0].name == "red" and blue[0].name == "blue"
    assert [c.confidence for c in red] == sorted((c.confidence for c in red), reverse=True)
    assert all(0 <= c.confidence <= 100 and c.box is None for c in red + blue)
    assert (
        len(
            serving.detect(
                ctx, "kinds", done.name, picture("red", 503), min_confidence=0, max_results=1
            )
        )
        == 1
    )
    assert serving.loaded_model(ctx, done) is model
    with pytest.raises(ResourceInUse):
        versions.delete_version(ctx, "kinds", done.name)
    assert serving.stop_version(ctx, "kinds", done.name).status == "STOPPED"
    assert not serving.is_loaded(done)
    with pytest.raises(ResourceNotReady):
        serving.detect(ctx, "kinds", done.name, picture("red", 504))


def test_by_default_detect_returns_labels_that_reach_their_assumed_thresholds(ctx):
    done = trained(ctx)
    serving.start_version(ctx, "kinds", done.name)
    found = serving.detect(ctx, "kinds", done.name, picture("red", 600))
    thresholds = dict(zip(done.label_names, done.thresholds, strict=True))
    assert all(c.confidence >= serving.percent(thresholds[c.name]) for c in found)
    serving.stop_version(ctx, "kinds", done.name)


def test_a_copied_version_detects_in_the_other_project_and_survives_the_original(ctx):
    done = trained(ctx)
    from customlabels.services import projects

    projects.create_project(ctx, "elsewhere")
    copy = versions.copy_version(ctx, "kinds", done.name, "elsewhere", "imported")
    versions.delete_version(ctx, "kinds", done.name)
    assert copy.source_version_arn == done.arn
    serving.start_version(ctx, "elsewhere", "imported")
    found = serving.detect(ctx, "elsewhere", "imported", picture("blue", 700), min_confidence=0)
    assert found[0].name == "blue"
    serving.stop_version(ctx, "elsewhere", "imported")


def test_pre_labelling_marks_predictions_until_a_person_accepts_them(ctx):
    done = trained(ctx)
    upload_kinds(ctx, "kinds", {"red": 2, "blue": 2}, start=200)
    fresh = [e for e in by_ref(ctx, "kinds").values() if "-20" in e.source_ref]
    from customlabels.services import entries

    entries.bulk_labels(
        ctx,
        "kinds",
        "train",
        EntryFilter(entry_ids=tuple(e.id for e in fresh)),
        remove=["red", "blue"],
    )
    job_id = prelabel.start_prelabel(ctx, "kinds", done.name, "train")
    assert run_job(ctx, job_id).status == "SUCCEEDED"
    predicted = list(entries.iter_entries(ctx, "kinds", "train", EntryFilter(predicted=True)))
    assert {e.id for e in predicted} <= {e.id for e in fresh} and predicted
    for e in predicted:
        (name,) = e.labels
        assert name in e.source_ref  # red pictures predicted red, blue ones blue
        assert 0 < e.predicted_labels[name] <= 100
    # A person's training never includes unreviewed predictions.
    again = versions.create_version(ctx, "kinds", config=FAST)
    versions.stop_training(ctx, "kinds", again.name)
    assert again.snapshots["TRAIN"].entry_count + again.snapshots["TEST"].entry_count == 24
    accepted = prelabel.accept_predictions(ctx, "kinds", "train", EntryFilter())
    assert accepted == len(predicted)
    assert not list(entries.iter_entries(ctx, "kinds", "train", EntryFilter(predicted=True)))


def test_an_exported_onnx_model_comes_with_its_labels(ctx, tmp_path):
    done = trained(ctx)
    files = export.export_version(ctx, "kinds", done.name, "onnx", tmp_path / "out")
    assert any(p.suffix == ".onnx" for p in files)
    assert any(p.suffix == ".json" for p in files)
    with pytest.raises(AlreadyExists, match="not empty"):
        export.export_version(ctx, "kinds", done.name, "onnx", tmp_path / "out")
    again = export.export_version(ctx, "kinds", done.name, "onnx", tmp_path / "out", overwrite=True)
    assert sorted(again) == sorted(files)
