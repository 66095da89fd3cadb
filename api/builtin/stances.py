"""Stances: an actor's position, only where a cue word in their own speech shows it.

Two sources: claim stances (asserting a claim supports it, denying opposes it, "could
not confirm" is neutral) and evaluative stances from cue words in what the actor says
("We condemn X" opposes X; "X was in line with international law" supports X).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from api.builtin.attribution import Attribution
from api.builtin.claims import ClaimGroup, content_stems
from api.builtin.cues import (
    OBJECT_CUES,
    OBJECT_NOUN_CUES,
    REPORTING_VERBS,
    WISH_VERBS,
    StanceCue,
    is_negated,
    stance_cue,
)
from api.builtin.entities import ActorTable
from api.builtin.stance_finding import (
    StanceFinding,
    actor_of,
    aimed_at,
    on_actor,
    topic_of,
)
from api.builtin.verdicts import verdict_stances
from schemas.llm import StanceLabel

_MAX_TARGET_WORDS = 12
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
_DEMONSTRATIVES = frozenset({"this", "that", "it"})
_CLAIM_STANCE: dict[str, StanceLabel] = {
    "assert": "support", "confirm": "support", "deny": "oppose", "unconfirm": "neutral",
    "state": "support",
}  # fmt: skip


def claim_stances(groups: list[ClaimGroup]) -> list[StanceFinding]:
    """Positions on claims: denying, confirming or not confirming one is always a position;
    asserting one only when another party takes a position on it too."""
    found: list[StanceFinding] = []
    for index, group in enumerate(groups):
        parties = {id(m.speaker) for m in group.members if m.speaker}
        for member in group.members:
            if member.speaker is None or (len(parties) < 2 and member.kind == "assert"):
                continue  # one speaker's own statement: its evaluative stance says more
            label = _CLAIM_STANCE[member.kind]
            _merge(found, StanceFinding(member.speaker, label, "", index, [member.number]))
    return _without_retracted(found)


def _without_retracted(found: list[StanceFinding]) -> list[StanceFinding]:
    """A speaker who later denies their own claim has retracted it: the denial stands."""
    denials = [(s.actor, s.claim, s.evidence[0]) for s in found if s.label == "oppose"]
    return [
        s
        for s in found
        if s.label != "support"
        or not any(a is s.actor and c == s.claim and n > s.evidence[-1] for a, c, n in denials)
    ]


def act_stances(groups: list[ClaimGroup], attributions: list[Attribution]) -> list[StanceFinding]:
    """ "Met police denies reports of Banksy arrest": a denial (or confirmation) of something
    no claim group holds, targeting what is denied as written."""
    grouped = {id(m) for g in groups for m in g.members}
    found = []
    for attribution in attributions:
        if (
            attribution.speaker is None
            or attribution.kind not in {"deny", "confirm", "unconfirm"}
            or id(attribution) in grouped
            or (target := _content_phrase(attribution.content)) is None
        ):
            continue
        text, stems = topic_of(target)
        if not text:
            continue
        label = _CLAIM_STANCE[attribution.kind]
        found.append(StanceFinding(attribution.speaker, label, text, None,
                                   [attribution.number], stems))  # fmt: skip
    return found


def _content_phrase(tokens: list[Token]) -> Span | None:
    words = [t for t in tokens if not (t.is_punct or t.text in '"“”')]
    if not words or _word_count(words) > _MAX_TARGET_WORDS or not content_stems(words)[0]:
        return None
    return words[0].doc[words[0].i : words[-1].i + 1]


def _object_target(cue: Token) -> Token | None:
    lemma = cue.lemma_.lower()
    if cue.pos_ == "VERB" and lemma in OBJECT_CUES:
        return next((c for c in cue.children if c.dep_ == "dobj"), None)
    if cue.pos_ == "NOUN" and lemma in OBJECT_NOUN_CUES:
        for prep in (c for c in cue.children if c.dep_ == "prep" and c.lower_ in {"of", "for"}):
            return next((c for c in prep.children if c.dep_ == "pobj"), None)
    return None


def _judged_subject(cue: Token) -> Token | None:
    """The named subject of the clause a judgement word sits in, below any reporting verb."""
    subject = _cue_subject(cue)
    return None if subject is None or subject.pos_ == "PRON" else subject


def _cue_subject(cue: Token) -> Token | None:
    node = cue
    while True:
        if node.lemma_.lower() in REPORTING_VERBS and node.i != cue.i:
            return None
        subject = next((c for c in node.children if c.dep_ in _SUBJECT_DEPS), None)
        if subject is not None or node.head.i == node.i:
            return subject
        node = node.head


def _judges_what_went_before(attribution: Attribution) -> bool:
    """ "This is a deliberate provocation": the judgement is about the event just reported."""
    return any(
        (subject := _cue_subject(t)) is not None
        and subject.lower_ in _DEMONSTRATIVES
        and subject.tag_ != "WDT"  # "acts that threaten": a relative, not a pointer back
        for t in attribution.content
        if stance_cue(t)
    )


def _latest_claim(groups: list[ClaimGroup], number: int) -> int | None:
    """The claim last reported before sentence `number`."""
    before = [(max(n for n in g.evidence if n < number), i)
              for i, g in enumerate(groups) if any(n < number for n in g.evidence)]  # fmt: skip
    return max(before)[1] if before else None


def _phrase(head: Token) -> Span | None:
    tokens = list(head.subtree)
    while tokens and (tokens[-1].is_punct or tokens[-1].text in '"“”'):
        tokens = tokens[:-1]
    if _word_count(tokens) > _MAX_TARGET_WORDS:
        cut = next((i for i, t in enumerate(tokens) if t.text == ","), len(tokens))
        tokens = tokens[:cut]
    if not tokens or _word_count(tokens) > _MAX_TARGET_WORDS:
        return None
    return head.doc[tokens[0].i : tokens[-1].i + 1]


def _word_count(tokens: list[Token]) -> int:
    return sum(1 for t in tokens if t.text[:1].isalnum())


def _cue_target(cues: list[tuple[Token, StanceCue]]) -> Span | None:
    """Object cues name their target best ("condemn X"); judgements target a subject."""
    for cue, _ in cues:
        head = _object_target(cue)
        if head is not None and (phrase := _phrase(head)) is not None:
            return phrase
    for cue, _ in cues:
        judged = cue.head if cue.dep_ == "amod" and cue.head.dep_ != "attr" else None
        if judged is not None and (phrase := _phrase(judged)) is not None:
            return phrase  # "made a good offer": the noun it judges ("X is the best Y" judges X)
    for cue, _ in cues:
        head = _judged_subject(cue)
        if head is not None and (phrase := _phrase(head)) is not None:
            return phrase
    return None


def evaluative_stance(
    attribution: Attribution, table: ActorTable | None = None
) -> StanceFinding | None:
    """The speaker's judgement; target "" when the cue names no target of its own."""
    if attribution.speaker is None or attribution.kind in {"deny", "unconfirm"}:
        return None  # "could not confirm" outweighs a conditional "would be dangerous"
    if table is not None and (accused := _accusation(attribution, table)) is not None:
        return accused
    tokens = attribution.content
    if attribution.kind == "attitude" and attribution.verb is not None:
        tokens = [attribution.verb, *tokens]  # "opposed the plan": the act is the cue
    cues = [(t, cue) for t in tokens if (cue := stance_cue(t))]
    if not cues:
        return None
    target = _cue_target(cues)
    labels = {cue for _, cue in cues}
    label: StanceLabel = "mixed" if len(labels) > 1 else labels.pop()
    aimed = aimed_at(target, attribution, table) if target is not None else None
    if aimed is not None:
        return on_actor(attribution, label, aimed)
    text, stems = topic_of(target)
    return StanceFinding(attribution.speaker, label, text, None, [attribution.number], stems)


