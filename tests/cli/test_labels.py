"""``customlabels label ...``: create, rename, recolour, merge and delete a label."""

from __future__ import annotations

import json

from customlabels.services import labels

from .helpers import DataDir


def test_label_commands_change_the_vocabulary_and_every_use(
    cli, opened, shoes_copy: DataDir
) -> None:
    odd = 'boot <"quoted"> 👢'
    cli("label", "create", "shoes", odd, "--color", "#112233", data_dir=shoes_copy)
    cli("label", "rename", "shoes", "canvasshoes", "canvas", data_dir=shoes_copy)
    cli("label", "recolour", "shoes", "chunkysneakers", "#abcdef", data_dir=shoes_copy)
    merged = cli("label", "merge", "shoes", "canvas", "chunkysneakers", data_dir=shoes_copy)
    assert "51 image-level labels" in merged.stdout
    listed = json.loads(cli("label", "list", "shoes", "--json", data_dir=shoes_copy).stdout)
    assert {x["Name"]: x["Color"].lower() for x in listed["Labels"]} == {
        odd: "#112233",
        "chunkysneakers": "#abcdef",
    }
    deleted = cli("label", "delete", "shoes", "chunkysneakers", "--yes", data_dir=shoes_copy)
    assert "51 image-level labels" in deleted.stdout
    with opened(shoes_copy) as ctx:
        remaining = {x.name: x.entry_count for x in labels.dataset_labels(ctx, "shoes", "train")}
    assert remaining == {odd: 0}
