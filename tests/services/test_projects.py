"""Projects: names, uniqueness, deletion with everything in it, refusal while a job runs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from customlabels.db.tables import Job, utcnow
from customlabels.errors import (
    AlreadyExists,
    DatasetNotFound,
    InvalidInput,
    ProjectNotFound,
    ResourceInUse,
)
from customlabels.services import datasets, jobs, labels, projects

from .builders import all_entries, project_with

BAD_NAMES = ["", "has space", "slash/name", "ümlaut", "semi;colon", "quote'", "x" * 256]


def test_a_project_name_outside_the_allowed_characters_or_length_is_refused(ctx):
    for name in BAD_NAMES:
        with pytest.raises(InvalidInput, match="invalid project name"):
            projects.create_project(ctx, name)
    assert projects.list_projects(ctx) == []


def test_a_project_name_of_letters_digits_dot_dash_underscore_up_to_255_is_accepted(ctx):
    for name in ["a", "My_Project.v2-final", "x" * 255]:
        assert projects.create_project(ctx, name).name == name
        assert projects.describe_project(ctx, name).name == name


def test_a_second_project_with_the_same_name_is_refused(ctx):
    projects.create_project(ctx, "pets")
    with pytest.raises(AlreadyExists, match="pets"):
        projects.create_project(ctx, "pets")
    assert [p.name for p in projects.list_projects(ctx)] == ["pets"]


def test_project_names_are_case_sensitive(ctx):
    projects.create_project(ctx, "pets")
    projects.create_project(ctx, "Pets")
    assert sorted(p.name for p in projects.list_projects(ctx)) == ["Pets", "pets"]


def test_describing_a_missing_project_says_it_is_not_found(ctx):
    with pytest.raises(ProjectNotFound, match="nope"):
        projects.describe_project(ctx, "nope")


def test_deleting_a_project_removes_its_datasets_entries_and_labels(ctx):
    project_with(ctx, ["cat/a.jpg", "dog/b.jpg"])
    datasets.create_empty_dataset(ctx, "pets", "test")
    projects.create_project(ctx, "other")
    project_with(ctx, ["bird/c.jpg"], name="kept")

    projects.delete_project(ctx, "pets")

    assert sorted(p.name for p in projects.list_projects(ctx)) == ["kept", "other"]
    with pytest.raises(ProjectNotFound):
        datasets.describe_dataset(ctx, "pets", "train")
    # a project of the same name starts empty: nothing of the old one is left behind
    projects.create_project(ctx, "pets")
    assert projects.describe_project(ctx, "pets").datasets == []
    assert labels.list_labels(ctx, "pets") == []
    with pytest.raises(DatasetNotFound):
        datasets.describe_dataset(ctx, "pets", "train")
    # other projects are untouched
    assert [e.labels for e in all_entries(ctx, "kept")] == [["bird"]]


def test_deleting_a_missing_project_says_it_is_not_found(ctx):
    with pytest.raises(ProjectNotFound):
        projects.delete_project(ctx, "ghost")


def _job(ctx, project: str) -> int:
    with ctx.db.write() as session:
        project_id = projects.get_project(session, project).id
        return jobs.create_job(
            session, "dataset.create", {}, title="Create TRAIN", project_id=project_id
        ).id


def test_deleting_a_project_is_refused_while_a_job_is_queued_on_it(ctx):
    projects.create_project(ctx, "pets")
    job_id = _job(ctx, "pets")
    with pytest.raises(ResourceInUse, match=f"id {job_id}") as info:
        projects.delete_project(ctx, "pets")
    assert info.value.details == {"job_ids": [job_id]}
    assert [p.name for p in projects.list_projects(ctx)] == ["pets"]


def test_deleting_a_project_is_refused_while_a_job_runs_with_a_fresh_heartbeat(ctx):
    projects.create_project(ctx, "pets")
    job_id = _job(ctx, "pets")
    jobs.mark_running(ctx, job_id)
    with pytest.raises(ResourceInUse, match="wait for it to finish"):
        projects.delete_project(ctx, "pets")
    assert [p.name for p in projects.list_projects(ctx)] == ["pets"]


def test_a_finished_job_no_longer_blocks_deleting_its_project(ctx):
    projects.create_project(ctx, "pets")
    job_id = _job(ctx, "pets")
    jobs.mark_running(ctx, job_id)
    jobs.mark_finished(ctx, job_id, ok=True, message="done")
    projects.delete_project(ctx, "pets")
    assert projects.list_projects(ctx) == []
    # the job's record outlives the project
    assert jobs.get_job(ctx, job_id).status == "SUCCEEDED"


def test_a_running_job_whose_heartbeat_went_stale_no_longer_blocks_deleting(ctx):
    projects.create_project(ctx, "pets")
    job_id = _job(ctx, "pets")
    jobs.mark_running(ctx, job_id)
    with ctx.db.write() as session:  # the worker was killed long ago
        session.get(Job, job_id).heartbeat_at = utcnow() - jobs.STALE_AFTER - timedelta(seconds=5)
    projects.delete_project(ctx, "pets")
    assert projects.list_projects(ctx) == []


def test_a_job_on_another_project_does_not_block_deleting(ctx):
    projects.create_project(ctx, "pets")
    projects.create_project(ctx, "busy")
    _job(ctx, "busy")
    projects.delete_project(ctx, "pets")
    assert [p.name for p in projects.list_projects(ctx)] == ["busy"]
