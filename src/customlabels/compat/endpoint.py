"""``POST /``: the hosted service's JSON 1.1 protocol, as botocore's Rekognition client
sends it (``X-Amz-Target: RekognitionService.<Operation>``), signed with SigV4."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from customlabels.compat import sigv4
from customlabels.compat.errors import CompatError, access_denied, translate
from customlabels.compat.registry import CompatRequest, Operation, operations
from customlabels.error_base import CustomLabelsError
from customlabels.services import actor, api_keys
from customlabels.services.context import Context
from customlabels.services.principals import Principal
from customlabels.services.project_access import role_on_project_named
from customlabels.services.roles import Role, at_least

TARGET_PREFIX = "RekognitionService."
CONTENT_TYPE = "application/x-amz-json-1.1"
log = logging.getLogger("customlabels.compat")


def _answer(body: dict[str, Any], status: int, request_id: str) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type=CONTENT_TYPE,
        headers={"x-amzn-RequestId": request_id},
    )


def _error(exc: CompatError, request_id: str) -> Response:
    response = _answer(exc.body(), exc.status, request_id)
    response.headers["x-amzn-ErrorType"] = exc.type_name
    return response


def _max_body_bytes(ctx: Context) -> int:
    # DetectCustomLabels carries the image as base64 (4/3 of its size), plus the JSON around it.
    return ctx.settings.detect_max_image_bytes * 4 // 3 + 1024 * 1024


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise CompatError("ImageTooLargeException", f"the request is over {limit:,} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise CompatError("ImageTooLargeException", f"the request is over {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _authenticate(ctx: Context, request: Request, body: bytes) -> Principal:
    signed = sigv4.parse(request.headers.get("authorization"), request.headers.get("x-amz-date"))
    sigv4.check_time(signed)
    found = api_keys.secret_of(ctx, signed.access_key_id)
    if found is None:
        raise CompatError(
            "UnrecognizedClientException", "The security token included in the request is invalid."
        )
    principal, secret = found
    headers = {k.lower(): v for k, v in request.headers.items()}
    sigv4.verify(signed, secret, request.method, str(request.url), headers, body)
    # Shown beside the key in the console and the CLI, as for REST: unused keys can go.
    api_keys.note_key_used(ctx, signed.access_key_id)
    return principal


def _require(ctx: Context, principal: Principal, project: str | None, needed: Role) -> None:
    if project is None:
        allowed = at_least(principal.role, needed)
    else:
        role = role_on_project_named(ctx, principal, project)
        if role is None:  # as a missing project: a project's existence is not revealed
            raise CompatError("ResourceNotFoundException", f"no project {project!r}")
        allowed = at_least(role, needed)
    if not allowed:
        raise access_denied(f"{principal.name} may not do this: it needs the {needed} role")


def _authorize(ctx: Context, principal: Principal, op: Operation, params: dict[str, Any]) -> None:
    _require(ctx, principal, op.project_of(ctx, params) if op.project_of else None, op.role)
    source = op.reads_from(ctx, params) if op.reads_from else None
    if source is not None:
        _require(ctx, principal, source, Role.VIEWER)


def _run(req: CompatRequest, op: Operation, params: dict[str, Any]) -> dict[str, Any]:
    with actor.acting_as(req.principal.name):
        _authorize(req.ctx, req.principal, op, params)
        return op.handler(req, params)


def mount_compat(app: FastAPI) -> None:
    known = operations()

    @app.post("/", include_in_schema=False)
    async def compatible_api(request: Request) -> Response:
        ctx: Context = request.app.state.ctx
        request_id = str(uuid.uuid4())
        try:
            target = request.headers.get("x-amz-target", "")
            body = await _read_body(request, _max_body_bytes(ctx))
            principal = await run_in_threadpool(_authenticate, ctx, request, body)
            name = target.removeprefix(TARGET_PREFIX)
            op = known.get(name) if target.startswith(TARGET_PREFIX) else None
            if op is None:
                raise CompatError("UnknownOperationException", f"unknown operation {target!r}")
            try:
                params = orjson.loads(body) if body else {}
            except orjson.JSONDecodeError:
                raise CompatError("SerializationException", "the body is not JSON") from None
            if not isinstance(params, dict):
                raise CompatError("SerializationException", "the body is not a JSON object")
            req = CompatRequest(ctx, principal, request.app.state.queue)
            result = await run_in_threadpool(_run, req, op, params)
            return _answer(result, 200, request_id)
        except CompatError as exc:
            return _error(exc, request_id)
        except CustomLabelsError as exc:
            if exc.status >= 500:
                log.exception("compatible API request %s failed", request_id)
            return _error(translate(exc), request_id)
        except Exception:
            log.exception("compatible API request %s failed", request_id)
            return _error(
                CompatError("InternalServerError", "the server failed; its log says why", 500),
                request_id,
            )
