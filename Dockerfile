# stancewire: API (`stancewire serve`) and job workers (`stancewire worker`) from one image.
# Slim Debian Python; the spaCy model (a pip dependency) and the trained claim model
# (package data) are installed with the package, so the container needs no network.
# Not built on the development machine (no registry reachable there for the base image):
# tests/jobs/test_container.py checks that every command here and in compose.yaml exists.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LITELLM_LOCAL_MODEL_COST_MAP=True \
    STANCEWIRE_HOST=0.0.0.0 \
    STANCEWIRE_PORT=8000

WORKDIR /app
COPY pyproject.toml README.md ./
COPY api ./api
COPY schemas ./schemas
COPY prompts ./prompts
COPY evals ./evals
RUN pip install . \
    && python -c "import spacy; spacy.load('en_core_web_sm')" \
    && useradd --system --uid 10001 --no-create-home stancewire

USER stancewire
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["stancewire", "serve"]
