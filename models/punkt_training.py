"""Builds ``models/punkt_id.json``: NLTK Punkt parameters trained on Indonesian news.

Run ``python -m ringkas.models.punkt_training`` (it reads ``../shared/data``). The training
text is the 70 IndoSum development articles (``news-dev.jsonl``, ``news-dev-more.jsonl``) and
the seeds: news text, never the FLORES sentences the segmentation stage is measured on
(``models.evaluation.segmentation``), so the FLORES figures are not fitted to.

NLTK's ``PunktTrainer`` learns, without labels, which words ending in a full stop are
abbreviations, which word pairs across a full stop are collocations, which words start
sentences, and in which case each word appears where (the orthographic context that decides
whether a capital after a full stop starts a sentence). The output is sorted JSON, so the
same text always builds the same file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nltk.tokenize.punkt import PunktParameters, PunktTrainer

MODELS_DIR = Path(__file__).resolve().parent
ROOT = MODELS_DIR.parent
PARAMS_FILE = MODELS_DIR / "punkt_id.json"
NEWS_FILES = ("news-dev.jsonl", "news-dev-more.jsonl")


def training_text(data_dir: Path, seeds_dir: Path) -> str:
    """The articles' bodies and the seeds, one blank line between texts."""
    texts: list[str] = []
    for name in NEWS_FILES:
        for line in (data_dir / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    texts += [path.read_text(encoding="utf-8") for path in sorted(seeds_dir.glob("*.txt"))]
    return "\n\n".join(texts)


def train(text: str) -> PunktParameters:
    """Punkt parameters learned from ``text``."""
    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = True  # short training text: keep every collocation seen
    trainer.train(text, finalize=True)
    return trainer.get_params()


def to_json(params: PunktParameters) -> dict[str, Any]:
    """``params`` as plain, sorted JSON values."""
    return {
        "abbrev_types": sorted(params.abbrev_types),
        "collocations": sorted([a, b] for a, b in params.collocations),
        "sent_starters": sorted(params.sent_starters),
        "ortho_context": dict(sorted(params.ortho_context.items())),
    }


def main() -> None:
    text = training_text(ROOT.parent / "shared" / "data", ROOT / "seeds")
    data = to_json(train(text))
    compact = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    PARAMS_FILE.write_text(compact + "\n", encoding="utf-8")
    print(
        f"{PARAMS_FILE}: {len(text):,} characters of training text, "
        f"{len(data['abbrev_types'])} abbreviations learned, {len(data['ortho_context'])} words"
    )


if __name__ == "__main__":
    main()
