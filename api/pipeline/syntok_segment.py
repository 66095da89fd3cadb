"""syntok's sentence segmenter over a list of Tokens, made faster: the same sentences.

`syntok.segmenter.segment` walks a token stream through a state machine (Begin, FirstToken,
InnerToken, Terminal, End) that keeps a queue and moves each token with `list.pop(0)`,
asking a property (itself asking `is_empty`) for every check: under load it was ~5 % of
`stancewire serve`'s CPU, more than half of it on the tokens between two terminals, where
nothing is decided (issue 18). This module runs the same machine over a list and an index:

- the states, their transitions and every decision (`_extract_terminal`, after syntok's
  `_move_and_maybe_extract_terminal`) are syntok's, in its order, with its constants;
- syntok's queue is `tokens[at:]` here: the segmenter fetches from its stream before every
  check that reads the queue, so "the queue is empty" always means "the stream is done",
  and a list says the same with an index;
- an InnerToken run between two terminals or brackets is one loop over the list.

The sentences are syntok's (tests/pipeline/test_syntok_segment.py: generated text, the
golden and the shared-data articles, against syntok's own segmenter).
"""

from __future__ import annotations

from syntok._segmentation_states import State
from syntok.tokenizer import Token

_TERMINALS = State.terminals
_OPENING = State.opening_brackets
_CLOSING = State.closing_brackets
_CLOSING_QUOTES = State.closing_quotes
# What makes an InnerToken decide: a terminal, "(" (syntok's next_is_a_terminal) or any
# opening bracket.
_STOPS = _TERMINALS | _OPENING | {"("}
_POST_TERMINAL = _TERMINALS | _CLOSING
_BRACKET_SEARCH = 50  # syntok looks this many tokens ahead for a closing bracket
_FIRST, _INNER, _TERMINAL, _END = range(4)


def segment(tokens: list[Token]) -> list[list[Token]]:
    """`list(syntok.segmenter.segment(iter(tokens)))`."""
    return _Segmenter(tokens).sentences()


