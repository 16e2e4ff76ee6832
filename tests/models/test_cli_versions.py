"""The CLI of model versions, for what needs no trained model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from customlabels.config import Settings
from customlabels.services.context import open_context
from tests.models.helpers import labelled_project

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
