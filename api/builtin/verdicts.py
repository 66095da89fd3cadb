"""Verdict stances: "Erdogan described the weapons drop as a mistake" opposes the drop;
"called the story mere propaganda"; on an actor of the article, the stance targets it."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from api.builtin.attribution import Attribution
from api.builtin.cues import is_negated, stance_cue
from api.builtin.entities import ActorRecord, ActorTable
from api.builtin.stance_finding import StanceFinding, actor_of, on_actor, topic_of
from schemas.llm import StanceLabel

# "described the attacks as madness", "called the story mere propaganda": a verdict.
_VERDICT_VERBS = frozenset({"describe", "call", "label", "brand", "dub"})


def verdict_stances(
    docs: list[Doc], table: ActorTable, attributions: list[Attribution]
) -> list[StanceFinding]:
    """An actor's verdict on something named as the verb's object: "Erdogan described the
    weapons drop as a mistake" opposes the weapons drop; on an actor, it targets that actor."""
    # "They also called the story ...": the speaker attribution resolved for "call"
    resolved = {(a.number, a.verb.i): a.speaker for a in attributions if a.verb is not None}
    found = []
    for number, doc in enumerate(docs, start=1):
        for verb in doc:
            speaker = resolved.get((number, verb.i))
            stance = _verdict(number, verb, table, speaker)
            if stance is not None:
                found.append(stance)
    return found


def _verdict(
    number: int, verb: Token, table: ActorTable, speaker: ActorRecord | None
) -> StanceFinding | None:
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in _VERDICT_VERBS or is_negated(verb):
        return None
    judged = next((c for c in verb.children if c.dep_ == "dobj"), None)
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if judged is None or subject is None or judged.pos_ == "PRON":
        return None  # "described it as": what "it" is, a reader has to look up
    speaker = speaker or table.actor_at(number, subject)
    # the parser hangs "as Y" on the verb or on its object ("the drop as a mistake")
    verdict = [t for c in [*verb.children, *judged.children] if _is_verdict(c) for t in c.subtree]
    labels = {cue for t in verdict if (cue := stance_cue(t))}
    if speaker is None or not labels:
        return None
    label: StanceLabel = "mixed" if len(labels) > 1 else labels.pop()
    attribution = Attribution(number, speaker, "attitude", verdict, verb=verb)
    aimed = actor_of(judged, attribution, table)
    if aimed is not None:
        return on_actor(attribution, label, aimed)
    verdict_at = {t.i for t in verdict}
    kept = [t for t in judged.subtree if t.i not in verdict_at]
    text, stems = topic_of(judged.doc[kept[0].i : kept[-1].i + 1])
    return StanceFinding(speaker, label, text, None, [number], stems) if text else None


def _is_verdict(child: Token) -> bool:
    """The predicate of "call X Y" (oprd) or the "as Y" of "describe X as Y"."""
    return child.dep_ == "oprd" or (child.dep_ == "prep" and child.lower_ == "as")
