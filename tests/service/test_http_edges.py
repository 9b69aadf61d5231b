"""HTTP around the endpoints: security headers everywhere, HEAD wherever GET works, /docs
served from the package (no CDN)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

# Every kind of answer: the page, its assets, the docs, the API (2xx, 4xx), health, metrics.
PATHS = [
    "/",
    "/static/app.js",
    "/docs",
    "/openapi.json",
    "/healthz",
    "/readyz",
    "/metrics",
    "/v1/jobs/no-such-job",
    "/v2/nothing",
]


def job_path(client: TestClient) -> str:
    response = client.post("/v1/jobs", json={"articles": [{"text": "Halo dunia."}]})
    assert response.status_code == 202
    return str(response.json()["status_url"])


def assert_secured(headers: dict[str, str] | object, what: str) -> None:
    csp = headers["content-security-policy"]  # type: ignore[index]
    assert "frame-ancestors 'none'" in csp, what
    assert "default-src 'self'" in csp and "object-src 'none'" in csp, what
    assert headers["x-content-type-options"] == "nosniff", what  # type: ignore[index]
    assert headers["x-frame-options"] == "DENY", what  # type: ignore[index]


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    assert_secured(client.get(path).headers, path)


def test_api_answers_of_every_kind_carry_them(client: TestClient) -> None:
    accepted = client.post("/v1/jobs", json={"articles": [{"text": "Halo."}]})
    refused = client.post("/v1/jobs", json={"articles": []})
    malformed = client.post("/v1/jobs", content=b"{", headers={"content-type": "application/json"})
    polled = client.get(accepted.json()["status_url"])

    for response in (accepted, refused, malformed, polled):
        assert response.status_code in {200, 202, 400, 422}
        assert_secured(response.headers, f"{response.request.method} {response.request.url}")


@pytest.mark.parametrize("path", [*PATHS, "job"])
def test_head_answers_wherever_get_does(client: TestClient, path: str) -> None:
    path = job_path(client) if path == "job" else path
    got = client.get(path)

    head = client.head(path)

    assert head.status_code == got.status_code, path
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    if "content-length" in got.headers and path != "/metrics":  # metrics change between calls
        assert head.headers["content-length"] == got.headers["content-length"]
    assert_secured(head.headers, path)


def test_head_of_a_post_only_route_is_405(client: TestClient) -> None:
    # (/v1/jobs has GET too now: the listing)
    response = client.head("/v1/translate")

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_docs_come_from_the_package_not_a_cdn(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.text

    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert "<script>" not in html  # no inline script: the CSP allows only 'self'
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    assert any(a.endswith("swagger-ui.css") for a in assets), assets
    for asset in assets:
        response = client.get(asset if asset.startswith("/") else f"/{asset}")
        assert response.status_code == 200, asset
    bundle = next(a for a in assets if a.endswith("swagger-ui-bundle.js"))
    assert "SwaggerUIBundle" in client.get(bundle).text
    assert client.get("/redoc").status_code == 404  # ReDoc would load from a CDN: not served
