"""The API documents itself: Swagger UI at /docs and the schema at /openapi.json."""

from __future__ import annotations

import re

import httpx
import pytest

ENTRY = "/api/v1/projects/{project}/datasets/{dataset_type}/entries/{entry_id}"
ROUTES = {
    "/api/v1/projects": {"get", "post"},
    "/api/v1/projects/{project}": {"get", "delete"},
    "/api/v1/projects/{project}/labels": {"get", "post"},
    "/api/v1/projects/{project}/datasets/{dataset_type}": {"get", "post", "delete"},
    "/api/v1/projects/{project}/datasets/{dataset_type}/entries": {"get"},
    "/api/v1/projects/{project}/datasets/{dataset_type}/entries/bulk-labels": {"post"},
    "/api/v1/projects/{project}/datasets/{dataset_type}/uploads": {"post"},
    ENTRY: {"get", "patch"},
    ENTRY + "/boxes": {"put"},
    ENTRY + "/thumbnail": {"get"},
    ENTRY + "/image": {"get"},
    "/api/v1/jobs/{job_id}": {"get"},
}


def test_openapi_json_lists_the_routes(served) -> None:
    schema = httpx.get(served.base_url + "/openapi.json", headers=served.headers).json()
    assert schema["info"]["title"] == "customlabels"
    for path, methods in ROUTES.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path


def test_docs_serve_the_interactive_reference(served) -> None:
    docs = httpx.get(served.base_url + "/docs", headers=served.headers)
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]
    assert "/openapi.json" in docs.text


def _asset_urls(html: str) -> list[str]:
    """Every script source and stylesheet/icon link of a page."""
    return re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_every_script_and_style_from_this_server(served, page: str) -> None:
    html = httpx.get(served.base_url + page, headers=served.headers).text
    urls = _asset_urls(html)
    assert urls, html
    assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "http" not in html.replace("http-equiv", "")  # no CDN, no web fonts
    kinds = set()
    for url in urls:
        asset = httpx.get(served.base_url + url)  # assets need no sign-in
        assert asset.status_code == 200, url
        media = asset.headers["content-type"].split(";")[0]
        kinds.add("javascript" if media.endswith("javascript") else media)
    assert {"javascript", "image/png"} <= kinds
    assert page == "/redoc" or "text/css" in kinds  # ReDoc styles itself from its script
