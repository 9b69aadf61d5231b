# One image for the API and the worker; docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# torch first, CPU build, so the project's dependencies do not pull a CUDA build.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

COPY pyproject.toml README.md ./
COPY models ./models
COPY service ./service
COPY workers ./workers
COPY ringkas ./ringkas
COPY seeds ./seeds
RUN pip install .

EXPOSE 8000
CMD ["uvicorn", "ringkas.service.app:app", "--host", "0.0.0.0", "--port", "8000"]
