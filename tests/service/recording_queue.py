"""A stand-in for `service.queue.TaskQueue` in in-process API tests (the broker is the edge)."""

from __future__ import annotations

from typing import Any

from ringkas.models.result import BodySentence, TextResult


class RecordingQueue:
    """Stands in for `service.queue.TaskQueue`: records what would be sent."""

    def __init__(self) -> None:
        self.articles: list[tuple[str, int]] = []
        self.messages: list[tuple[str, list[int]]] = []
        self.translations: list[tuple[str, str | None, float]] = []
        self.glossaries: list[dict[str, str] | None] = []
        self.webhooks: list[tuple[str, str | None, str, str]] = []

    def enqueue_articles(self, job_id: str, indices: list[int]) -> None:
        self.messages.append((job_id, indices))
        self.articles += [(job_id, index) for index in indices]

    def send_webhook(self, job_id: str, owner: str | None, url: str, body: str) -> None:
        self.webhooks.append((job_id, owner, url, body))

    async def translate(
        self,
        text: str,
        source_lang: str | None,
        timeout_s: float,
        listener: object,
        glossary: dict[str, str] | None = None,
        adequacy: bool = False,
    ) -> dict[str, Any]:
        self.translations.append((text, source_lang, timeout_s))
        self.glossaries.append(glossary)
        lang = source_lang or "id"  # a worker detects the language; this stand-in says "id"
        # Shaped as a worker's answer is: a TextResult as JSON.
        return TextResult(
            source_lang=lang,
            target_lang="en" if lang == "id" else "id",
            translation=text.upper(),
            sentences=1,
            sentences_detail=[
                BodySentence(
                    paragraph=0,
                    source=text,
                    translation=text.upper(),
                    confidence=None,
                    warnings=[],
                )
            ],
            warnings=[],
            model="recorder",
            backend="transformers",
            demo_model=True,
            timing_s=0.0,
        ).model_dump(mode="json")

    def ping_workers(self, timeout_s: float = 1.0) -> list[str]:
        return ["recorder@test"]
