"""Pydantic models: the contract a model fills (llm.py) and what the API speaks
(request.py, analysis.py, errors.py)."""

SCHEMA_VERSION = "2.0"