# "accused the ministry of ...", "blamed Hamas for ...": the object is who is opposed.
_ACCUSE_VERBS = frozenset({"accuse", "blame"})


def _accusation(attribution: Attribution, table: ActorTable) -> StanceFinding | None:
    verb = attribution.verb
    if verb is None or verb.lemma_.lower() not in _ACCUSE_VERBS or is_negated(verb):
        return None
    accused = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if accused is None:
        return None
    aimed = actor_of(accused, attribution, table)
    return on_actor(attribution, "oppose", aimed) if aimed is not None else None


def _continues(found: list[StanceFinding], new: StanceFinding) -> bool:
    """A quote run goes on in the same vein ("... acts that threaten our security")."""
    for old in found:
        same_vein = old.actor is new.actor and old.label == new.label and old.claim is None
        if same_vein and new.evidence[0] - 1 in old.evidence:
            old.evidence.append(new.evidence[0])
            return True
    return False


def _same_topic(old: StanceFinding, new: StanceFinding) -> bool:
    if old.target_actor is not None or new.target_actor is not None:
        return old.target_actor is new.target_actor
    return old.target.lower() == new.target.lower() or bool(old.stems & new.stems)


def _merge(found: list[StanceFinding], new: StanceFinding) -> None:
    """One stance per actor, label and target; evidence accumulates."""
    for old in found:
        same_target = old.claim == new.claim and (new.claim is not None or _same_topic(old, new))
        if old.actor is new.actor and old.label == new.label and same_target:
            old.evidence = sorted({*old.evidence, *new.evidence})
            return
    found.append(new)


