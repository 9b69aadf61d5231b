"""Every bad request the API must refuse, with the exact status and message it answers.

Shared by the in-process API tests (tests/service) and the end-to-end tests (tests/e2e),
which send the same requests to a real server. Limits come from the settings the server
runs with, so the expected messages follow them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ringkas.settings import Settings


@dataclass(frozen=True)
class BadRequest:
    name: str
    method: str
    path: str
    body: str | bytes | None  # raw, so malformed JSON (or not even UTF-8) can be sent as is
    status: int
    code: str
    detail: str


def _job(articles: list[dict[str, Any]], **extra: Any) -> str:
    return json.dumps({"articles": articles, **extra})


def bad_requests(settings: Settings) -> list[BadRequest]:
    too_long = "a" * (settings.max_article_chars + 1)
    too_many = [{"text": "Halo."}] * (settings.max_articles_per_job + 1)
    sync_too_long = "a" * (settings.max_sync_chars + 1)
    jobs, translate = "/v1/jobs", "/v1/translate"
    zero_width = "\u200b\u200c\u200d\u2060\u00ad"  # format characters only: nothing to read
    deep = "[" * 100_000 + "]" * 100_000
    return [
        BadRequest(
            "empty text",
            "POST",
            jobs,
            _job([{"text": ""}]),
            422,
            "invalid_request",
            "articles[0].text: text is empty or whitespace only",
        ),
        BadRequest(
            "whitespace-only text",
            "POST",
            jobs,
            _job([{"text": "Halo."}, {"text": " \n\t "}]),
            422,
            "invalid_request",
            "articles[1].text: text is empty or whitespace only",
        ),
        BadRequest(
            "zero-width-only text",
            "POST",
            jobs,
            _job([{"text": zero_width}]),
            422,
            "invalid_request",
            "articles[0].text: text is empty or whitespace only",
        ),
        BadRequest(
            "unknown language",
            "POST",
            jobs,
            _job([{"text": "Bonjour.", "source_lang": "fr"}]),
            422,
            "invalid_request",
            "articles[0].source_lang: Input should be 'id' or 'en', got 'fr'",
        ),
        BadRequest(
            "text over the limit",
            "POST",
            jobs,
            _job([{"text": too_long}]),
            422,
            "invalid_request",
            f"articles[0].text: text is {len(too_long)} characters; "
            f"the limit is {settings.max_article_chars}",
        ),
        BadRequest(
            "too many articles",
            "POST",
            jobs,
            _job(too_many),
            422,
            "invalid_request",
            f"articles: a job takes at most {settings.max_articles_per_job} articles; "
            f"got {len(too_many)}",
        ),
        BadRequest(
            "zero articles",
            "POST",
            jobs,
            _job([]),
            422,
            "invalid_request",
            "articles: List should have at least 1 item after validation, not 0",
        ),
        BadRequest(
            "no articles field",
            "POST",
            jobs,
            json.dumps({"tasks": ["brief"]}),
            422,
            "invalid_request",
            "articles: Field required",
        ),
        BadRequest(
            "malformed JSON",
            "POST",
            jobs,
            '{"articles": [{"text": "Halo."}',
            400,
            "malformed_json",
            "request body is not valid JSON: Expecting ',' delimiter (at character 31)",
        ),
        BadRequest(
            "body not UTF-8",
            "POST",
            jobs,
            b'{"articles": [{"text": "Harga \xff naik."}]}',
            400,
            "malformed_json",
            "request body is not valid JSON: it is not UTF-8 (byte 0xff cannot be decoded) "
            "(at character 30)",
        ),
        BadRequest(
            "body nested too deeply",
            "POST",
            jobs,
            '{"articles": ' + deep + "}",
            400,
            "malformed_json",
            "request body is not valid JSON: it is nested too deeply",
        ),
        BadRequest(
            "number with too many digits",
            "POST",
            jobs,
            '{"articles": [{"text": "Halo."}], "tasks": 1' + "0" * 5_000 + "}",
            400,
            "malformed_json",
            "request body is not valid JSON: a number has more digits than the parser "
            "accepts (4300)",
        ),
        BadRequest(
            "NaN is not JSON",
            "POST",
            jobs,
            '{"articles": [{"text": "Halo."}], "tasks": NaN}',
            400,
            "malformed_json",
            "request body is not valid JSON: NaN is not a JSON value",
        ),
        BadRequest(
            "unknown task",
            "POST",
            jobs,
            _job([{"text": "Halo."}], tasks=["summarize"]),
            422,
            "invalid_request",
            "tasks[0]: Input should be 'translate', 'brief', 'brief_id' or 'adequacy', "
            "got 'summarize'",
        ),
        BadRequest(
            "adequacy without translate",
            "POST",
            jobs,
            _job([{"text": "Halo."}], tasks=["brief", "adequacy"]),
            422,
            "invalid_request",
            "tasks: the adequacy task checks the translation: ask for translate too",
        ),
        BadRequest(
            "adequacy not a boolean",
            "POST",
            translate,
            json.dumps({"text": "Halo.", "adequacy": "often"}),
            422,
            "invalid_request",
            "adequacy: Input should be a valid boolean, unable to interpret input",
        ),
        BadRequest(
            "duplicate task",
            "POST",
            jobs,
            _job([{"text": "Halo."}], tasks=["brief", "brief"]),
            422,
            "invalid_request",
            "tasks: each task may be listed only once",
        ),
        BadRequest(
            "no task",
            "POST",
            jobs,
            _job([{"text": "Halo."}], tasks=[]),
            422,
            "invalid_request",
            "tasks: List should have at least 1 item after validation, not 0",
        ),
        BadRequest(
            "misspelt field",
            "POST",
            jobs,
            _job([{"text": "Halo.", "lang": "id"}]),
            422,
            "invalid_request",
            "articles[0].lang: Extra inputs are not permitted",
        ),
        BadRequest(
            "unknown job id",
            "GET",
            "/v1/jobs/xyz",
            None,
            404,
            "job_not_found",
            "job 'xyz' not found",
        ),
        BadRequest(
            "wait too long",
            "GET",
            "/v1/jobs/xyz?wait=61",
            None,
            422,
            "invalid_request",
            "query.wait: Input should be less than or equal to 60",
        ),
        BadRequest(
            "unknown job id, waited on",
            "GET",
            "/v1/jobs/xyz?wait=5",
            None,
            404,
            "job_not_found",
            "job 'xyz' not found",
        ),
        BadRequest(
            "sync: empty text",
            "POST",
            translate,
            json.dumps({"text": "   "}),
            422,
            "invalid_request",
            "text: text is empty or whitespace only",
        ),
        BadRequest(
            "sync: zero-width-only text",
            "POST",
            translate,
            json.dumps({"text": zero_width}),
            422,
            "invalid_request",
            "text: text is empty or whitespace only",
        ),
        BadRequest(
            "sync: body not UTF-8",
            "POST",
            translate,
            b'{"text": "\xc3\x28"}',
            400,
            "malformed_json",
            "request body is not valid JSON: it is not UTF-8 (byte 0xc3 cannot be decoded) "
            "(at character 10)",
        ),
        BadRequest(
            "sync: unknown language",
            "POST",
            translate,
            json.dumps({"text": "Hallo.", "source_lang": "de"}),
            422,
            "invalid_request",
            "source_lang: Input should be 'id' or 'en', got 'de'",
        ),
        BadRequest(
            "sync: text over the limit",
            "POST",
            translate,
            json.dumps({"text": sync_too_long}),
            422,
            "invalid_request",
            f"text: text is {len(sync_too_long)} characters; the limit is "
            f"{settings.max_sync_chars}; send longer texts as a job to POST /v1/jobs",
        ),
        BadRequest(
            "sync: malformed JSON",
            "POST",
            translate,
            "text=Halo",
            400,
            "malformed_json",
            "request body is not valid JSON: Expecting value (at character 0)",
        ),
    ]
