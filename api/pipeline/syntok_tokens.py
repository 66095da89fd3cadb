"""syntok's tokens, made faster: the same Token stream as syntok's own tokenizer.

syntok segments a stream of Tokens that its pure-Python tokenizer makes. Under load that
tokenizer was ~15 % of the server's CPU (a py-spy profile of `stancewire serve`, issue 18),
mostly a `regex` search per word for the places a word splits (case turns as in "iPhone",
apostrophes, dashes, brackets) that finds nothing in a plain word, and three nested
generators per token. This module makes the same Tokens (value, spacing and offset; tested
against syntok's own on every shared-data text and by a property test) as one list:

- whitespace-separated chunks are found as syntok's pattern finds them (Unicode whitespace
  as the `regex` module defines it, plus the zero-width space), with stdlib re;
- an ASCII chunk's word and the punctuation around it are found with str.strip, and a word
  of ASCII letters and digits with no lowercase-to-uppercase turn is one Token without the
  search;
- every other word (non-ASCII, or with anything inside to split on) goes through syntok's
  own code, so its rules are never rewritten here.

Built for `analyze(text)`, the `segmenter.analyze` stancewire uses: tokens that keep
contractions as written (`replace_not_contraction=False`), segmented by syntok's state
machine run over the list (api/pipeline/syntok_segment.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from syntok import segmenter
from syntok.tokenizer import Token, Tokenizer

from api.pipeline import syntok_segment

_TOKENIZER = Tokenizer(replace_not_contraction=False)  # as segmenter.analyze makes it
# syntok's chunks, `regex`'s `[^\s\u200b]+`, for stdlib re, whose \s also takes \x1c-\x1f:
# the characters spelt out (a test checks every code point against syntok's pattern).
_CHUNKS = re.compile("[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000]+")
# The ASCII characters str.isalnum rejects: what syntok's _find_start/_find_end skip.
_ASCII_NOT_ALNUM = "".join(c for c in map(chr, range(128)) if not c.isalnum())
# Where syntok's _separation pattern can match inside an ASCII alphanumeric word: only its
# lowercase-to-uppercase turn ("iPhone" is "i" + "Phone"); its other parts need an
# apostrophe, a bracket, "...", a comma, a semicolon, an underscore or a dash.
_CASE_TURN = re.compile(r"[a-z][A-Z]")


def analyze(document: str) -> Iterator[list[list[Token]]]:
    """syntok's `segmenter.analyze(document)`, on these tokens: paragraphs of sentences."""
    paragraphs = (
        [(0, document)]  # syntok's paragraph break needs two newlines: skip its search
        if document.count("\n") < 2
        else segmenter.preprocess_with_offsets(document)
    )
    for offset, paragraph in paragraphs:
        yield syntok_segment.segment(tokenize(paragraph, offset))


def tokenize(text: str, base_offset: int = 0) -> list[Token]:
    """What `list(Tokenizer(replace_not_contraction=False).tokenize(text, base_offset))`
    gives."""
    if base_offset > 0:  # syntok counts offsets in the document, by padding the paragraph
        text = " " * base_offset + text
    tokens: list[Token] = []
    offset = base_offset
    for chunk in _CHUNKS.finditer(text):
        start, end = chunk.span()
        word = chunk.group()
        if _plain(word):  # most chunks: one Token, nothing else to look at
            tokens.append(Token(text[offset:start], word, start))
        else:
            tokens += _chunk_tokens(text, start, end, text[offset:start])
        offset = end
    if offset < len(text):
        tokens.append(Token(text[offset:], "", len(text)))
    return tokens


def _chunk_tokens(text: str, begin: int, stop: int, spacing: str) -> list[Token]:
    """The Tokens of text[begin:stop] (no whitespace inside), after `spacing`."""
    start, end = _word_bounds(text, begin, stop)
    if start == stop:  # no letter or digit: the chunk is one Token
        return [Token(spacing, text[begin:stop], begin)]
    tokens = []
    if start > begin:  # each leading symbol its own Token; the word then has no spacing
        tokens.append(Token(spacing, text[begin], begin))
        tokens += [Token("", c, i) for i, c in enumerate(text[begin + 1 : start], begin + 1)]
        spacing = ""
    tokens += _word_tokens(spacing, text[start:end], start)
    if text.startswith("...", end, stop):
        tokens.append(Token("", "...", end))
        end += 3
    tokens += [Token("", c, i) for i, c in enumerate(text[end:stop], end)]
    return tokens


def _word_bounds(text: str, begin: int, stop: int) -> tuple[int, int]:
    """Where the chunk's first letter or digit starts and its last one ends (stop, stop
    without any), as syntok's _find_start and _find_end find them."""
    chunk = text[begin:stop]
    if chunk.isascii():
        core = chunk.strip(_ASCII_NOT_ALNUM)
        if not core:
            return stop, stop
        start = begin + len(chunk) - len(chunk.lstrip(_ASCII_NOT_ALNUM))
        return start, start + len(core)
    start = Tokenizer._find_start(begin, stop, text)
    if start == stop:
        return stop, stop
    return start, Tokenizer._find_end(start, stop, text)


def _plain(word: str) -> bool:
    """ASCII letters and digits with no lowercase-to-uppercase turn: one Token to syntok.
    (The case tests are cheaper than the search and settle most words.)"""
    return (
        word.isascii()
        and word.isalnum()
        and (word.islower() or word.isupper() or not _CASE_TURN.search(word))
    )


def _word_tokens(spacing: str, word: str, offset: int) -> list[Token]:
    if _plain(word):
        return [Token(spacing, word, offset)]
    return list(_TOKENIZER._split_word(spacing, word, offset))
