"""Generic aliases: names in a golden case that would let the wrong actor match.

An output actor matches an expected one when one of its names contains an expected name or
alias as words (evals.matching), so an alias must name this actor and no other:
- not a bare lowercase common noun ("police", "the company", "council", "ministry");
- not shared with another expected actor (contained in one of its names);
- a one-word alias must not occur in the article inside someone else's name ("Kim" for
  Kim Hong-Kyun, while the article also names Kim Jong Un). German capitalises every noun,
  so this last rule is for English articles only (cases tagged `non-english` skip it).

The actor's own name is exempt: it is how the article names the actor ("the ministry").
"""

from __future__ import annotations

import re

from evals.case_model import ExpectedActor, GoldenCase
from evals.matching import contains_words, name_words, names_match

_TOKEN = re.compile(r"\S+")
_EDGE = "\"'“”‘’()[],.;:!?"


def generic_aliases(case: GoldenCase) -> list[str]:
    """`actor: alias (why)` for every generic name or alias in the case."""
    text = "" if "non-english" in case.tags else case.article_text()
    found = []
    for actor in case.expect.actors:
        others = [o for o in case.expect.actors if o is not actor]
        for alias in actor.aliases:
            why = _why_generic(alias, actor, others, text)
            if why:
                found.append(f"{actor.name}: {alias!r} ({why})")
    return found


def _why_generic(
    alias: str, actor: ExpectedActor, others: list[ExpectedActor], text: str
) -> str | None:
    words = name_words(alias)
    if len(words) == 1 and alias.strip().split()[-1].islower():
        return "a lowercase common noun"
    if any(names_match(other.names(), [alias]) for other in others):
        return "another expected actor's name contains it"
    if len(words) == 1:
        for run in _capitalised_runs(text):
            if _inside_other_name(run, alias, actor):
                return f"the article names {' '.join(run)!r}"
    return None


def _inside_other_name(run: list[str], alias: str, actor: ExpectedActor) -> bool:
    if alias not in [t.removesuffix("'s").removesuffix("’s") for t in run]:
        return False
    have = name_words(" ".join(run))
    if have == name_words(alias):
        return False
    longer = [name_words(n) for n in actor.names() if len(name_words(n)) > 1]
    return not any(contains_words(have, n) for n in longer)


def _capitalised_runs(text: str) -> list[list[str]]:
    """Maximal runs of capitalised tokens: the names as the article writes them."""
    runs: list[list[str]] = []
    current: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group().strip(_EDGE)
        if token[:1].isupper():
            current.append(token)
        if not token[:1].isupper() or match.group()[-1] in ',.;:!?)"”':
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs
