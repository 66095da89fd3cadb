"""Cue lexicons: reporting verbs, claim-status cues, stance cues, and content stems.

Readable word lists, not a model: every label the engine gives traces back to one of
these words in the text (precision before recall: no cue, no label).
"""

from __future__ import annotations

from typing import Literal

from spacy.tokens import Token

# "state": the reporter's own unhedged statement of a checkable fact.
ReportKind = Literal["assert", "deny", "unconfirm", "confirm", "attitude", "state"]
StanceCue = Literal["support", "oppose"]

# Verbs whose subject is a speaker and whose complement is what they say.
ASSERT_VERBS = frozenset(
    "say tell accuse report claim write add state announce insist warn argue allege "
    "counter assert declare stress note explain post tweet estimate believe".split()
)
DENY_VERBS = frozenset("deny reject dismiss refute disavow debunk dispute doubt disprove".split())
# Retracting one's own statement denies it, but only a statement: "withdraw troops" does not.
RETRACT_VERBS = frozenset("withdraw retract".split())
CONFIRM_VERBS = frozenset("confirm verify corroborate".split())
# Verbs that show a position without reporting a fact (no claim, stance only).
ATTITUDE_VERBS = frozenset("want urge demand pledge vow call promise".split())
REPORTING_VERBS = ASSERT_VERBS | DENY_VERBS | CONFIRM_VERBS | ATTITUDE_VERBS
# Public calls and commitments: their complement is what the speaker supports. ("want"
# only reports a wish; the speech act around it says more.)
WISH_VERBS = frozenset("urge demand pledge vow call promise".split())

# Reporter-voice words that mark something as not established.
UNCONFIRMED_WORDS = frozenset(
    "unconfirmed unverified alleged allegedly reportedly purported purportedly "
    "unsubstantiated rumoured rumored".split()
)
# Reporter-voice words that hedge a statement: possibility, appearance, hearsay.
HEDGE_WORDS = frozenset(
    "may might could possible possibly likely probably apparent apparently appear seem "
    "feared rumour rumor rumours rumors speculation suspected supposedly".split()
)
# Verbs of hearsay in the passive with an infinitive: "is said to", "are believed to".
HEARSAY_PASSIVES = frozenset("say believe think rumour rumor report understand".split())
# Reporter-voice words that call a statement untrue: "a hoax", "fake", "debunked".
DEBUNK_WORDS = frozenset(
    "hoax hoaxer fake false untrue myth bogus fabricate fabricated fabrication fiction "
    "baseless unfounded debunk debunked".split()
)
# Nouns that stand for a claim made elsewhere: "denied the reports".
CLAIM_NOUNS = frozenset(
    "report claim allegation accusation rumour rumor story statement announcement".split()
)

# Stance cues whose *object* is the target: "We condemn X" opposes X.
OBJECT_CUES: dict[str, StanceCue] = {
    **dict.fromkeys(
        "condemn denounce oppose criticise criticize reject slam decry protest".split(), "oppose"
    ),
    **dict.fromkeys("support defend back endorse welcome praise applaud".split(), "support"),
}
OBJECT_NOUN_CUES: dict[str, StanceCue] = {
    **dict.fromkeys("condemnation opposition criticism".split(), "oppose"),
    **dict.fromkeys("support backing endorsement".split(), "support"),
}
# Stance cues that judge the *subject* of their clause: "X constitutes a violation".
PREDICATE_CUES: dict[str, StanceCue] = {
    **dict.fromkeys(
        "violation violate threaten threat escalation escalate dangerous illegal unlawful "
        "provocation provocative aggression destabilise destabilize undermine breach "
        "insult disgrace outrage scandal fabrication lie unacceptable unfair outrageous "
        "absurd reckless irresponsible baseless unfounded wrong mistake "
        # verdicts as quoted in news: "rumors of a coup were rubbish", "mere propaganda"
        "rubbish nonsense propaganda madness false untrue ridiculous shameful "
        "disgraceful appalling".split(),
        "oppose",
    ),
    **dict.fromkeys(
        "legal lawful legitimate beneficial justified fair reasonable good generous "
        "sensible necessary vital essential effective accurate appropriate "
        "hero heroic wonderful amazing excellent courageous brave".split(),
        "support",
    ),
}
# Adjectives that classify rather than judge when they modify a noun: "legal limits".
_CLASSIFYING = frozenset("legal lawful illegal unlawful good necessary essential".split())

