"""How an article's result is kept in a store: each text once, large results compressed.

A result as the model layer builds it (``ArticleResult.model_dump(mode="json")``) holds the
same texts up to three times: every sentence in ``sentences_detail``, again in its paragraph
(``paragraphs[].source`` / ``.translation``) and again in ``translation``; the title's
translation twice; every sentence's warnings twice. ``encode`` drops each view that can be
rebuilt exactly from the sentences, and ``decode`` rebuilds it, so a reader gets back the
very same dict. A view is dropped only when rebuilding it gives it back exactly (checked on
every encode); anything else, and every field added later, is kept as it is.

The encoded form is compact JSON (a dict with the ``"~"`` marker), compressed with zstd
when it is over ``COMPRESS_MIN_BYTES``. ``decode`` also reads results written before this
format (plain JSON of the whole result), so a store upgraded in place keeps its jobs.
"""

from __future__ import annotations

import json
from typing import Any

import zstandard

FORMAT_KEY = "~"  # marks a compact result; the value is the format version
FORMAT_VERSION = 1
# Below this, zstd's frame header is a good share of what it would save.
COMPRESS_MIN_BYTES = 256
# zstd level 9: on the bench's results 10% smaller than the default level 3, and still
# well under a millisecond per article (bench/result_store.py).
ZSTD_LEVEL = 9
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def encode(result: dict[str, Any]) -> bytes:
    """The stored form of ``result`` (the JSON dict of an ``ArticleResult``)."""
    compact = _compact(result)
    if _expand(compact) != result:  # a view that does not rebuild exactly: keep it whole
        compact = {FORMAT_KEY: FORMAT_VERSION, **result}
    data = json.dumps(compact, ensure_ascii=False, separators=(",", ":")).encode()
    if len(data) < COMPRESS_MIN_BYTES:
        return data
    return zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(data)


def decode(blob: bytes | str) -> dict[str, Any]:
    """The result ``encode`` was given (or a result stored as plain JSON before)."""
    data = blob.encode() if isinstance(blob, str) else blob
    if data[:4] == _ZSTD_MAGIC:
        data = zstandard.ZstdDecompressor().decompress(data)
    value: dict[str, Any] = json.loads(data)
    return _expand(value) if FORMAT_KEY in value else value


# --- the views and how each is rebuilt ---------------------------------------------------------


def _by_paragraph(sentences: list[dict[str, Any]], paragraphs: int) -> list[list[dict[str, Any]]]:
    grouped: list[list[dict[str, Any]]] = [[] for _ in range(paragraphs)]
    for sentence in sentences:
        index = sentence.get("paragraph")
        if isinstance(index, int) and 0 <= index < paragraphs:
            grouped[index].append(sentence)
    return grouped


def _paragraph_views(sentences: list[dict[str, Any]]) -> dict[str, str]:
    return {
        "source": " ".join(s["source"] for s in sentences),
        "translation": " ".join(s["translation"] for s in sentences),
    }


def _warnings(result: dict[str, Any]) -> list[str]:
    """The article's warnings as the pipeline lists them (models/pipeline.py)."""
    title = result.get("title_detail")
    warnings = [f"title: {w}" for w in title["warnings"]] if isinstance(title, dict) else []
    paragraphs = _by_paragraph(result["sentences_detail"], len(result["paragraphs"]))
    for p, sentences in enumerate(paragraphs, start=1):
        for s, sentence in enumerate(sentences, start=1):
            warnings += [f"paragraph {p}, sentence {s}: {w}" for w in sentence["warnings"]]
    return warnings


def _has_sentences(result: dict[str, Any]) -> bool:
    return isinstance(result.get("paragraphs"), list) and isinstance(
        result.get("sentences_detail"), list
    )


def _compact(result: dict[str, Any]) -> dict[str, Any]:
    out = {FORMAT_KEY: FORMAT_VERSION, **result}
    title = result.get("title_detail")
    if isinstance(title, dict):
        title_out = dict(title)
        if title.get("source") == result.get("title"):
            del title_out["source"]
        out["title_detail"] = title_out
        if result.get("title_translation") == title.get("translation"):
            del out["title_translation"]
    if not _has_sentences(result):
        return out
    sentences = _by_paragraph(result["sentences_detail"], len(result["paragraphs"]))
    paragraphs = []
    for paragraph, mine in zip(result["paragraphs"], sentences, strict=True):
        rebuilt = _paragraph_views(mine)
        paragraphs.append({k: v for k, v in paragraph.items() if rebuilt.get(k, ...) != v})
    out["paragraphs"] = paragraphs
    if result.get("translation") == "\n\n".join(p["translation"] for p in result["paragraphs"]):
        del out["translation"]
    if result.get("warnings") == _warnings(result):
        del out["warnings"]
    return out


def _expand(compact: dict[str, Any]) -> dict[str, Any]:
    result = {k: v for k, v in compact.items() if k != FORMAT_KEY}
    title = result.get("title_detail")
    if isinstance(title, dict):
        result["title_detail"] = {"source": result.get("title"), **title}
        result.setdefault("title_translation", title.get("translation"))
    if not _has_sentences(result):
        return result
    sentences = _by_paragraph(result["sentences_detail"], len(result["paragraphs"]))
    result["paragraphs"] = [
        {**_paragraph_views(mine), **paragraph}
        for paragraph, mine in zip(result["paragraphs"], sentences, strict=True)
    ]
    result.setdefault("translation", "\n\n".join(p["translation"] for p in result["paragraphs"]))
    if "warnings" not in result:
        result["warnings"] = _warnings(result)
    return result
