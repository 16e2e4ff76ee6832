"""The Models page with models really trained (tiny ones, in seconds): live progress,
detections of a dropped image, and pre-labelled images to review in the gallery."""

from __future__ import annotations

import base64
import re
import time
import zipfile
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from tests.console.conftest import Server
from tests.console.test_models import _boxed_dataset
from tests.models.helpers import labelled_project, picture, upload_kinds

from customlabels.services import projects
from customlabels.services.imports import uploads
from customlabels.services.models import versions
from customlabels.services.runner import run_job

pytest.importorskip("customlabels.training")

TINY = {"epochs": 5, "image_size": 64, "fine_tune": False}


def _kinds(server: Server) -> None:
    """Project "kinds": 20 labelled TRAIN pictures, 2 unlabelled ones, 8 TEST ones."""
    labelled_project(server.ctx, "kinds", {"red": 10, "blue": 10})
    upload_kinds(server.ctx, "kinds", {"red": 4, "blue": 4}, type_name="test", start=100)
    unlabelled = [uploads.UploadedFile(f"new-{n}.jpg", picture("red", 500 + n)) for n in range(2)]
    uploads.upload_files(server.ctx, "kinds", "train", unlabelled, folder_labels=False)


@pytest.fixture
def trained(server: Server) -> Iterator[Server]:
    """ "kinds" with v1 trained through the service functions, as a worker runs it."""
    _kinds(server)
    version = versions.create_version(server.ctx, "kinds", "v1", TINY)
    assert version.job_id is not None
    run_job(server.ctx, version.job_id)
    done = versions.describe_version(server.ctx, "kinds", "v1")
    assert done.status == "TRAINING_COMPLETED", done.status_message
    yield server


def test_training_from_the_button_shows_live_progress_until_the_version_is_trained(
    page: Page, server: Server, shoot
) -> None:
    _kinds(server)
    page.goto("/projects/kinds/models")
    page.get_by_role("button", name="Train model").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Epochs").fill("3")
    dialog.get_by_label("Image size (px)").fill("64")
    # Fine-tuning takes a few seconds an epoch here: long enough that the page sees the
    # training between its start and its end, on a fast machine too (a head alone on 28
    # images can finish between two polls).
    dialog.get_by_label("Fine-tune the backbone").select_option("yes")
    dialog.get_by_role("button", name="Train").click()
    row = page.locator("tr[data-version=v1]")
    expect(row.locator(".badge")).to_have_text("training")
    # What the training reports arrives while it runs: how far it is, and at what stage.
    progress = row.get_by_test_id("training-progress")
    expect(progress).to_have_text(re.compile(r"^[1-9]\d?% · \w"), timeout=60_000)
    expect(page.get_by_role("button", name="Train model")).to_be_disabled()
    shoot(page, "models-9-training-live")
    expect(row.locator(".badge")).to_have_text("trained", timeout=180_000)
    expect(row.locator("[data-column=f1]")).to_have_text(re.compile(r"^\d+\.\d%$"))
    row.get_by_role("link", name="v1").click()
    expect(page.get_by_test_id("test-gallery-count")).to_have_text("8 of 8 images")
    red = page.locator(".label-metrics tr[data-label=red]")
    expect(red.locator("[data-column=threshold]")).to_have_text(re.compile(r"^\d\.\d\d$"))


