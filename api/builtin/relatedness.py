"""Is the article about a caller's claim at all? Decided before any verdict.

The trained claim model scores relatedness from shared weighted words, so "China sent
troops to Ukraine" looks related to an article on North Korean troops in Russia ("troops",
"sent", "Ukraine"). Checks a reader makes come on top of it:

- names: every name in the claim (spaCy's people, places, bodies) occurs in the article,
  as written, as a derived form ("Russia" → "Russian"), as its acronym ("HP") or as a
  common alias ("ISIS" → "Islamic State"). A missing name is forgiven only when the
  article names nobody of that kind at all (a headline on "a shooting at the War
  Memorial" for a claim set "in Ottawa"): when it names another, it is about someone else;
- predicate: the claim's main verb, unless a light one ("is", "has"), occurs in the
  article, itself, a derived form or a close synonym ("send" ↔ "deploy").

A missing name makes the claim `not_mentioned` (P(mentioned) = the learned P ×
FAILED_NAMES_FACTOR). The predicate is no gate any more: headlines about a claim
paraphrase its verb ("caused flooding" → "floods"; checked always, the predicate sent 190
of 400 Emergent training headlines to not_mentioned), while a long article on the same
company that never uses the claim's verb is about another event. The predicate checks are
features of a second, learned stage (relatedness2.py) next to the model's P(related); the
decision is its P against the threshold chosen on training folds. Whether the rules find
a sentence naming the claim's event and subject is one of its features (it was an override:
any such sentence made the claim mentioned, whatever the learned P).

A name counts for the names check only in the words the training corpus writes as names
(capitalised mid-sentence, or too rare to know): spaCy reads a title-case headline's
"Sick Mum" as a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from api.builtin.cues import CLAIM_NOUNS, REPORTING_VERBS
from api.pipeline.contract import words

RELATED_THRESHOLD = 0.5
NameTest = Callable[[str], bool]  # is this lower-cased word a name?
FAILED_NAMES_FACTOR = 0.1  # P(mentioned) of a claim naming someone the article does not
# Kinds of names: a claim's name is forgiven when the article names none of its kind.
_KIND_OF_LABEL = {
    "PERSON": "person", "ORG": "body", "NORP": "body", "GPE": "place", "LOC": "place",
    "FAC": "facility",
}  # fmt: skip
_NAME_STOP = frozenset({"the", "of", "and", "for", "de", "la", "le", "al", "&"})
_LIGHT_VERBS = frozenset(
    "be have do get make go take give come put set keep let seem become use say tell "
    "happen show find turn begin start try want need appear look leave bring hold run "
    "stand call fall break pass forget see know think".split()
)
# A headline's verb is often about the reporting, not the event ("ISIS claims to behead",
# "Research Medical Center denies reports"): the event is in its complement, so such a
# verb is not the claim's predicate.
_META_VERBS = REPORTING_VERBS | frozenset(
    "reveal raise suggest admit refuse rumor rumour fear hope".split()
)
# Names news copy uses for the same body or place; a short list, not a gazetteer.
_ALIASES: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split("|"))
    for group in (
        "isis|isil|islamic state|daesh",
        "us|usa|u s|united states|america",
        "uk|britain|united kingdom|great britain",
        "ny|nyc|new york|manhattan|brooklyn",
        "un|u n|united nations",
        "eu|european union",
        "nato|north atlantic treaty organization",
        "dprk|north korea|pyongyang",
        "russia|kremlin|moscow",
    )
)
# Close synonyms a news article uses for the same act (a headline's "sends", the body's
# "deploys"); a few groups, not a thesaurus: a wrong verb must stay wrong.
_SYNONYMS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "send deploy dispatch ship",
        "deny reject dismiss refute rebuff",
        "kill murder slay execute behead",
        "arrest detain apprehend",
        "buy acquire purchase",
        "die dead death",
        "fabricate fake hoax false",
        "sue lawsuit",
        "ban prohibit outlaw",
        "split separate divide",
        "confirm verify",
        "resign quit",
        "attack strike",
        "release free",
        "capture seize",
    )
)


@dataclass(frozen=True)
class Relatedness:
    p_model: float  # the claim model's calibrated P(related)
    missing_names: tuple[str, ...]
    missing_predicate: str | None  # the claim's main verb when the article never uses it
    rules_match: bool = False  # a sentence names the claim's event and subject
    p_learned: float | None = None  # the second stage's P(related) (relatedness2.py)
    threshold: float = RELATED_THRESHOLD

    @property
    def passes_checks(self) -> bool:
        return not self.missing_names and self.missing_predicate is None

    @property
    def p_mentioned(self) -> float:
        p = self.p_learned if self.p_learned is not None else self.p_model
        if self.missing_names:
            return p * FAILED_NAMES_FACTOR
        # The second stage weighs the rules' match as a feature; only the model alone
        # needs it on top.
        model_alone = self.p_learned is None
        if model_alone and p < self.threshold and self.rules_match and self.passes_checks:
            return (1.0 + p) / 2
        return p

    @property
    def related(self) -> bool:
        return self.p_mentioned >= self.threshold


def _prefix(word: str) -> str:
    """Enough of a name to match its derived forms: "brit" for British/Britain."""
    return word if len(word) <= 4 else word[: max(4, len(word) - 3)]


class _Vocabulary:
    def __init__(self, docs: Sequence[Doc]) -> None:
        found = {w for doc in docs for w in words(doc.text)}
        self.words = found | {part for w in found for part in re.split(r"[-'’]", w)}
        self.long = {w for w in self.words if len(w) >= 4}
        self.text = " " + " ".join(" ".join(words(doc.text)) for doc in docs) + " "
        self.acronyms = {t.lower_ for doc in docs for t in doc if t.is_upper and len(t) >= 2}
        self.kinds = {_KIND_OF_LABEL[e.label_] for doc in docs for e in doc.ents
                      if e.label_ in _KIND_OF_LABEL}  # fmt: skip

    def has_word(self, word: str) -> bool:
        if word in self.words:
            return True
        wanted = _prefix(word)
        return len(wanted) >= 4 and any(w.startswith(wanted) for w in self.long)

    def has_phrase(self, phrase: str) -> bool:
        return f" {phrase} " in self.text


def _acronym(name: str) -> str:
    """ "HP" for "Hewlett-Packard", "NIS" for "National Intelligence Service"."""
    return "".join(w[0] for w in re.findall(r"[A-Z][\w'’]*", name)).lower()


def _name_present(ent: Span, vocabulary: _Vocabulary, is_name: NameTest | None = None) -> bool:
    phrase = " ".join(words(ent.text)).removeprefix("the ")
    parts = [w for w in phrase.split() if w not in _NAME_STOP and len(w) > 1]
    if is_name is not None:
        # Only the words the corpus writes as names: spaCy reads a title-case headline's
        # "Sick Mum" or "Abrams Pushing" as names; the bodies write "mum" and "pushing"
        # in lower case, so "Sick Mum" is no name and "Abrams Pushing" is "Abrams".
        parts = [w for w in parts if is_name(w)]
        if not parts:
            return True
    # Most of a long name is enough: a title-case headline's "names" run on into verbs
    # ("Boko Haram Denies Ceasefire"); a name of one or two words must be there in full.
    found = sum(vocabulary.has_word(w) for w in parts)
    if not parts or found == len(parts) or (len(parts) > 2 and 2 * found >= len(parts)):
        return True
    acronym = _acronym(ent.text)
    if len(acronym) >= 2 and acronym in vocabulary.acronyms:
        return True
    aliases = {a for group in _ALIASES if phrase in group for a in group}
    return any(vocabulary.has_phrase(a) for a in aliases)


def missing_names(
    claim: Doc, vocabulary: _Vocabulary, is_name: NameTest | None = None
) -> list[str]:
    """The claim's names the article never uses, while it does name others of that kind.
    `is_name`: which of a name's words are names (relatedness2.corpus_names); all when
    None."""
    return [
        ent.text
        for ent in claim.ents
        if ent.label_ in _KIND_OF_LABEL
        and _KIND_OF_LABEL[ent.label_] in vocabulary.kinds
        and not _name_present(ent, vocabulary, is_name)
    ]


def _reports_speech(verb: Token) -> bool:
    """ "claims to behead", "declared that", "denies reports": speech about a claim
    ("declared war" is an act, not speech)."""
    if verb.lemma_.lower() not in _META_VERBS:
        return False
    return any(
        c.dep_ in {"ccomp", "xcomp"} or (c.dep_ == "dobj" and c.lemma_.lower() in CLAIM_NOUNS)
        for c in verb.children
    )


def main_predicate(claim: Doc) -> str | None:
    """The lemma of the claim's main verb, when it carries meaning (not "is", "has")."""
    for sent in claim.sents:
        root = sent.root
        lemma = root.lemma_.lower()
        if root.pos_ != "VERB" or lemma in _LIGHT_VERBS or _reports_speech(root):
            continue
        return lemma
    return None


