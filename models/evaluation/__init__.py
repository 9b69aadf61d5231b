"""Per-stage quality reports of ``ringkas quality``: stage name → module with ``run`` and
``format_report``."""

STAGES = {"briefs": "ringkas.models.evaluation.briefs"}