def _drop(page: Page, selector: str, name: str, data: bytes) -> None:
    """Drop a file on an element, as dragging it from the desktop does."""
    transfer = page.evaluate_handle(
        """([name, b64]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "image/jpeg" }));
            return transfer;
        }""",
        [name, base64.b64encode(data).decode()],
    )
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_a_dropped_image_shows_the_detections_of_the_started_version(
    page: Page, trained: Server, shoot
) -> None:
    page.goto("/projects/kinds/models/v1")
    expect(page.get_by_test_id("version-status")).to_have_text("trained")
    expect(page.locator(".pr-curve canvas")).to_have_count(2)
    shoot(page, "models-12-trained-evaluation")
    page.locator(".try-it").get_by_role("button", name="Start v1").click()
    expect(page.get_by_test_id("version-status")).to_have_text("running")
    _drop(page, "[data-testid=try-dropzone]", "red-900.jpg", picture("red", 900))
    found = page.get_by_test_id("detections").locator("li").first
    expect(found).to_have_attribute("data-label", "red")
    page.locator(".try-it").scroll_into_view_if_needed()
    shoot(page, "models-10-try-it")
    _drop(page, "[data-testid=try-dropzone]", "blue-901.jpg", picture("blue", 901))
    expect(page.locator(".try-it .try-name")).to_have_text("blue-901.jpg")
    expect(page.get_by_test_id("detections").locator("li").first).to_have_attribute(
        "data-label", "blue"
    )


def _wait_jobs(server: Server, project: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = server.api.get(f"/projects/{project}/jobs").json()
        if all(j["status"] in ("SUCCEEDED", "FAILED") for j in jobs):
            return
        time.sleep(0.2)
    raise AssertionError("the project's jobs did not finish")


def test_pre_labelled_images_are_found_by_the_predicted_filter_and_accepted(
    page: Page, trained: Server, shoot
) -> None:
    page.goto("/projects/kinds/models")
    row = page.locator("tr[data-version=v1]")
    row.locator("summary", has_text="Pre-label…").click()
    row.get_by_role("button", name="Unlabelled TRAIN images").click()
    expect(page.locator(".toast")).to_contain_text("Pre-labelling the unlabelled TRAIN images")
    _wait_jobs(trained, "kinds")
    page.goto("/projects/kinds/datasets/train")
    page.get_by_label("Predicted, not reviewed").check()
    expect(page.locator(".tile")).to_have_count(2)
    expect(page.locator(".tile .predicted-marker")).to_have_count(2)
    expect(page.locator(".predictions-bar")).to_contain_text("2 images hold labels a model")
    shoot(page, "models-11-predicted-filter")
    page.get_by_role("button", name="Accept 2 predictions").click()
    expect(page.get_by_text("No images match this filter.")).to_be_visible()
    page.get_by_label("Predicted, not reviewed").uncheck()
    expect(page.locator(".tile")).to_have_count(22)
    expect(page.locator(".tile .predicted-marker")).to_have_count(0)


def test_a_dropped_image_shows_the_boxes_a_detection_model_finds(
    page: Page, server: Server, shoot
) -> None:
    projects.create_project(server.ctx, "boxes")
    _boxed_dataset(server, "train", 0)
    _boxed_dataset(server, "test", 100)
    version = versions.create_version(server.ctx, "boxes", "v1", TINY)
    assert version.job_id is not None
    run_job(server.ctx, version.job_id)
    page.goto("/projects/boxes/models/v1")
    expect(page.get_by_test_id("version-status")).to_have_text("trained", timeout=5_000)
    page.locator(".try-it").get_by_role("button", name="Start v1").click()
    expect(page.get_by_test_id("version-status")).to_have_text("running")
    page.get_by_label("Threshold for red").fill("0")
    _drop(page, "[data-testid=try-dropzone]", "red-900.jpg", picture("red", 900))
    boxes = page.locator(".try-image rect")
    expect(boxes.first).to_be_attached()
    assert boxes.count() <= 20
    page.locator(".try-it").scroll_into_view_if_needed()
    shoot(page, "models-13-try-it-detection")


def test_the_model_of_a_trained_version_downloads_as_onnx_with_its_labels(
    page: Page, trained: Server, tmp_path
) -> None:
    page.goto("/projects/kinds/models")
    with page.expect_download() as download:
        page.locator("tr[data-version=v1]").get_by_role("link", name="Download ONNX").click()
    assert download.value.suggested_filename == "kinds-v1-onnx.zip"
    saved = tmp_path / "model.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
    assert any(n.endswith(".onnx") for n in names) and any(n.endswith(".json") for n in names)