def wish_stance(attribution: Attribution) -> StanceFinding | None:
    """ "called for maintenance to be brought back under public control": support for what
    the speaker wants done; a call on "both sides" takes no side (neutral)."""
    verb = attribution.verb
    if attribution.speaker is None or verb is None or verb.lemma_.lower() not in WISH_VERBS:
        return None
    if is_negated(verb) or any(c.dep_ == "oprd" for c in verb.children):
        return None  # "did not call for", "called the plan a tax": no wish
    wanted = [c for c in verb.children if c.dep_ in _WISH_DEPS or _is_purpose(c)]
    tokens = [t for c in wanted for t in c.subtree if t.dep_ != "mark"]
    target = _content_phrase(tokens)
    text, stems = topic_of(target)
    if target is None or not text:
        return None
    both = any(t.lower_ in {"both", "all"} and t.head.lemma_.lower() in _SIDES for t in target)
    label: StanceLabel = "neutral" if both else "support"
    return StanceFinding(attribution.speaker, label, text, None, [attribution.number], stems)


_WISH_DEPS = frozenset({"xcomp", "ccomp", "dobj", "prep"})


def _is_purpose(clause: Token) -> bool:
    """ "called for the port to be brought under public control": the wanted clause."""
    return clause.dep_ == "advcl" and any(
        c.lower_ in {"for", "to"} and c.dep_ in {"mark", "aux"} for c in clause.children
    )


_SIDES = frozenset({"side", "party"})


def find_stances(
    groups: list[ClaimGroup],
    attributions: list[Attribution],
    table: ActorTable | None = None,
    docs: list[Doc] | None = None,
) -> list[StanceFinding]:
    """Every stance of the article; with the actor table, stances on another actor of the
    article target that actor, and with the parsed sentences, verdicts count too."""
    found = claim_stances(groups)
    for verdict in verdict_stances(docs, table, attributions) if docs and table else []:
        _merge(found, verdict)
    for act in act_stances(groups, attributions):
        _merge(found, act)
    for attribution in attributions:
        wish = wish_stance(attribution) if attribution.kind == "attitude" else None
        if wish is not None:
            _merge(found, wish)
        stance = evaluative_stance(attribution, table)
        if stance is None:
            continue
        if not stance.target and _judges_what_went_before(attribution):
            stance.claim = _latest_claim(groups, attribution.number)
        if stance.target or stance.claim is not None:
            _merge(found, stance)
        elif attribution.clause is None:  # no target and no clause: only a continuation
            _continues(found, stance)
    return sorted(_without_contradictions(found), key=lambda s: s.evidence[0])


def _without_contradictions(found: list[StanceFinding]) -> list[StanceFinding]:
    """One actor supporting and opposing one target is one `mixed` stance, not two."""
    kept: list[StanceFinding] = []
    for stance in found:
        twin = next((k for k in kept if _contradicts(k, stance)), None)
        if twin is None:
            kept.append(stance)
            continue
        twin.label = "mixed"
        twin.evidence = sorted({*twin.evidence, *stance.evidence})
    return kept


def _contradicts(old: StanceFinding, new: StanceFinding) -> bool:
    if old.actor is not new.actor or {old.label, new.label} not in (
        {"support", "oppose"},
        {"mixed", "support"},
        {"mixed", "oppose"},
    ):
        return False
    if old.claim is not None or new.claim is not None:
        return old.claim == new.claim
    return _same_topic(old, new)
