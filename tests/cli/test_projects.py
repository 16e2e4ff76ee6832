"""``customlabels project ...``, the back-end options and their environment variables."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from customlabels.services import datasets, projects

from .helpers import DataDir


def test_project_list_json_has_the_hosted_shape_with_datasets(cli, shoes_dir: DataDir) -> None:
    listed = json.loads(cli("project", "list", "--json", data_dir=shoes_dir).stdout)
    assert list(listed) == ["ProjectDescriptions"]
    [project] = listed["ProjectDescriptions"]
    assert project["ProjectArn"].startswith("arn:")
    assert "project/shoes/" in project["ProjectArn"]
    assert project["ProjectName"] == "shoes"
    [dataset] = project["Datasets"]
    assert dataset["DatasetType"] == "TRAIN"
    assert dataset["Status"] == "CREATE_COMPLETE"
    assert dataset["StatusMessageCode"] == "SUCCESS"
    assert dataset["DatasetArn"].startswith(project["ProjectArn"])


def test_project_delete_removes_it_with_its_datasets(cli, opened, shoes_copy: DataDir) -> None:
    done = cli("project", "delete", "shoes", data_dir=shoes_copy)
    assert "shoes" in done.stdout
    with opened(shoes_copy) as ctx:
        assert projects.list_projects(ctx) == []


def test_data_dir_comes_from_the_environment(cli, shoes_dir: DataDir) -> None:
    done = cli("project", "list", "--json", env=shoes_dir.environment())
    names = [p["ProjectName"] for p in json.loads(done.stdout)["ProjectDescriptions"]]
    assert names == ["shoes"]


def test_database_url_points_commands_at_postgresql(
    cli, opened, postgres_url: str, photo_folder: Path, tmp_path: Path
) -> None:
    name = f"pg-{uuid.uuid4().hex[:8]}"
    cli("project", "create", name, "--database-url", postgres_url, data_dir=tmp_path)
    cli(
        "dataset", "create", name, "train", "--from-folder", photo_folder, "--folder-labels",
        env={"CUSTOMLABELS_DATABASE_URL": postgres_url}, data_dir=tmp_path,
    )  # fmt: skip
    # The rows are in PostgreSQL, not in a SQLite file of the data dir.
    assert not (tmp_path / "customlabels.db").exists()
    with opened(tmp_path / "elsewhere", postgres_url) as ctx:
        info = datasets.describe_dataset(ctx, name, "train")
    assert info.status == "CREATE_COMPLETE"
    assert (info.stats.total_entries, info.stats.labeled_entries) == (52, 51)