# Stems that name the same event in different words; keeps "sent troops", "shipped
# forces" and "deployment of soldiers" in one claim. Small and news-generic on purpose.
_SYNONYMS = {
    "soldier": "troop", "force": "troop", "forces": "troop", "troops": "troop",
    "send": "deploy", "ship": "deploy", "dispatch": "deploy", "deployment": "deploy",
    "korean": "korea", "russian": "russia", "ukrainian": "ukraine", "american": "america",
    "kill": "death", "die": "death", "dead": "death",
}  # fmt: skip
_SKIP_POS = frozenset({"PUNCT", "DET", "ADP", "PRON", "AUX", "CCONJ", "SCONJ", "PART", "SPACE"})


def stem(token: Token) -> str | None:
    """A comparable stem for a content word, or None for function words and reporting verbs."""
    if token.pos_ in _SKIP_POS or token.is_stop or not token.text[:1].isalnum():
        return None
    lemma = token.lemma_.lower().replace("’", "'")
    if lemma in REPORTING_VERBS or len(lemma) < 3:
        return None
    lemma = _SYNONYMS.get(lemma, lemma)
    return _SYNONYMS.get(lemma[:6], lemma[:6])


def is_negated(token: Token) -> bool:
    """`not`/`n't`/`never` on the word or on the verb it depends on."""
    heads = [token, token.head] if token.dep_ in {"xcomp", "acomp", "attr", "dobj"} else [token]
    return any(child.dep_ == "neg" for head in heads for child in head.children)


def report_kind(verb: Token) -> ReportKind | None:
    lemma = verb.lemma_.lower()
    if lemma in DENY_VERBS:
        return "deny"
    if lemma in RETRACT_VERBS and any(
        c.dep_ == "dobj" and c.lemma_.lower() in CLAIM_NOUNS for c in verb.children
    ):
        return "deny"
    if lemma in CONFIRM_VERBS:
        return "unconfirm" if is_negated(verb) else "confirm"
    if lemma in ATTITUDE_VERBS:
        return "attitude"
    if lemma in ASSERT_VERBS:
        return "assert"
    if lemma in OBJECT_CUES and verb.pos_ == "VERB":
        return "attitude"  # "The association opposed the plan": a position taken in the act
    return None


def is_unconfirmed_word(token: Token) -> bool:
    return token.lower_ in UNCONFIRMED_WORDS or token.lemma_.lower() in UNCONFIRMED_WORDS


def is_hedge(token: Token) -> bool:
    """ "may", "possibly", "is said to": the statement is not presented as established."""
    lemma = token.lemma_.lower()
    if token.lower_ in HEDGE_WORDS or lemma in HEDGE_WORDS or is_unconfirmed_word(token):
        return token.tag_ == "MD" or token.lower_ not in {"may", "might", "could"}
    hearsay = lemma in HEARSAY_PASSIVES and any(c.dep_ == "auxpass" for c in token.children)
    return hearsay and any(c.dep_ == "xcomp" for c in token.children)


def is_debunk(token: Token) -> bool:
    return token.lower_ in DEBUNK_WORDS or token.lemma_.lower() in DEBUNK_WORDS


def is_in_line_with(token: Token) -> bool:
    """The multi-word support cue "in line with" / "in accordance with"."""
    return (
        token.lower_ in {"line", "accordance", "keeping"}
        and token.head.lower_ == "in"
        and any(child.lower_ == "with" for child in token.children)
    )


def _evaluated_object(adjective: Token) -> bool:
    """ "made a good offer", "condemn the illegal cooperation": the noun is being judged."""
    return adjective.head.dep_ in {"dobj", "attr"}


def stance_cue(token: Token) -> StanceCue | None:
    """The stance a single word signals, or None; negated cues signal nothing."""
    lemma = token.lemma_.lower()
    cue: StanceCue | None = None
    if token.pos_ == "VERB" and lemma in OBJECT_CUES:
        cue = OBJECT_CUES[lemma]
    elif token.pos_ == "NOUN" and lemma in OBJECT_NOUN_CUES:
        cue = OBJECT_NOUN_CUES[lemma]
    elif (lemma in PREDICATE_CUES or token.lower_ in PREDICATE_CUES) and not (
        token.dep_ == "amod" and lemma in _CLASSIFYING and not _evaluated_object(token)
    ):
        cue = PREDICATE_CUES.get(lemma) or PREDICATE_CUES[token.lower_]
    elif is_in_line_with(token):
        cue = "support"
    if cue is None or is_negated(token):
        return None
    return cue
