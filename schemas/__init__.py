"""Pydantic models: the contract the model fills (llm.py) and what the API speaks (request, analysis, errors)."""

SCHEMA_VERSION = "1.0"
