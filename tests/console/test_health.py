"""The project page's "Dataset health": label charts, a flagged label, and histograms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from tests.console.conftest import Server


def figure(table: Locator, key: str, attribute: str, stat: str) -> str:
    """One figure of a health table (visually hidden, read as a screen reader would)."""
    return table.locator(f"[{attribute}='{key}'] [data-stat={stat}]").text_content() or ""


def test_the_project_page_charts_dataset_health_and_flags_a_label_with_one_image(
    page: Page, server: Server, shoes: Path, shoot: Callable[[Page, str], Path]
) -> None:
    server.folder_dataset("shoes", shoes)
    photo = sorted((shoes / "canvasshoes").glob("*.jpg"))[0].read_bytes()
    server.api.post(
        "/projects/shoes/datasets/train/uploads",
        files=[("files", ("boot.jpg", photo, "image/jpeg"))],
        data={"paths": ["rare boots/boot.jpg"], "folder_labels": "true"},
    ).raise_for_status()

    page.goto("/projects/shoes")
    health = page.get_by_test_id("dataset-health")
    expect(health.get_by_role("heading", name="Dataset health")).to_be_visible()
    # The charts are drawn (uPlot's canvases), one per label chart and histogram.
    expect(health.get_by_test_id("health-images-chart").locator("canvas")).to_be_visible()
    expect(health.get_by_test_id("health-sizes-chart").locator("canvas")).to_be_visible()
    expect(health.get_by_test_id("health-boxes-per-image-chart").locator("canvas")).to_be_visible()
    # No boxes in the project: no boxes-per-label chart.
    expect(health.get_by_test_id("health-boxes-chart")).to_have_count(0)

    labels = health.get_by_test_id("health-label-table")
    expect(labels.locator("[data-label='canvasshoes'] [data-stat=train-images]")).to_have_text("25")
    assert figure(labels, "chunkysneakers", "data-label", "train-images") == "25"
    assert figure(labels, "rare boots", "data-label", "train-images") == "1"
    assert figure(labels, "canvasshoes", "data-label", "test-images") == "0"
    flags = health.get_by_test_id("health-flags")
    flagged = flags.locator("li")
    expect(flagged).to_have_count(1)
    expect(flagged).to_have_attribute("data-label", "rare boots")
    expect(flagged).to_contain_text("stops training")
    expect(flagged).to_contain_text("insufficient labeled images per label")
    expect(flagged).to_contain_text("at least 2 images; 'rare boots' has 1.")
    expect(health).to_contain_text("each label needs at least 2 images")

    sizes = health.get_by_test_id("health-sizes-table")
    # The shoe photos' long sides: 216 and 224 px, the others 285-440 px (and the boot's 330).
    assert figure(sizes, "≤ 256 px", "data-bucket", "train") == "2"
    assert figure(sizes, "257–512 px", "data-bucket", "train") == "49"
    boxes = health.get_by_test_id("health-boxes-per-image-table")
    assert figure(boxes, "0", "data-bucket", "train") == "51"
    assert figure(boxes, "1", "data-bucket", "train") == "0"
    health.scroll_into_view_if_needed()
    shoot(page, "health-shoes")


def test_a_detection_project_charts_boxes_per_label_and_per_image(
    page: Page, server: Server, shoes: Path, shoot: Callable[[Page, str], Path]
) -> None:
    server.folder_dataset("boxed", shoes, folder_labels=False)
    first, second = server.entries("boxed")[:2]
    for entry, count in ((first, 1), (second, 3)):
        boxes = [
            {"label": "shoe", "left": 10 + 5 * i, "top": 10, "width": 40, "height": 30}
            for i in range(count)
        ]
        server.api.patch(
            f"/projects/boxed/datasets/train/entries/{entry['id']}",
            json={"version": entry["version"], "boxes": boxes},
        ).raise_for_status()

    # Split 20% of TRAIN off into TEST (balanced by label: one boxed image on each side).
    split = server.api.post("/projects/boxed/distribute", json={})
    assert split.status_code == 202, split.text
    server.wait_job(split.json())

    page.goto("/projects/boxed")
    health = page.get_by_test_id("dataset-health")
    expect(health.get_by_test_id("health-boxes-chart").locator("canvas")).to_be_visible()
    expect(health.locator(".health-legend")).to_have_text("TRAIN TEST")
    labels = health.get_by_test_id("health-label-table")
    expect(labels.locator("[data-label='shoe'] [data-stat=train-images]")).to_have_text("1")
    assert figure(labels, "shoe", "data-label", "test-images") == "1"
    boxes_of = [int(figure(labels, "shoe", "data-label", f"{s}-boxes")) for s in ("train", "test")]
    assert sorted(boxes_of) == [1, 3]
    per_image = health.get_by_test_id("health-boxes-per-image-table")

    def both(bucket: str) -> int:
        return sum(int(figure(per_image, bucket, "data-bucket", s)) for s in ("train", "test"))

    assert (both("0"), both("1"), both("3")) == (48, 1, 1)
    expect(health).to_contain_text("Object detection")
    expect(health.get_by_test_id("health-no-flags")).to_be_visible()
    health.scroll_into_view_if_needed()
    shoot(page, "health-boxed")
