"""The HTTP front end (FastAPI). Never imports torch: work goes to the Celery workers."""
