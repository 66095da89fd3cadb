"""Thin routers: parse, call the pipeline, return. Errors are raised, never built here."""
