"""The analysis pipeline: prepare → engine → validate/repair → build. Never imports FastAPI."""
