"""Per-stage quality reports of ``ringkas quality --stage NAME``: name → module path."""

STAGES = {
    "segmentation": "ringkas.models.evaluation.segmentation",
    "language": "ringkas.models.evaluation.language",
}
