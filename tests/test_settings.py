"""Every setting is documented, and ``customlabels settings`` prints each one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from customlabels.config import Settings

FIELDS = list(Settings.model_fields.items())


@pytest.mark.parametrize(("name", "field"), FIELDS, ids=[name for name, _ in FIELDS])
def test_every_setting_has_a_description(name: str, field) -> None:
    assert field.description and field.description.strip(), f"setting {name!r} is undocumented"


def test_every_setting_has_a_default() -> None:
    assert Settings.model_construct() is not None
    missing = [name for name, field in FIELDS if field.is_required()]
    assert missing == []


def test_settings_command_prints_each_setting_with_secrets_masked(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMLABELS_")}
    env["CUSTOMLABELS_DATABASE_URL"] = "postgresql://alice:s3cret@db.example:5432/labels"
    env["CUSTOMLABELS_THUMBNAIL_SIZE"] = "300"
    done = subprocess.run(
        [str(Path(sys.executable).with_name("customlabels")), "settings", "--data-dir", tmp_path],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = {
        line.split("=", 1)[0]: line.split("=", 1)[1]
        for line in done.stdout.splitlines()
        if "=" in line
    }
    for name, field in FIELDS:
        key = f"CUSTOMLABELS_{name.upper()}"
        assert key in lines, f"{key} is not printed"
        assert field.description in lines[key]
    assert lines["CUSTOMLABELS_THUMBNAIL_SIZE"].startswith("300")
    assert lines["CUSTOMLABELS_DATA_DIR"].startswith(str(tmp_path))
    assert "s3cret" not in done.stdout
    assert "alice" in lines["CUSTOMLABELS_DATABASE_URL"]
