"""Per-stage quality reports on real data (``ringkas quality --stage NAME``).

Each stage is a module exposing ``run(path: Path, limit: int | None = None) -> dict`` (a
JSON-able report on the data at ``path``: an aligned text file or a JSONL of articles) and
``format_report(report: dict) -> str`` (the report as a table), and optionally
``DEFAULT_DATA``: file names in the shared data folder used when no ``--data`` is given.
"""

STAGES = {
    "segmentation": "ringkas.models.evaluation.segmentation",
    "language": "ringkas.models.evaluation.language",
    "numbers": "ringkas.models.evaluation.numbers",
    "boilerplate": "ringkas.models.evaluation.boilerplate",
    "briefs": "ringkas.models.evaluation.briefs",
    "adequacy": "ringkas.models.evaluation.adequacy",
}
