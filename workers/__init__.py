"""Celery workers that run the model layer."""
