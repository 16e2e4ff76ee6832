"""Who may call which route: one rule per method and path, read by ``api/auth.py``.

A route without a rule here is refused to everyone (tests/api/test_route_rules.py walks
the app's OpenAPI schema, so a route added without a rule fails that test).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from customlabels.services.roles import Role


class Scope(StrEnum):
    PUBLIC = "public"  # no credentials needed
    SERVER = "server"  # the user's server-wide role
    PROJECT = "project"  # the user's role on the project named in the path
    JOB = "job"  # the user's role on the job's project
    SELF = "self"  # the user named in the path, or an admin


@dataclass(frozen=True)
class Rule:
    scope: Scope
    role: Role = Role.VIEWER


PUBLIC = Rule(Scope.PUBLIC)
SIGNED_IN = Rule(Scope.SERVER, Role.VIEWER)
READ = Rule(Scope.PROJECT, Role.VIEWER)
ANNOTATE = Rule(Scope.PROJECT, Role.ANNOTATOR)
EDIT = Rule(Scope.PROJECT, Role.EDITOR)
ADMIN = Rule(Scope.SERVER, Role.ADMIN)

P = "/projects/{project}"
D = P + "/datasets/{dataset_type}"
E = D + "/entries"
V = P + "/versions/{version}"

# Paths as routers declare them (without the /api/v1 prefix).
RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): PUBLIC,
    ("POST", "/session"): PUBLIC,  # signing in
    ("GET", "/session"): SIGNED_IN,
    ("DELETE", "/session"): SIGNED_IN,
    ("PUT", "/session/password"): SIGNED_IN,
    # Lists show only the projects the user holds a role on.
    ("GET", "/projects"): SIGNED_IN,
    ("GET", "/console/projects"): SIGNED_IN,
    ("GET", "/console/settings"): SIGNED_IN,
    # Content-addressed: a thumbnail is found only by the hash of its image.
    ("GET", "/assets/{sha256}/thumbnail"): SIGNED_IN,
    ("POST", "/projects"): Rule(Scope.SERVER, Role.EDITOR),
    ("GET", P): READ,
    ("GET", P + "/health"): READ,
    ("DELETE", P): EDIT,
    ("GET", P + "/members"): EDIT,
    ("PATCH", P + "/members"): ADMIN,
    ("PUT", P + "/members/{user}"): ADMIN,
    ("DELETE", P + "/members/{user}"): ADMIN,
    ("GET", P + "/labels"): READ,
    ("POST", P + "/labels"): EDIT,
    ("PUT", P + "/labels/order"): EDIT,
    ("PATCH", P + "/labels/{name}"): EDIT,
    ("DELETE", P + "/labels/{name}"): EDIT,
    ("GET", P + "/labels/{name}/usage"): READ,
    ("POST", P + "/labels/{name}/merge"): EDIT,
    ("GET", P + "/jobs"): READ,
    ("GET", "/jobs/{job_id}"): Rule(Scope.JOB, Role.VIEWER),
    ("POST", P + "/distribute"): EDIT,
    ("GET", D): READ,
    ("POST", D): EDIT,
    ("DELETE", D): EDIT,
    ("GET", D + "/labels"): READ,
    ("POST", D + "/updates"): EDIT,
    ("POST", D + "/sync"): EDIT,
    ("POST", D + "/uploads"): EDIT,
    ("POST", D + "/upload-sessions"): EDIT,
    ("POST", D + "/upload-sessions/{session}/finish"): EDIT,
    ("POST", D + "/exports"): EDIT,
    ("GET", D + "/export.zip"): READ,
    ("GET", D + "/entry-count"): READ,
    ("POST", D + "/bulk-changes"): ANNOTATE,
    ("POST", D + "/bulk-changes/revert"): ANNOTATE,
    ("GET", E): READ,
    ("GET", E + "/lines"): READ,
    ("POST", E + "/delete"): EDIT,
    ("POST", E + "/bulk-labels"): ANNOTATE,
    ("POST", E + "/accept-predictions"): ANNOTATE,
    ("GET", E + "/{entry_id}"): READ,
    ("PATCH", E + "/{entry_id}"): ANNOTATE,
    ("PUT", E + "/{entry_id}/boxes"): ANNOTATE,
    ("GET", E + "/{entry_id}/thumbnail"): READ,
    ("GET", E + "/{entry_id}/image"): READ,
    ("GET", E + "/{entry_id}/history"): READ,
    ("GET", P + "/versions"): READ,
    ("POST", P + "/versions"): EDIT,
    ("GET", V): READ,
    ("DELETE", V): EDIT,
    ("GET", V + "/test-results"): READ,
    ("GET", V + "/evaluation-summary"): READ,
    ("POST", V + "/start"): EDIT,
    ("POST", V + "/stop"): EDIT,
    ("POST", V + "/copy"): EDIT,  # and editor on the target project (checked by the route)
    ("POST", V + "/detect"): READ,
    ("GET", V + "/export"): READ,
    ("POST", V + "/prelabel"): EDIT,
    ("POST", "/storage/reclaim"): ADMIN,
    ("GET", "/users"): ADMIN,
    ("POST", "/users"): ADMIN,
    ("GET", "/users/{name}"): Rule(Scope.SELF),
    ("PATCH", "/users/{name}"): ADMIN,
    ("DELETE", "/users/{name}"): ADMIN,
    ("GET", "/users/{name}/keys"): Rule(Scope.SELF),
    ("POST", "/users/{name}/keys"): Rule(Scope.SELF),
    ("DELETE", "/users/{name}/keys/{access_key_id}"): Rule(Scope.SELF),
}


def rule_for(method: str, path: str) -> Rule | None:
    return RULES.get((method.upper(), path))
