"""Article preparation: split the text as submitted into numbered sentences with offsets.

Offsets always point into the text exactly as submitted, so a client can highlight
text[start:end]. Cleaning (whitespace, stray brackets) only touches the copy of each
sentence shown to a model, never the offsets.

Segmenter: syntok, chosen over pysbd after measuring both on the seed article: the same
sentences once lines are split first (both keep "U.N."/"U.S." and quotes intact), and syntok
is about 3x faster (1.8 ms vs 5.7 ms per article, scripts/bench_segmenter.py). Lines are
segmented one at a time so a headline without a full stop never merges with the lead; a line
with nothing syntok could end a sentence on is taken whole without running it, and syntok
segments tokens from api/pipeline/syntok_tokens.py, the same as its own tokenizer's but
made ~2x faster (issue 18).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property

from syntok._segmentation_states import State as _SyntokState

from api.pipeline import boilerplate, syntok_tokens

# Titles and abbreviations that stand before a name (or, for Jr./Sr., after one): syntok
# sometimes ends a sentence on them ("Rep. The source ..." was "Rep. Peter King said").
_TITLE_END = re.compile(
    r"(?:^|[\s(\"“])(?:Rep|Reps|Sen|Sens|Gov|Pres|Gen|Lt|Col|Capt|Sgt|Adm|Maj|Cmdr|Dr|St|"
    r"Mr|Mrs|Ms|Messrs|Prof|Rev|Hon|Sr|Jr|Ft|Mt)\.$"
)
# " . " inside a span: a line break lost in scraping (CNN/DailyMail captions run into the
# next sentence as "... hepatitis A . State Immunization ..."); no prose writes it.
_LOST_BREAK = re.compile(r"(?<=[^\s.]\s\.)\s+(?=[A-Z“\"‘'(])")
# What every lost break contains: a line without it (most) skips _LOST_BREAK, whose
# look-behind is tried at every position (~13 us per sentence, issue 18).
_SPACE_DOT = re.compile(r"\s\.")
# _TITLE_END spans at most 8 characters and ends the sentence: searching its last 10 finds
# the same titles ("^" still needs the real start) without trying every position.
_TITLE_TAIL = 10
_SPACES = re.compile(r"\s+")
# Where syntok may end a sentence: its terminals (".", "!", "?", ";", "..." and their CJK
# forms) and opening brackets. A line with none of them before its closing run of
# terminals, quotes and brackets is one sentence, and syntok (pure Python, ~60 % of the
# preparation time) is skipped for it: about half the lines of news text (issue 18).
_TERMINALS = "".join(sorted(c for c in _SyntokState.terminals if len(c) == 1))
_MAY_END = re.compile("[" + re.escape(_TERMINALS + "".join(_SyntokState.opening_brackets)) + "]")
_CLOSERS = _TERMINALS + "".join(_SyntokState.closing_quotes | _SyntokState.closing_brackets)
# Where syntok always ends a sentence: after a whole word of three letters or more (not one
# of its abbreviations or months) or a number (not before a month), one terminal and maybe
# a closing quote, before a space and a capitalised word (maybe quoted). Every
# reason its state machine has not to split there needs a different word before (an
# abbreviation, a letter, a number, a dot inside), no space after, or a lowercase, numeric
# or bracket token after; no bracket may be open at the cut (syntok skips over bracketed
# text). Cutting a line there first lets the pieces without a terminal inside
# skip syntok as whole lines do (issue 18).
_SURE_END = re.compile(
    r"(?<!\S)(?:([A-Za-z][a-z]{2,})|\d{2,})[.!?][\"”’']?(?=\s+([\"“‘]?)([A-Z]\w*))"
)
_NOT_AN_END = _SyntokState.abbreviations | _SyntokState.months
_MONTHS = tuple(_SyntokState.months)
_BRACKETS = re.compile(
    "[" + re.escape("".join(_SyntokState.opening_brackets | _SyntokState.closing_brackets)) + "]"
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# An editor's capital inside a word: "[W]e write" reads "We write" (the NER saw "W]e").
_EDITORIAL_LETTER = re.compile(r"\[(\w{1,2})\](?=\w)")


@dataclass(frozen=True)
class ArticleSentence:
    number: int
    start: int
    end: int
    text: str  # exactly text[start:end]

    @cached_property
    def clean(self) -> str:
        """The sentence as shown to a model: one line, no control chars, no stray brackets
        (worked out once: prompts, checks and grounding each read it)."""
        return clean_sentence(self.text)


@dataclass(frozen=True)
class PreparedArticle:
    text: str
    sentences: list[ArticleSentence]
    skipped: list[tuple[int, int]] = field(default_factory=list)
    title: str | None = None
    skip_reasons: list[str] = field(default_factory=list)  # one per `skipped` range

    def sentence(self, number: int) -> ArticleSentence:
        return self.sentences[number - 1]

    @cached_property
    def _astral(self) -> list[int]:
        """Positions of the characters that take two UTF-16 code units (emoji, rare CJK)."""
        if self.text.isascii():
            return []
        return [m.start() for m in _ASTRAL.finditer(self.text)]  # ~20x a per-character loop

    def utf16(self, offset: int) -> int:
        """A code-point offset into `text` as a UTF-16 offset (what JavaScript indexes)."""
        return offset + bisect_left(self._astral, offset)

    @property
    def headline_sentence(self) -> ArticleSentence | None:
        """The first line when it reads as a headline (no closing punctuation, short)."""
        if not self.sentences:
            return None
        first = self.sentences[0]
        line_end = self.text.find("\n", first.start)
        whole_line = line_end == -1 or self.text[first.end : line_end].strip() == ""
        looks_like_title = not first.text.rstrip().endswith((".", "!", "?", "”", '"', ":"))
        if whole_line and looks_like_title and len(first.text.split()) <= 25 and len(self) > 1:
            return first
        return None

    def __len__(self) -> int:
        return len(self.sentences)


def clean_sentence(text: str) -> str:
    # A printable string has no character of a C category (isprintable is False for each
    # of them): the per-character pass is only needed for the rest.
    if not text.isprintable():
        text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    if "[" in text:  # what every editorial letter has (most sentences do not)
        text = _EDITORIAL_LETTER.sub(r"\1", text)
    collapsed = _collapsed(text)
    return _drop_unbalanced_brackets(collapsed)


def _collapsed(text: str) -> str:
    """Every run of whitespace one space, none at the ends: `_SPACES.sub(" ", text).strip()`
    (str.split's whitespace is re's \\s, code point for code point; a test checks them all),
    without a new string for every space between two words (~60 us of an article's ~105 us
    of clean_sentence, issue 18)."""
    return " ".join(text.split())


def _drop_unbalanced_brackets(text: str) -> str:
    """Remove a ']' with no '[' before it (and vice versa): debris from scraping."""
    for opening, closing in (("[", "]"), ("(", ")")):
        if text.count(opening) != text.count(closing):
            depth, kept = 0, []
            for char in text:
                if char == opening:
                    depth += 1
                elif char == closing:
                    if depth == 0:
                        continue
                    depth -= 1
                kept.append(char)
            text = "".join(kept)
            if text.count(opening) > text.count(closing):
                text = text.replace(opening, "", text.count(opening) - text.count(closing))
            text = _collapsed(text)
    return text


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    lines, offset = [], 0
    for line in text.splitlines(keepends=True):
        lines.append((offset, line))
        offset += len(line)
    return lines


def _one_sentence(line: str) -> tuple[int, int] | None:
    """The span of a line syntok would not split (see _MAY_END), else None."""
    stripped = line.strip()
    if "\u200b" in line:  # a space to syntok's tokenizer, not to str.strip
        return None
    if not stripped or _MAY_END.search(stripped, 0, len(stripped.rstrip(_CLOSERS))):
        return None
    start = len(line) - len(line.lstrip())
    return start, start + len(stripped)


def _syntok_spans(line: str) -> list[tuple[int, int]]:
    spans = []
    for paragraph in syntok_tokens.analyze(line):
        for sentence in paragraph:
            tokens = list(sentence)
            if not tokens:
                continue
            start, end = tokens[0].offset, tokens[-1].offset + len(tokens[-1].value)
            piece = line[start:end]
            start += len(piece) - len(piece.lstrip())
            end -= len(piece) - len(piece.rstrip())
            if end > start:
                spans.append((start, end))
    return spans


def _at_lost_breaks(line: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [m.span() for m in _LOST_BREAK.finditer(line, start, end)]
    bounds = [start, *(x for cut in cuts for x in cut), end]
    return [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]


def _pieces(line: str) -> list[tuple[int, int]]:
    """The line cut where syntok would surely end a sentence (_SURE_END)."""
    pieces, start = [], 0
    for found in _SURE_END.finditer(line):
        word, quote, after = found.groups()
        if word in _NOT_AN_END or _open_bracket(line, start, found.end()):
            continue
        if word is None and (quote or after.startswith(_MONTHS)):  # "12. Jan": a date
            continue
        pieces.append((start, found.end()))
        start = _SPACES.match(line, found.end()).end()  # type: ignore[union-attr]  # (?=\s+)
    pieces.append((start, len(line)))
    return pieces


def _open_bracket(line: str, start: int, end: int) -> bool:
    """A bracket opened in line[start:end] and not closed there: syntok looks past `end`
    for its closing one (to skip the bracketed text), so the line cannot be cut there."""
    depth = 0
    for bracket in _BRACKETS.finditer(line, start, end):
        if bracket.group() in _SyntokState.opening_brackets:
            depth += 1
        elif depth:  # a stray closing bracket is just a token to syntok
            depth -= 1
    return depth > 0


def _raw_spans(line: str) -> list[tuple[int, int]]:
    """syntok's sentences of a line; pieces of it with one sentence only are taken whole."""
    whole = _one_sentence(line)
    if whole is not None:
        return [whole]
    spans: list[tuple[int, int]] = []
    for start, end in _pieces(line):
        piece = line[start:end]
        one = _one_sentence(piece)
        found = [one] if one is not None else _syntok_spans(piece)
        spans.extend((start + a, start + b) for a, b in found)
    return spans