class _Segmenter:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0  # syntok's queue is tokens[at:]
        self.history: list[Token] = []

    # -- the machine ---------------------------------------------------------------------
    def sentences(self) -> list[list[Token]]:
        found: list[list[Token]] = []
        state = _FIRST if self.tokens else _END  # Begin
        while True:
            if state in (_TERMINAL, _END):
                sentence, self.history = self.history, []
                if sentence and (len(sentence) > 1 or sentence[0].value):
                    found.append(sentence)
                if state == _END or self.at >= len(self.tokens):
                    return found
                state = _FIRST
            elif state == _FIRST:
                state = self._first_token()
            else:
                state = self._inner_tokens()

    def _first_token(self) -> int:
        """syntok's FirstToken.__next__."""
        # A sentence opened by bracketed text of 4+ tokens ends with it (syntok's rule).
        if (
            self._next_in(_OPENING)
            and self._skip_bracketed_text()
            and len(self.history) > 3
            and not self._next_is_lowercase()
        ):
            return _TERMINAL
        if self.at >= len(self.tokens):
            return _END
        self._move()  # a bracket opening the sentence is not skipped
        if self._next_is_a_terminal():
            return self._extract_terminal(_FIRST)
        return _INNER

    def _inner_tokens(self) -> int:
        """syntok's InnerToken.__next__, repeated while it returns itself."""
        tokens, history = self.tokens, self.history
        end = len(tokens)
        while True:
            if self.at >= end:
                return _END
            # _move_and_skip_bracketed_text, then the check for a terminal or a bracket:
            # the common case (the next token is neither) is a plain move.
            history.append(tokens[self.at])
            self.at += 1
            if self.at < end and tokens[self.at].value in _OPENING:
                self._skip_bracketed_text()
            if self.at < end and tokens[self.at].value in _STOPS:
                state = self._extract_terminal(_INNER)
                if state != _INNER:
                    return state

    # -- syntok's State helpers, on the list -------------------------------------------
    def _next(self) -> str | None:
        return self.tokens[self.at].value if self.at < len(self.tokens) else None

    def _next_in(self, values: frozenset[str]) -> bool:
        value = self._next()
        return value is not None and value in values

    def _next_is_a_terminal(self) -> bool:
        value = self._next()
        return value is not None and (value in _TERMINALS or value == "(")

    def _next_is_lowercase(self) -> bool:
        value = self._next()
        return value is not None and value[:1].islower()

    def _next_has_no_spacing(self) -> bool:
        return self.at < len(self.tokens) and not self.tokens[self.at].spacing

    def _last(self) -> str:
        return self.history[-1].value if self.history else ""

    def _move(self) -> bool:
        self.history.append(self.tokens[self.at])
        self.at += 1
        return self.at < len(self.tokens)

    def _token_at(self, index: int) -> str:
        """The value `index` tokens into the queue, "" past the end."""
        at = self.at + index
        return self.tokens[at].value if at < len(self.tokens) else ""

    def _find_end_of_bracketed_text(self) -> tuple[int, bool]:
        tokens, at = self.tokens, self.at
        depth = 1
        index = 1
        first_is_title: bool | None = None
        last_is_terminal = False
        while at + index < len(tokens) and index < _BRACKET_SEARCH:
            value = tokens[at + index].value
            if first_is_title is None and value.isalnum():
                first_is_title = value.istitle()
            elif first_is_title and value.isalnum():
                last_is_terminal = self._token_at(index + 1) in _TERMINALS
            if value in _OPENING:
                depth += 1
            elif value in _CLOSING:
                depth -= 1
                if depth == 0:
                    break
            index += 1
        return (index if depth == 0 else 0), bool(first_is_title and last_is_terminal)

    def _skip_bracketed_text(self) -> bool:
        closing, has_inner_sentence = self._find_end_of_bracketed_text()
        if closing > 0:
            start = self.tokens[self.at].offset
            last = self.tokens[self.at + closing]
            end = last.offset + len(last.value)
            if end - start < State.max_bracket_skipping_length or not has_inner_sentence:
                self.history.extend(self.tokens[self.at : self.at + closing + 1])
                self.at += closing + 1
                return True
        return False

    def _find_next_token_after_bracket(self) -> str:
        closing, has_inner_sentence = self._find_end_of_bracketed_text()
        if closing > 0 and not has_inner_sentence:
            return self._token_at(closing + 1)
        return ""

    def _token_after_terminal(self) -> str:
        """syntok's __move_to_next_relevant_word_and_return_token_after_terminal."""
        token: str | None = None
        if self._next_in(_OPENING) and self._last() not in _TERMINALS:
            self._skip_bracketed_text()
        else:
            while self._next_in(_POST_TERMINAL):
                if not self._move():
                    break
                if token is None:
                    token = self._last()
            quote_follows = self._next_in(_CLOSING_QUOTES) and self._next_has_no_spacing()
            if quote_follows and self._move() and token is None:
                token = self._last()
            while self._next_in(_POST_TERMINAL):
                if not self._move():
                    break
                if token is None:
                    token = self._last()
            if self._next_in(_OPENING):
                token = self.tokens[self.at].value
        if token is None and self.at < len(self.tokens):
            token = self.tokens[self.at].value
        return "" if token is None else token

    def _extract_terminal(self, state: int) -> int:
        """syntok's _move_and_maybe_extract_terminal: `state` (FirstToken or InnerToken)
        where the sentence goes on, _TERMINAL where it ends."""
        before = self._last()
        if not self._next_in(_OPENING):
            self._move()
        after = self._token_after_terminal()
        following = self._next()
        if following is not None and (
            following[:1].islower() or following in State.inner_sentence_punctuation
        ):
            return state
        single = len(before) == 1 or before in State.roman_numerals
        if not (state == _FIRST and single) and following in State.starters:
            return _TERMINAL
        # syntok's `after not in (closing_brackets or closing_quotes)`: the brackets only.
        if before in State.abbreviations and after not in _CLOSING:
            return state
        if before in ("no", "No", "NO") and _alnum_with_digit(following):
            return state
        no_spacing = self._next_has_no_spacing()
        if following is not None and following.isnumeric() and no_spacing:
            return state
        if no_spacing and (not after.istitle() or not after.isalpha() or len(after) == 1):
            return state
        if following is not None and following.isnumeric() and len(following) > 2:
            return state
        if before.isnumeric() and following in State.months:
            return state
        if before in State.months and following is not None and following.isnumeric():
            return state
        if "." in before and after != ".":
            return state
        if (state == _FIRST or before.isupper()) and single:
            return state
        if len(before) == 1 and before.isalpha() and before not in State.vowels:
            return state
        if after in _OPENING:
            after_brackets = self._find_next_token_after_bracket()
            after_opening = self._token_at(1)
            if after_brackets in State.inner_sentence_punctuation:
                return state
            if after_opening.istitle():
                return _TERMINAL
            return state if after_brackets[:1].islower() else _TERMINAL
        return _TERMINAL


def _alnum_with_digit(value: str | None) -> bool:
    return value is not None and any(c.isnumeric() for c in value) and value.isalnum()
