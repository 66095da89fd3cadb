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
  article, itself, a derived form or a close synonym ("send" ↔ "deploy") — checked only
  while the model is not near-certain (P(related) < PREDICATE_CHECK_BELOW): headlines about
  a claim paraphrase its verb ("caused flooding" → "floods"), and checked always, the
  predicate sent 190 of 400 Emergent training headlines to not_mentioned (accuracy 0.608 →
  0.39); at 0.95 it is 0.565, while "NATO declared war on North Korea" (P 0.93 against the
  seed article) still fails it.

A claim that fails is about something else: `not_mentioned`, whatever the words share.
P(mentioned) is then the model's P(related) times FAILED_CHECK_FACTOR. When the model's
P(related) is below the threshold but the rules find a sentence naming the claim's event
and subject, the claim counts as mentioned with P = (1 + P(related)) / 2.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from api.builtin.cues import CLAIM_NOUNS, REPORTING_VERBS
from api.pipeline.contract import words

RELATED_THRESHOLD = 0.5
PREDICATE_CHECK_BELOW = 0.95
FAILED_CHECK_FACTOR = 0.1
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
    missing_predicate: str | None
    rules_match: bool = False  # a sentence names the claim's event and subject

    @property
    def passes_checks(self) -> bool:
        return not self.missing_names and self.missing_predicate is None

    @property
    def p_mentioned(self) -> float:
        if not self.passes_checks:
            return self.p_model * FAILED_CHECK_FACTOR
        if self.p_model < RELATED_THRESHOLD and self.rules_match:
            return (1.0 + self.p_model) / 2
        return self.p_model

    @property
    def related(self) -> bool:
        return self.p_mentioned >= RELATED_THRESHOLD


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


def _name_present(ent: Span, vocabulary: _Vocabulary) -> bool:
    phrase = " ".join(words(ent.text)).removeprefix("the ")
    parts = [w for w in phrase.split() if w not in _NAME_STOP and len(w) > 1]
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


def missing_names(claim: Doc, vocabulary: _Vocabulary) -> list[str]:
    """The claim's names the article never uses, while it does name others of that kind."""
    return [
        ent.text
        for ent in claim.ents
        if ent.label_ in _KIND_OF_LABEL
        and _KIND_OF_LABEL[ent.label_] in vocabulary.kinds
        and not _name_present(ent, vocabulary)
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


def predicate_present(lemma: str, docs: Sequence[Doc]) -> bool:
    """The verb, a derived form ("training" for "train") or a synonym, anywhere."""
    forms = {lemma}
    for group in _SYNONYMS:
        if lemma in group:
            forms |= group
    prefixes = tuple(f[: max(4, len(f) - 1)] for f in forms if len(f) >= 4)
    return any(
        t.lemma_.lower() in forms
        or t.lower_ in forms
        or (prefixes and t.lower_.startswith(prefixes))
        for doc in docs
        for t in doc
    )


def assess_relatedness(
    claim: Doc, docs: Sequence[Doc], p_model: float, rules_match: bool = False
) -> Relatedness:
    lemma = main_predicate(claim)
    missing_verb = None
    if lemma is not None and p_model < PREDICATE_CHECK_BELOW:
        missing_verb = None if predicate_present(lemma, docs) else lemma
    missing = tuple(missing_names(claim, _Vocabulary(docs)))
    return Relatedness(p_model, missing, missing_verb, rules_match)
