"""The quality harness: score a translation model and a summarizer on development data.

Translation: chrF and BLEU (``sacrebleu``, default settings: chrF character 6-grams
β=2, BLEU 13a tokenisation), plus the number-fidelity rate (the share of the source's
numbers that the translation keeps, ``models.numbers``), on line-aligned files such as
FLORES-200 dev. Each line goes through Ringkas's own sentence path (protected spans, the
loop guard), so the score is the service's, not the bare model's.

Briefs: ROUGE-1/2/L F1 (``rouge-score``) against human summaries, with a lead-3 baseline
and the extractive brief (lead sentences to the word budget). IndoSum's summaries are
Indonesian, so the English brief is translated back to Indonesian (en→id) before scoring,
and the baselines take their sentences from the Indonesian article itself.

With random-weight demo models the numbers are meaningless; the harness is not.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ringkas.models.boilerplate import clean_article
from ringkas.models.extractive import extractive_brief, lead_brief
from ringkas.models.loading import load_model
from ringkas.models.numbers import check_numbers, find_numbers
from ringkas.models.options import PipelineOptions
from ringkas.models.segment import split_paragraphs, split_sentences
from ringkas.models.summarizer import TransformersSummarizer, trim_brief


def translation_scores(
    hypotheses: Sequence[str],
    references: Sequence[str],
    sources: Sequence[str],
    source_lang: str,
    target_lang: str,
) -> dict[str, float]:
    """chrF, BLEU and number fidelity (all 0–100) of ``hypotheses`` against ``references``.

    Number fidelity is 100 × (numbers of the sources found in their hypotheses) / (numbers
    of the sources); 100 when the sources hold no number.
    """
    import sacrebleu

    total = sum(len(find_numbers(s, source_lang)) for s in sources)
    missing = sum(
        len(check_numbers(s, h, source_lang, target_lang))
        for s, h in zip(sources, hypotheses, strict=True)
    )
    return {
        "chrf": round(sacrebleu.corpus_chrf(list(hypotheses), [list(references)]).score, 2),
        "bleu": round(sacrebleu.corpus_bleu(list(hypotheses), [list(references)]).score, 2),
        "number_fidelity": round(100.0 * (total - missing) / total, 2) if total else 100.0,
        "numbers": total,
    }


def rouge_scores(predictions: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Mean ROUGE-1, ROUGE-2 and ROUGE-L F1 (0–100), without stemming (the Porter
    stemmer is English-only)."""
    from rouge_score import rouge_scorer

    kinds = ("rouge1", "rouge2", "rougeL")
    scorer = rouge_scorer.RougeScorer(list(kinds), use_stemmer=False)
    sums = dict.fromkeys(kinds, 0.0)
    for prediction, reference in zip(predictions, references, strict=True):
        scores = scorer.score(reference, prediction)
        for kind in kinds:
            sums[kind] += scores[kind].fmeasure
    count = max(len(predictions), 1)
    return {kind: round(100.0 * value / count, 2) for kind, value in sums.items()}


def evaluate_translation(
    source_file: Path,
    reference_file: Path,
    source_lang: str,
    options: PipelineOptions,
    limit: int | None = None,
) -> dict[str, Any]:
    """Translates the first ``limit`` lines of ``source_file`` and scores them."""
    from ringkas.models.pipeline import target_of, translate_sentences, translator_for

    sources = source_file.read_text(encoding="utf-8").splitlines()[:limit]
    references = reference_file.read_text(encoding="utf-8").splitlines()[:limit]
    if len(sources) != len(references):
        raise ValueError(f"{source_file} and {reference_file} have different line counts")
    target_lang = target_of(source_lang)
    translator = translator_for(source_lang, target_lang, options)
    details = translate_sentences(translator, sources, source_lang, options)
    hypotheses = [d.translation for d in details]
    return {
        "task": f"translate:{source_lang}-{target_lang}",
        "model": translator.model_id,
        "demo_model": translator.is_demo,
        "data": str(source_file),
        "lines": len(sources),
        **translation_scores(hypotheses, references, sources, source_lang, target_lang),
    }


def evaluate_briefs(
    news_file: Path, options: PipelineOptions, limit: int | None = None
) -> dict[str, Any]:
    """Scores the brief (abstractive, back-translated to Indonesian), lead-3 and the
    extractive brief against the human summaries of a ``news-dev.jsonl``-shaped file."""
    from ringkas.models.pipeline import translate_sentences, translator_for

    lines = news_file.read_text(encoding="utf-8").splitlines()
    articles = [json.loads(line) for line in lines if line.strip()][:limit]
    to_en = translator_for("id", "en", options)
    to_id = translator_for("en", "id", options)
    brief = options.brief
    summarizer = TransformersSummarizer(load_model("brief:en", options.models), brief)
    briefs: list[str] = []
    leads: list[str] = []
    extractive: list[str] = []
    for article in articles:
        body = clean_article(article["text"], article.get("title")).body
        sentences = [split_sentences(p, "id") for p in split_paragraphs(body)]
        flat = [s for para in sentences for s in para]
        english = iter(translate_sentences(to_en, flat, "id", options))
        text_en = "\n".join(" ".join(next(english).translation for _ in p) for p in sentences)
        brief_en = trim_brief(summarizer.summarize(text_en), brief.max_sentences, 10**6)
        back = translate_sentences(to_id, split_sentences(brief_en, "en") or [""], "en", options)
        briefs.append(" ".join(d.translation for d in back))
        leads.append(lead_brief(body, 3, "id"))
        extractive.append(extractive_brief(body, 3, "id"))
    references = [a["summary"] for a in articles]
    return {
        "task": "brief",
        "models": {
            "brief": summarizer.model_id,
            "translate:id-en": to_en.model_id,
            "translate:en-id": to_id.model_id,
        },
        "demo_model": summarizer.is_demo or to_en.is_demo or to_id.is_demo,
        "data": str(news_file),
        "articles": len(articles),
        "systems": {
            "brief (id→en, summarize, en→id)": rouge_scores(briefs, references),
            "extractive lead (id)": rouge_scores(extractive, references),
            "lead-3 (id)": rouge_scores(leads, references),
        },
    }


def format_report(report: dict[str, Any]) -> str:
    """The report as two Markdown tables."""
    lines = [
        "| task | model | data | n | chrF | BLEU | number fidelity % |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in report.get("translation", []):
        demo = " (demo)" if t["demo_model"] else ""
        lines.append(
            f"| {t['task']} | {Path(t['model']).name}{demo} | {Path(t['data']).name} | "
            f"{t['lines']} | {t['chrf']:.2f} | {t['bleu']:.2f} | {t['number_fidelity']:.2f} |"
        )
    briefs = report.get("brief")
    if briefs:
        demo = " (demo models)" if briefs["demo_model"] else ""
        lines += [
            "",
            f"Briefs on {Path(briefs['data']).name}, {briefs['articles']} articles{demo}:",
            "",
            "| system | ROUGE-1 | ROUGE-2 | ROUGE-L |",
            "|---|---|---|---|",
        ]
        for name, s in briefs["systems"].items():
            lines.append(f"| {name} | {s['rouge1']:.2f} | {s['rouge2']:.2f} | {s['rougeL']:.2f} |")
    return "\n".join(lines)
