"""Label order: a label keeps its number-key shortcut until the user moves it."""

from __future__ import annotations

import pytest

from customlabels.errors import InvalidInput
from customlabels.services import labels, projects
from customlabels.services.imports import uploads
from customlabels.services.label_order import set_label_order

from .builders import jpeg


@pytest.fixture
def shoes(ctx):
    projects.create_project(ctx, "shoes")
    for name in ("sandals", "boots", "canvasshoes"):
        labels.create_label(ctx, "shoes", name)
    return ctx


def names(ctx):
    return [x.name for x in labels.list_labels(ctx, "shoes")]


def test_labels_keep_creation_order_when_a_new_one_sorts_before_them(shoes):
    labels.create_label(shoes, "shoes", "brand")
    assert names(shoes) == ["sandals", "boots", "canvasshoes", "brand"]


def test_labels_an_import_creates_go_last(shoes):
    files = [uploads.UploadedFile("aardvark/1.jpg", jpeg())]
    uploads.upload_files(shoes, "shoes", "train", files, folder_labels=True)
    assert names(shoes) == ["sandals", "boots", "canvasshoes", "aardvark"]
    listed = [x.name for x in labels.dataset_labels(shoes, "shoes", "train")]
    assert listed == ["sandals", "boots", "canvasshoes", "aardvark"]


def test_reordering_moves_the_named_labels_first_and_keeps_the_rest(shoes):
    assert set_label_order(shoes, "shoes", ["canvasshoes", "sandals"]) == [
        "canvasshoes",
        "sandals",
        "boots",
    ]
    assert names(shoes) == ["canvasshoes", "sandals", "boots"]
    labels.create_label(shoes, "shoes", "aa")
    assert names(shoes)[-1] == "aa"


def test_a_rename_keeps_the_position(shoes):
    labels.rename_label(shoes, "shoes", "boots", "zzz boots")
    assert names(shoes) == ["sandals", "zzz boots", "canvasshoes"]


@pytest.mark.parametrize(
    ("order", "named"),
    [(["boots", "nope"], "'nope'"), (["boots", "boots"], "repeated: 'boots'")],
)
def test_unknown_or_repeated_names_are_refused_and_nothing_moves(shoes, order, named):
    with pytest.raises(InvalidInput, match=named):
        set_label_order(shoes, "shoes", order)
    assert names(shoes) == ["sandals", "boots", "canvasshoes"]
