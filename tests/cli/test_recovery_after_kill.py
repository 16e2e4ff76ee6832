"""Nothing is lost, and nothing lies, when a server or worker is killed with SIGKILL.

Real ``customlabels serve`` / ``worker`` processes on a SQLite data dir, driven through the
REST API, killed mid-way and started again: no job stays RUNNING without a live worker,
imports resume, an interrupted upload never says "successfully created", and the dataset
can be deleted afterwards.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import httpx
import pytest

from .served import Server, Worker, noisy_jpegs, wait_for

IMAGES = 600


@pytest.fixture(autouse=True)
def _posix_only() -> None:
    if not Path("/proc/self").exists():
        pytest.skip("kills processes and reads lock files the POSIX way")


def _start_import(server: Server, photos: Path) -> int:
    assert server.client.post("/projects", json={"name": "p"}).status_code == 201
    response = server.client.post(
        "/projects/p/datasets/train", json={"source": {"kind": "folder", "path": str(photos)}}
    )
    assert response.status_code == 202, response.text
    return int(response.json()["id"])


def _wait_finished(server: Server, job_id: int, timeout: float = 60) -> dict[str, object]:
    wait_for(lambda: server.job(job_id)["status"] in ("SUCCEEDED", "FAILED"), timeout, "no end")
    return server.job(job_id)


def test_a_server_killed_mid_import_resumes_the_import_when_it_starts_again(tmp_path):
    photos = tmp_path / "photos"
    noisy_jpegs(photos, IMAGES)
    data = tmp_path / "data"
    server = Server(data)
    try:
        job_id = _start_import(server, photos)
        wait_for(lambda: server.job(job_id)["done"] > 0, 30, "the import made no progress")
        assert server.job(job_id)["status"] == "RUNNING"
        server.kill()
        server = Server(data)
        job = _wait_finished(server, job_id)
        assert job["status"] == "SUCCEEDED", job
        dataset = server.dataset("p", "train")
        assert dataset["status"] == "CREATE_COMPLETE", dataset
        assert dataset["stats"]["total_entries"] == IMAGES
    finally:
        server.stop()


def test_a_worker_killed_twice_mid_import_fails_it_with_the_reason(tmp_path):
    photos = tmp_path / "photos"
    noisy_jpegs(photos, IMAGES)
    data = tmp_path / "data"
    server = Server(data, "--no-embedded-worker")
    worker = Worker(data)
    try:
        job_id = _start_import(server, photos)
        wait_for(lambda: 0 < server.job(job_id)["done"] < IMAGES, 30, "no progress")
        worker.kill()
        assert server.job(job_id)["status"] == "RUNNING"  # until a worker finds it dead
        # The next worker resumes it (imports are idempotent); killed again, it fails.
        worker = Worker(data)
        lock = data / "running-jobs" / f"{job_id}.lock"

        def resumed() -> bool:
            job = server.job(job_id)
            return job["message"].startswith("resumed") and job["status"] == "RUNNING"

        wait_for(lambda: resumed() and lock.exists(), 30, "not resumed")
        dataset = server.dataset("p", "train")
        assert dataset["status"] == "CREATE_IN_PROGRESS", dataset
        assert "resumed" in dataset["status_message"]
        worker.kill()
        worker = Worker(data)
        wait_for(lambda: server.job(job_id)["status"] == "FAILED", 30, "not failed")
        job = server.job(job_id)
        assert "the worker running it stopped (killed or crashed)" in job["message"]
        dataset = server.dataset("p", "train")
        assert dataset["status"] == "CREATE_FAILED", dataset
        assert "stopped (killed or crashed)" in dataset["status_message"]
        assert server.client.delete("/projects/p/datasets/train").status_code == 204
    finally:
        worker.stop()
        server.stop()


def _files(paths: list[Path]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.name, p.read_bytes(), "image/jpeg")) for p in paths]


def test_a_server_killed_mid_upload_leaves_it_failed_and_resumable(tmp_path):
    photos = noisy_jpegs(tmp_path / "photos", 900)
    data = tmp_path / "data"
    # The rest goes in one request, long enough to be killed under: allow that many files.
    server = Server(data, max_upload_files="1000")
    try:
        assert server.client.post("/projects", json={"name": "p"}).status_code == 201
        opened = server.client.post("/projects/p/datasets/train/upload-sessions")
        assert opened.status_code == 201, opened.text
        session = opened.json()["id"]
        first = server.client.post(
            "/projects/p/datasets/train/uploads",
            files=_files(photos[:16]),
            data={"session": str(session)},
        )
        assert first.status_code == 200, first.text
        assert server.dataset("p", "train")["status"] == "CREATE_IN_PROGRESS"

        # The rest in one request; the server dies while it stores them.
        def send_rest() -> None:
            with contextlib.suppress(httpx.TransportError):  # the server dies under it
                server.client.post(
                    "/projects/p/datasets/train/uploads",
                    files=_files(photos[16:]),
                    data={"session": str(session)},
                )

        sender = threading.Thread(target=send_rest)
        sender.start()
        locks = data / "running-jobs"
        wait_for(
            lambda: any(p.name.startswith(f"{session}.") for p in locks.glob("*.lock")),
            30,
            "the second request never started storing",
        )
        server.kill()
        sender.join()

        server = Server(data, max_upload_files="1000")
        job = server.job(session)
        assert job["status"] == "FAILED", job
        assert "stopped (killed or crashed)" in job["message"]
        dataset = server.dataset("p", "train")
        assert dataset["status"] == "CREATE_FAILED", dataset
        assert "successfully" not in dataset["status_message"]
        assert dataset["stats"]["total_entries"] < len(photos)
        # A finished session is refused more files; a new one resumes the creation.
        late = server.client.post(
            "/projects/p/datasets/train/uploads",
            files=_files(photos[:1]),
            data={"session": str(session)},
        )
        assert late.status_code == 409, late.text
        again = server.client.post("/projects/p/datasets/train/upload-sessions").json()["id"]
        assert server.dataset("p", "train")["status"] == "CREATE_IN_PROGRESS"
        sent = server.client.post(
            "/projects/p/datasets/train/uploads",
            files=_files(photos[:32]),
            data={"session": str(again)},
        )
        assert sent.status_code == 200, sent.text
        finished = server.client.post(f"/projects/p/datasets/train/upload-sessions/{again}/finish")
        assert finished.json()["status"] == "SUCCEEDED", finished.text
        assert server.dataset("p", "train")["status"] == "CREATE_COMPLETE"
        assert server.client.delete("/projects/p/datasets/train").status_code == 204
    finally:
        server.stop()


def test_an_upload_the_client_abandons_fails_when_its_idle_time_runs_out(tmp_path):
    photos = noisy_jpegs(tmp_path / "photos", 4)
    server = Server(tmp_path / "data", upload_idle_s="1")
    try:
        assert server.client.post("/projects", json={"name": "p"}).status_code == 201
        session = server.client.post("/projects/p/datasets/train/upload-sessions").json()["id"]
        sent = server.client.post(
            "/projects/p/datasets/train/uploads",
            files=_files(photos),
            data={"session": str(session)},
        )
        assert sent.status_code == 200, sent.text
        wait_for(lambda: server.job(session)["status"] == "FAILED", 10, "still open")
        assert "never finished the upload" in server.job(session)["message"]
        assert server.dataset("p", "train")["status"] == "CREATE_FAILED"
        assert server.client.delete("/projects/p/datasets/train").status_code == 204
    finally:
        server.stop()
