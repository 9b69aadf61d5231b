"""The page and /metrics of an in-process app; JSON log lines."""

from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient

from ringkas.logs import JsonFormatter


def test_the_page_and_its_assets_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="/static/app.js"' in page.text
    for asset in ("/static/app.js", "/static/style.css"):
        assert client.get(asset).status_code == 200


def test_metrics_are_prometheus_text(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    for name in ("ringkas_jobs_submitted_total", "ringkas_queue_depth", "ringkas_workers"):
        assert name in response.text


def test_json_log_lines_carry_the_ids() -> None:
    record = logging.makeLogRecord(
        {
            "name": "ringkas.worker",
            "levelname": "INFO",
            "msg": "article %s finished",
            "args": (3,),
            "job_id": "abc",
            "article": 3,
        }
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "article 3 finished"
    assert (line["job_id"], line["article"], line["logger"]) == ("abc", 3, "ringkas.worker")
