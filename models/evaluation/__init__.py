"""Stages of the quality harness (``ringkas quality --stage NAME``): module per stage."""

STAGES = {"adequacy": "ringkas.models.evaluation.adequacy"}
