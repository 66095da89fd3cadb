"""Evaluation suite: golden cases, scorers, runs and dataset adapters."""
