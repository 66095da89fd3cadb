"""The built-in engine: spaCy and readable linguistic rules, no LLM, no network.

Entry points: `BuiltinEngine` (the Engine protocol) and `candidate_actors` (the
grounding layer for LLM runs: the actors the text supports).
"""

from api.builtin.engine import BuiltinEngine, candidate_actors

__all__ = ["BuiltinEngine", "candidate_actors"]
