"""The briefs stage of ``ringkas quality``: the extractive brief against lead-3.

Both are scored with ROUGE-1/2/L F1 (``models.quality.rouge_scores``' settings: no
stemming) against IndoSum's human summaries, on the Indonesian article's cleaned body
(``models.boilerplate``), which is what a triage brief selects from. The difference
(extractive minus lead-3) comes with a paired bootstrap interval: articles are resampled
with replacement, both systems keep their scores on each resampled article, and the
2.5th-97.5th percentiles of the mean difference over the resamples bound it. An interval
above 0 means the extractive brief is better on these articles beyond resampling noise.

``path`` is a ``news-dev.jsonl``-shaped file (one JSON article a line with ``text``,
``summary`` and optionally ``title``) or a folder, whose ``news-dev*.jsonl`` files are
all read.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from ringkas.models.boilerplate import clean_article
from ringkas.models.extractive import DEFAULT_MAX_WORDS, extractive_brief, lead_brief

# The shared data folder itself: all its news-dev*.jsonl articles in one report (70), so the
# bootstrap interval is over all of them.
DEFAULT_DATA = ("",)
KINDS = ("rouge1", "rouge2", "rougeL")
RESAMPLES = 2000
SEED = 13
MAX_SENTENCES = 3


def run(path: Path, limit: int | None = None) -> dict[str, Any]:
    """Scores both systems on the articles of ``path`` (the first ``limit``)."""
    articles = load_articles(path)[:limit]
    if not articles:
        raise ValueError(f"no article in {path}")
    bodies = [clean_article(a["text"], a.get("title")).body for a in articles]
    references = [a["summary"] for a in articles]
    systems = {
        "extractive": [extractive_brief(b, MAX_SENTENCES, "id", DEFAULT_MAX_WORDS) for b in bodies],
        "lead-3": [lead_brief(b, 3, "id") for b in bodies],
    }
    per_article = {name: article_scores(briefs, references) for name, briefs in systems.items()}
    difference = {
        kind: paired_bootstrap(per_article["extractive"][kind], per_article["lead-3"][kind])
        for kind in KINDS
    }
    return {
        "stage": "briefs",
        "data": [str(p) for p in news_files(path)],
        "articles": len(articles),
        "max_words": DEFAULT_MAX_WORDS,
        "max_sentences": MAX_SENTENCES,
        "systems": {
            name: {kind: round(_mean(scores[kind]), 2) for kind in KINDS}
            for name, scores in per_article.items()
        },
        "mean_words": {
            name: round(_mean([float(len(b.split())) for b in briefs]), 1)
            for name, briefs in systems.items()
        },
        "extractive_minus_lead3": difference,
        "bootstrap": {"resamples": RESAMPLES, "seed": SEED, "interval": 0.95},
    }


def format_report(report: dict[str, Any]) -> str:
    """The report as a Markdown table: both systems, then the difference with its interval."""
    files = ", ".join(Path(p).name for p in report["data"])
    lines = [
        f"Briefs on {report['articles']} articles ({files}), {report['max_words']}-word budget:",
        "",
        "| system | ROUGE-1 | ROUGE-2 | ROUGE-L | mean words |",
        "|---|---|---|---|---|",
    ]
    for name, scores in report["systems"].items():
        cells = " | ".join(f"{scores[k]:.2f}" for k in KINDS)
        lines.append(f"| {name} | {cells} | {report['mean_words'][name]:.1f} |")
    cells = " | ".join(
        "{mean:+.2f} [{low:+.2f}, {high:+.2f}]".format(**report["extractive_minus_lead3"][k])
        for k in KINDS
    )
    lines.append(f"| extractive − lead-3 (95% paired bootstrap) | {cells} | |")
    return "\n".join(lines)


def news_files(path: Path) -> list[Path]:
    """The JSONL files ``path`` names: itself, or a folder's ``news-dev*.jsonl``."""
    return sorted(path.glob("news-dev*.jsonl")) if path.is_dir() else [path]


def load_articles(path: Path) -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = []
    for file in news_files(path):
        lines = file.read_text(encoding="utf-8").splitlines()
        articles += [json.loads(line) for line in lines if line.strip()]
    return articles


def article_scores(predictions: list[str], references: list[str]) -> dict[str, list[float]]:
    """Per article, ROUGE-1/2/L F1 (0-100)."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(KINDS), use_stemmer=False)
    scores: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for prediction, reference in zip(predictions, references, strict=True):
        result = scorer.score(reference, prediction)
        for kind in KINDS:
            scores[kind].append(100.0 * result[kind].fmeasure)
    return scores


def paired_bootstrap(a: list[float], b: list[float]) -> dict[str, float]:
    """Mean of ``a - b`` and its 95% paired bootstrap percentile interval."""
    differences = [x - y for x, y in zip(a, b, strict=True)]
    rng = random.Random(SEED)
    count = len(differences)
    means = sorted(
        _mean([differences[rng.randrange(count)] for _ in range(count)]) for _ in range(RESAMPLES)
    )
    return {
        "mean": round(_mean(differences), 2),
        "low": round(means[int(0.025 * RESAMPLES)], 2),
        "high": round(means[int(0.975 * RESAMPLES) - 1], 2),
    }


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


if __name__ == "__main__":  # until `ringkas quality --stage briefs` is merged in
    import sys

    print(format_report(run(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))))
