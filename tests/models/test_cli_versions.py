"""The CLI of model versions, for what needs no trained model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.models.helpers import labelled_project, picture

from customlabels.config import Settings
from customlabels.services.context import open_context

EXECUTABLE = Path(sys.executable).with_name("customlabels")


def _cli(*args: str | Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMLABELS_")}
    return subprocess.run(
        [str(EXECUTABLE), *map(str, args), "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_train_of_a_one_label_project_prints_the_hosted_message_and_fails(tmp_path: Path):
    data_dir = tmp_path / "data"
    ctx = open_context(Settings(data_dir=data_dir))
    labelled_project(ctx, "solo", {"red": 3})
    ctx.close()
    done = _cli("train", "solo", data_dir=data_dir)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "error: The manifest file has too few labels. Training classification needs at "
        "least 2 label(s) in TRAIN; it has only 'red'."
    )
    listed = _cli("model", "list", "solo", "--json", data_dir=data_dir)
    assert listed.returncode == 0, listed.stderr
    (version,) = json.loads(listed.stdout)["ProjectVersionDescriptions"]
    assert version["Status"] == "TRAINING_FAILED"
    assert version["ProjectVersionArn"].startswith("arn:aws:rekognition:")
    assert "/version/v1/" in version["ProjectVersionArn"]


def test_train_describe_and_detect_from_the_command_line(tmp_path: Path):
    pytest.importorskip("customlabels.training")
    data_dir = tmp_path / "data"
    ctx = open_context(Settings(data_dir=data_dir))
    labelled_project(ctx, "kinds", {"red": 10, "blue": 10})
    ctx.close()
    trained = _cli(
        "train",
        "kinds",
        "--config",
        '{"epochs": 5, "image_size": 64, "fine_tune": false}',
        data_dir=data_dir,
    )
    assert trained.returncode == 0, trained.stderr
    assert trained.stdout.startswith("trained model version v1")
    described = json.loads(
        _cli("model", "describe", "kinds", "v1", "--json", data_dir=data_dir).stdout
    )
    assert described["ProjectVersionDescription"]["Status"] == "TRAINING_COMPLETED"
    assert described["EvaluationSummary"]["EvaluationDetails"]["NumberOfTestingImages"] == 4
    images = []
    for kind in ("red", "blue"):
        images.append(tmp_path / f"{kind}.jpg")
        images[-1].write_bytes(picture(kind, 900))
    # The version is not running: the CLI loads it for this one call.
    detected = _cli(
        "detect", "kinds", "v1", *images, "--min-confidence", "0", "--json", data_dir=data_dir
    )
    assert detected.returncode == 0, detected.stderr
    results = json.loads(detected.stdout)["Results"]
    assert [r["Image"] for r in results] == [str(p) for p in images]
    assert [r["CustomLabels"][0]["Name"] for r in results] == ["red", "blue"]
    assert all(0 <= c["Confidence"] <= 100 for r in results for c in r["CustomLabels"])