def predicate_forms(lemma: str) -> tuple[set[str], tuple[str, ...]]:
    """The verb's forms a sentence may use: itself, its close synonyms, and prefixes for
    derived forms ("training" for "train")."""
    forms = {lemma}
    for group in _SYNONYMS:
        if lemma in group:
            forms |= group
    return forms, tuple(f[: max(4, len(f) - 1)] for f in forms if len(f) >= 4)


def sentences_with_predicate(lemma: str, docs: Sequence[Doc]) -> list[int]:
    """Indices of the sentences that use the verb, a derived form or a synonym."""
    forms, prefixes = predicate_forms(lemma)
    return [
        i
        for i, doc in enumerate(docs)
        if any(
            t.lemma_.lower() in forms
            or t.lower_ in forms
            or (prefixes and t.lower_.startswith(prefixes))
            for t in doc
        )
    ]


def predicate_present(lemma: str, docs: Sequence[Doc]) -> bool:
    """The verb, a derived form ("training" for "train") or a synonym, anywhere."""
    return bool(sentences_with_predicate(lemma, docs))


@dataclass(frozen=True)
class ArticleWords:
    """An article's lemmas and lower-cased words, to test many verbs against it at the
    cost of a few set look-ups each (the predicate swaps of make train-relatedness test
    hundreds per article)."""

    lemmas: frozenset[str]
    lowers: frozenset[str]

    @classmethod
    def of(cls, docs: Sequence[Doc]) -> ArticleWords:
        tokens = [t for doc in docs for t in doc]
        return cls(frozenset(t.lemma_.lower() for t in tokens), frozenset(t.lower_ for t in tokens))


def predicate_in(lemma: str, article: ArticleWords) -> bool:
    """predicate_present on an article's word sets: the same answer."""
    forms, prefixes = predicate_forms(lemma)
    return bool(
        forms & article.lemmas
        or forms & article.lowers
        or (prefixes and any(w.startswith(prefixes) for w in article.lowers))
    )
