"""Several regexes joined in one alternation, where each keeps the meaning it has alone.

One C call over an alternation costs far less than a Python step per regex (issue 18:
boilerplate matching tries 22 patterns on every sentence). Only start-anchored regexes
are joined under one `^`: searched, they are tried at the first position only.
"""

from __future__ import annotations

import re

# Flags a regex may carry and still be joined (re.UNICODE is on for every str pattern).
_JOINABLE_FLAGS = re.IGNORECASE | re.UNICODE


def joinable(regex: re.Pattern[str]) -> bool:
    """The regex means the same inside an alternation: no groups (others' would renumber
    its backreferences), no flags but IGNORECASE (see scoped), none set in its text."""
    flags_ok = not regex.flags & ~_JOINABLE_FLAGS and not _INLINE_FLAGS.match(regex.pattern)
    return flags_ok and not regex.groups


# Flags set at the start of a regex's text, e.g. "(?i)": not allowed inside a group.
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def start_anchored(regex: re.Pattern[str]) -> bool:
    """Every top-level branch starts with "^", and "^" means the start of the text (no
    MULTILINE): the regex matches only at the start. False where unsure (VERBOSE text,
    whose comments could hide a "|"; a leading group or global inline flag)."""
    if regex.flags & ~_JOINABLE_FLAGS:
        return False
    return all(branch.startswith("^") for branch in top_level_branches(regex.pattern))


def scoped(regex: re.Pattern[str]) -> str:
    """The regex's text with its IGNORECASE scoped to it, to be joined with others."""
    flag = "i" if regex.flags & re.IGNORECASE else ""
    return f"(?{flag}:{regex.pattern})"


def alternation(bodies: list[str], anchor: str = "") -> re.Pattern[str] | None:
    """One regex matching where one of `bodies` does (after `anchor`); None for none."""
    return re.compile(anchor + "(?:" + "|".join(bodies) + ")") if bodies else None


def top_level_branches(source: str) -> list[str]:
    """The regex text split at its "|"s outside groups, classes and escapes."""
    branches: list[str] = []
    depth = start = i = 0
    while i < len(source):
        char = source[i]
        if char == "[":
            i = _class_end(source, i)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(source[start:i])
            start = i + 1
        i += 2 if char == "\\" else 1
    return [*branches, source[start:]]


def _class_end(source: str, i: int) -> int:
    """The index after the "]" that closes the class opened at `i`."""
    i += 2 if source.startswith("[^", i) else 1
    if source.startswith("]", i):
        i += 1  # a "]" first in a class is a literal
    while i < len(source) and source[i] != "]":
        i += 2 if source[i] == "\\" else 1
    return i + 1