def _sentence_spans(line: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    lost_breaks = _SPACE_DOT.search(line) is not None
    for start, end in _raw_spans(line):
        if spans and _ends_on_title(line[spans[-1][0] : spans[-1][1]]):
            start = spans.pop()[0]  # "Rep." never ends a sentence
        spans.extend(_at_lost_breaks(line, start, end) if lost_breaks else [(start, end)])
    return spans


def _ends_on_title(sentence: str) -> bool:
    return _TITLE_END.search(sentence, max(0, len(sentence) - _TITLE_TAIL)) is not None


def prepare_article(text: str, title: str | None = None) -> PreparedArticle:
    """Split `text` into numbered sentences; boilerplate (credits, captions, link lines)
    is skipped, not analysed, and reported with the reason its pattern gives."""
    sentences: list[ArticleSentence] = []
    skipped: list[tuple[int, int]] = []
    reasons: list[str] = []

    def skip(start: int, end: int, reason: str) -> None:
        skipped.append((start, end))
        reasons.append(reason)

    column = boilerplate.first_person(text)
    for offset, line in _lines_with_offsets(text):
        stripped = line.strip()
        if not stripped:
            continue
        checked = boilerplate.is_short_line(stripped)  # and, below, no whole-line match
        if checked and (found := boilerplate.match_short_line(stripped, in_first_person=column)):
            lead = len(line) - len(line.lstrip())
            skip(offset + lead, offset + lead + len(stripped), found.reason)
            continue
        for start, end in _sentence_spans(line):
            whole = checked and end - start == len(stripped)  # spans are stripped
            if found := boilerplate.match(
                line[start:end], in_first_person=column, line_checked=whole
            ):
                skip(offset + start, offset + end, found.reason)
                continue
            sentences.append(
                ArticleSentence(len(sentences) + 1, offset + start, offset + end, line[start:end])
            )
    return PreparedArticle(text, sentences, skipped, title, reasons)
