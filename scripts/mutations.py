"""Named mutations for `make mutate`: deliberate bugs the test suite must catch.

Each replaces one exact snippet (its `occurrence`-th match, 1-based) in a copy of the
repository; `tests` are the test paths that should fail (run with -x, so a mutation costs
seconds, not the whole suite). The first 16 are an outside audit's; the rest guard the
checks added with the strict pass rule (issue 9).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    occurrence: int = 1


API = ("tests/api/test_analyze_api.py", "tests/api/test_error_paths.py")
# The scorer's own tests: fast, and independent of git (the copy is not a checkout's twin).
EVALS = (
    "tests/evals/test_pass_rule.py",
    "tests/evals/test_wrong_answers.py",
    "tests/evals/test_scoring.py",
    "tests/evals/test_compare.py",
    "tests/evals/test_committed_runs.py::test_every_trial_rescores_exactly",
)

MUTATIONS: list[Mutation] = [
    # -- the audit's 16 --------------------------------------------------------------------
    Mutation(
        "grounding offsets shifted by one",
        "api/pipeline/grounding.py",
        "**_offsets(article, sentence.start, sentence.end),",
        "**_offsets(article, sentence.start + 1, sentence.end + 1),",
        ("tests/api/test_analyze_api.py", "tests/pipeline"),
    ),
    Mutation(
        "Retry-After ignored",
        "api/llm/client.py",
        "            if retry_after is not None:\n                return min(",
        "            if False:\n                return min(",
        ("tests/llm/test_client_http.py",),
    ),
    Mutation(
        "repair re-asks without the errors",
        "api/pipeline/repair.py",
        "repair_message(errors, len(job.article), family)",
        "repair_message([], len(job.article), family)",
        ("tests/pipeline/test_repair.py",),
    ),
    Mutation(
        "streamed-body 413 off",
        "api/http.py",
        "if self._seen > self._limit:",
        "if False:",
        API,
    ),
    Mutation(
        "Content-Length 413 off",
        "api/http.py",
        "if declared is not None and declared.isdigit() and int(declared) > limit:",
        "if False:",
        API,
    ),
    Mutation(
        "context window -> 413 mapping off",
        "api/llm/client.py",
        "if isinstance(exc, lm.ContextWindowExceededError):",
        "if False:",
        ("tests/api/test_error_paths.py", "tests/llm/test_client_http.py"),
    ),
    Mutation(
        "internal_error code changed",
        "api/http.py",
        'code="internal_error",',
        'code="server_error",',
        ("tests/api/test_error_paths.py",),
    ),
    Mutation(
        "text_too_long code changed",
        "api/errors.py",
        '"text_too_long", "Article too long"',
        '"text_too_large", "Article too long"',
        API,
    ),
    Mutation(
        "caller claim not_mentioned -> unconfirmed",
        "api/builtin/caller.py",
        'return CallerAssessment("not_mentioned", [], [], [], confidence)',
        'return CallerAssessment("unconfirmed", [], [], [], confidence)',
        ("tests/evals/test_committed_runs.py", "tests/builtin"),
    ),
    Mutation(
        "prompt version out of the cache key",
        "api/pipeline/cache.py",
        '"prompt": prompts.prompt_version(),',
        '"prompt": None,',
        ("tests/api/test_error_paths.py",),
    ),
    Mutation(
        "unknown actor ids in claims accepted",
        "api/pipeline/contract.py",
        "        for ref in [*claim.asserted_by, *claim.denied_by]:\n            if ref not in",
        "        for ref in [*claim.asserted_by, *claim.denied_by]:\n"
        "            if ref in () and ref not in",
        ("tests/api/test_error_paths.py", "tests/pipeline/test_contract.py"),
    ),
    Mutation(
        "unknown actor ids in stances accepted",
        "api/pipeline/contract.py",
        "        if actor is None:\n            errors.append(",
        "        if False:\n            errors.append(",
        ("tests/api/test_error_paths.py", "tests/pipeline/test_contract.py"),
    ),
    Mutation(
        "unknown actor ids in caller claims accepted",
        "api/pipeline/contract.py",
        "        for ref in [*item.asserted_by, *item.denied_by]:\n            if ref not in",
        "        for ref in [*item.asserted_by, *item.denied_by]:\n"
        "            if ref in () and ref not in",
        ("tests/api/test_error_paths.py", "tests/pipeline/test_contract.py"),
    ),
    Mutation(
        "pass rule: claim status check removed",
        "evals/scores.py",
        '"claim status acc.",\n        lambda s: _accuracy(s.claims),\n        gate=1.0,',
        '"claim status acc.",\n        lambda s: _accuracy(s.claims),',
        EVALS,
    ),
    Mutation(
        "pass rule: caller-claim check removed",
        "evals/scores.py",
        '"caller claim acc.",\n        lambda s: _accuracy(s.caller_claims),\n        gate=1.0,',
        '"caller claim acc.",\n        lambda s: _accuracy(s.caller_claims),',
        EVALS,
    ),
    Mutation(
        "pass rule: stance check removed",
        "evals/scores.py",
        '"stance acc.",\n        lambda s: _accuracy(s.stances),\n        gate=1.0,',
        '"stance acc.",\n        lambda s: _accuracy(s.stances),',
        EVALS,
    ),
    Mutation(
        "claim keyword groups all -> any",
        "evals/scoring.py",
        "return all(any(phrase_in(claim.text, p) for p in group) for group in wanted.keywords)",
        "return any(any(phrase_in(claim.text, p) for p in group) for group in wanted.keywords)",
        EVALS,
    ),
    Mutation(
        "caller-claim status check always true",
        "evals/scores.py",
        "        return self.predicted in self.expected and not self.holder_problems\n",
        "        return not self.holder_problems\n",
        EVALS,
    ),
    # -- checks added with the strict rule ---------------------------------------------------
    Mutation(
        "claim contradictions ignored",
        "evals/scores.py",
        "return self.predicted in self.expected and not self.contradictions",
        "return self.predicted in self.expected",
        EVALS,
    ),
    Mutation(
        "stance contradictions ignored",
        "evals/scores.py",
        "return self.predicted in self.expected and not self.contradictions",
        "return self.predicted in self.expected",
        EVALS,
        occurrence=2,
    ),
    Mutation(
        "attribution on the wrong side counts",
        "evals/scoring.py",
        "return not ids & side or bool(ids & other)",
        "return not ids & (side | other)",
        EVALS,
    ),
    Mutation(
        "actor kinds not checked",
        "evals/scoring.py",
        "if o.kind not in e.kinds()",
        "if False",
        EVALS,
    ),
    Mutation(
        "duplicate actors not counted",
        "evals/scoring.py",
        "duplicates=[a.name for a in extra if any(actor_matches(a, e) for e in expect.actors)],",
        "duplicates=[],",
        EVALS,
    ),
    Mutation(
        "actor precision never gated",
        "evals/scoring.py",
        "complete=expect.actors_complete or not expect.actors,",
        "complete=False,",
        EVALS,
    ),
    Mutation(
        "attribution not gated",
        "evals/scores.py",
        '"claim attribution", _attribution, gate=1.0, pooled=_pooled_attribution',
        '"claim attribution", _attribution, pooled=_pooled_attribution',
        EVALS,
    ),
    Mutation(
        "gates back to the old 0.5",
        "evals/scores.py",
        "result[name] = exempt or value is None or value >= bound - 1e-12",
        "result[name] = exempt or value is None or value >= min(bound, 0.5) - 1e-12",
        EVALS,
    ),
    Mutation(
        "case thresholds ignored",
        "evals/scores.py",
        "bounds = self.thresholds | dict(case_thresholds or {})",
        "bounds = dict(self.thresholds)",
        EVALS,
    ),
    Mutation(
        "keywords as raw substrings again",
        "evals/matching.py",
        "    words, stems = _stems(text)\n",
        "    words, stems = _stems(text)\n"
        '    return " ".join(wanted) in " ".join(_WORD.findall(fold(text)))\n',
        EVALS,
    ),
    Mutation(
        "generic aliases allowed",
        "evals/aliases.py",
        "if len(words) == 1 and alias.strip().split()[-1].islower():",
        "if False:",
        ("tests/evals/test_cases.py",),
    ),
    Mutation(
        "headline told apart by identity",
        "evals/faithfulness.py",
        "if not (position == 0 and _is_title_case(line)):",
        "if not (line is headline and _is_title_case(line)):",
        EVALS,
    ),
    Mutation(
        "request id not echoed on a 500",
        "api/http.py",
        '        response.headers["x-request-id"] = request_id\n',
        "        pass\n",
        ("tests/api/test_error_paths.py",),
    ),
    Mutation(
        "skips pass silently in CI",
        "tests/conftest.py",
        "if skipped and _in_ci() and not nodeid.startswith(CI_ALLOWED_SKIPS):",
        "if False:",
        ("tests/test_ci_skips.py",),
    ),
]
