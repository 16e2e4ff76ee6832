"""Projects and their labels."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from customlabels.api.auth import CurrentPrincipal
from customlabels.api.deps import Ctx
from customlabels.api.schemas import (
    LabelCreate,
    LabelMerge,
    LabelOrder,
    LabelPublic,
    LabelUpdate,
    LabelUsagePublic,
    ProjectCreate,
    ProjectPage,
    ProjectPublic,
)
from customlabels.api.schemas_health import ProjectHealthPublic
from customlabels.services import health, label_order, labels, projects
from customlabels.services.project_access import visible_projects

router = APIRouter(tags=["projects"])


@router.get("/projects", response_model=ProjectPage)
def list_projects(ctx: Ctx, principal: CurrentPrincipal) -> ProjectPage:
    """The projects the caller holds a role on."""
    listed = projects.list_projects(ctx, visible_projects(principal))
    return ProjectPage(items=[ProjectPublic.of(p) for p in listed])


@router.post("/projects", response_model=ProjectPublic, status_code=status.HTTP_201_CREATED)
def create_project(body: ProjectCreate, ctx: Ctx) -> ProjectPublic:
    return ProjectPublic.of(projects.create_project(ctx, body.name))


@router.get("/projects/{project}", response_model=ProjectPublic)
def describe_project(project: str, ctx: Ctx) -> ProjectPublic:
    return ProjectPublic.of(projects.describe_project(ctx, project))


@router.delete("/projects/{project}", status_code=status.HTTP_204_NO_CONTENT)
def delete_project(project: str, ctx: Ctx) -> Response:
    projects.delete_project(ctx, project)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/projects/{project}/health", response_model=ProjectHealthPublic)
def project_health(project: str, ctx: Ctx) -> ProjectHealthPublic:
    """Dataset health: images and boxes per label in TRAIN and TEST, the labels a training
    would stop on, and how image sizes and boxes per image spread."""
    return ProjectHealthPublic.of(health.project_health(ctx, project))


@router.get("/projects/{project}/labels", response_model=list[LabelPublic])
def list_labels(project: str, ctx: Ctx) -> list[LabelPublic]:
    return [LabelPublic(name=x.name, color=x.color) for x in labels.list_labels(ctx, project)]


@router.post(
    "/projects/{project}/labels", response_model=LabelPublic, status_code=status.HTTP_201_CREATED
)
def create_label(project: str, body: LabelCreate, ctx: Ctx) -> LabelPublic:
    info = labels.create_label(ctx, project, body.name, body.color)
    return LabelPublic(name=info.name, color=info.color)


@router.put("/projects/{project}/labels/order", response_model=list[LabelPublic])
def set_label_order(project: str, body: LabelOrder, ctx: Ctx) -> list[LabelPublic]:
    """Put the named labels first, in this order (the console's number keys 1, 2, …);
    labels not named follow in their own order. Returns every label in the new order."""
    label_order.set_label_order(ctx, project, body.names)
    return list_labels(project, ctx)


@router.patch("/projects/{project}/labels/{name}", response_model=LabelPublic)
def update_label(project: str, name: str, body: LabelUpdate, ctx: Ctx) -> LabelPublic:
    """Rename and/or recolour a label: both changes or neither (400 leaves it as it was)."""
    info = labels.update_label(ctx, project, name, new_name=body.name, color=body.color)
    return LabelPublic(name=info.name, color=info.color)


@router.get("/projects/{project}/labels/{name}/usage", response_model=LabelUsagePublic)
def label_usage(project: str, name: str, ctx: Ctx) -> LabelUsagePublic:
    """How many image-level labels and boxes a delete or merge of this label changes."""
    usage = labels.label_usage(ctx, project, name)
    return LabelUsagePublic(**usage.__dict__)


@router.post("/projects/{project}/labels/{name}/merge", response_model=LabelUsagePublic)
def merge_label(project: str, name: str, body: LabelMerge, ctx: Ctx) -> LabelUsagePublic:
    """Merge this label into ``into``; returns the target's usage afterwards."""
    return LabelUsagePublic(**labels.merge_labels(ctx, project, name, body.into).__dict__)


@router.delete("/projects/{project}/labels/{name}", response_model=LabelUsagePublic)
def delete_label(project: str, name: str, ctx: Ctx) -> LabelUsagePublic:
    """Delete a label and its uses; returns what was removed."""
    return LabelUsagePublic(**labels.delete_label(ctx, project, name).__dict__)
