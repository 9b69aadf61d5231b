"""Ringkas's model layer: segmentation, batching, translation and briefs.

Framework-free: nothing here imports FastAPI or Celery. ``models.pipeline`` is the entry point
the workers, the batch script and the tests call.
"""
