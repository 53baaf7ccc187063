"""Events: who did it and to whom, from the actor words of the sentence and what the text
implies (the reporting side, the soil struck, the civilians hurt)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .records import Actor, Claim, Evidence, PlaceMention

__all__ = ["RELATIVE", "captors", "claimant_side", "named_actors", "parties"]

RELATIVE = frozenset({"that", "which", "who", "whom", "whose"})  # pronouns that stand for a doer named before

_FORCES = {"RU": "Military Forces of Russia", "UA": "Military Forces of Ukraine"}
_GOVERNMENTS = {"RU": "Government of Russia", "UA": "Government of Ukraine"}
_CIVILIANS = {"RU": "Civilians (Russia)", "UA": "Civilians (Ukraine)"}
_OTHER_SIDE = {"RU": "UA", "UA": "RU"}
_VIOLENT = ("Battles", "Explosions/Remote violence", "Violence against civilians")


def _actor(name: str, side: str, evidence: Evidence | None, inter: int = 1) -> Actor:
    return Actor(name=name, side=side, inter=inter, canonical=name, evidence=evidence)


def named_actors(group: Any, sent: Any, article_id: str, lex: Any,
                 blocked: Sequence[tuple[int, int]], *, enemy_of: str | None = None) -> list[Actor]:
    """Actors named in the sentence, one per canonical actor: the event's subject first, then
    its own clause, then the rest of the sentence. ``enemy_of``: the side that speaks (the
    claimant, or the article's own voice), whose "enemy" is the other side's forces."""
    text = sent.text.lower().replace("’", "'")
    hits: list[tuple[int, int, Any]] = []
    entries = list(lex.actors)
    if enemy_of in _OTHER_SIDE:
        side = _OTHER_SIDE[enemy_of]
        entries.append(_Enemy(_FORCES[side], side))
        entries.append(_Own(_FORCES[enemy_of], enemy_of))
    for entry in entries:
        for m in entry.pattern.finditer(text):
            s = sent.start_char + m.start()
            if not any(a <= m.start() < b for a, b, _ in hits) and not any(a <= s < b for a, b in blocked):
                hits.append((m.start(), m.end(), entry))
    subject = _subject_span(group.head.token)

    def order(hit: tuple[int, int, Any]) -> tuple[int, int]:
        s = sent.start_char + hit[0]
        rank = 0 if subject and subject[0] <= s < subject[1] else 1 if group.start <= s < group.end else 2
        return rank, hit[0]
    out: list[Actor] = []
    ranked = sorted(hits, key=order)
    own = subject is not None and _OWN_FORCES.match(sent.doc.text, subject[0], subject[1]) is not None
    if enemy_of in _FORCES and (own or ranked and isinstance(ranked[0][2], _Enemy) and order(ranked[0])[0] > 0):
        # "its forces struck the refinery" (the speaker's); "to drive the enemy out": the enemy is done to
        at = Evidence(article_id=article_id, start=subject[0], end=subject[1],
                      text=sent.doc.text[subject[0]:subject[1]]) if own else None
        out.append(_actor(_FORCES[enemy_of], enemy_of, at))
    for start, end, entry in ranked:
        if not any(a.canonical == entry.canonical for a in out):
            evidence = Evidence(article_id=article_id, start=sent.start_char + start, end=sent.start_char + end,
                                text=sent.text[start:end])
            out.append(_actor(entry.canonical, entry.side, evidence, entry.inter))
    return out


_OWN_FORCES = re.compile(r"(?i:its|their|his|her|our)\s+(?:\w+\s+)?(?i:forces|troops|units|army|military|soldiers|"
                         r"fighters|air force|navy|drones|aviation)\b")


class _Enemy:
    """The other side's forces, as the speaker calls them: "the enemy", "enemy aviation", "the occupiers"."""

    pattern = re.compile(r"(?<![\w-])(?:the\s+)?(?:enemy|enemy's|adversary|adversary's|occupiers|occupiers'|"
                         r"occupying forces)(?![\w-])")
    inter = 1

    def __init__(self, canonical: str, side: str) -> None:
        self.canonical, self.side = canonical, side


class _Own(_Enemy):
    """The speaker's own forces, as a combatant's post calls them: "our lads", "our assault groups",
    "X is ours"."""

    pattern = re.compile(r"(?<![\w-])(?:ours|our\s+(?:\w+\s+)?(?:lads|guys|boys|men|troops|forces|units|"
                         r"fighters|soldiers|army|brigade|brigades|assault groups|drone team|defenders))(?![\w-])")


def _subject_span(token: Any) -> tuple[int, int] | None:
    """The doer: a verb's subject or agent (a coordinated or infinitive verb shares its head's);
    for a noun, the words before it and its "by" phrase ("Ukrainian shelling", "assault by troops")."""
    if token.pos_ in ("NOUN", "PROPN"):
        by = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "by" for g in c.subtree]
        end = max((t.idx + len(t) for t in by), default=token.idx + len(token))
        return token.left_edge.idx, end
    for _ in range(3):
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass", "agent") and child.lower_ not in RELATIVE:
                return child.left_edge.idx, child.right_edge.idx + len(child.right_edge)
        if token.dep_ not in ("xcomp", "conj", "advcl") or token.head is token:
            return None
        token = token.head
    return None


def claimant_side(group: Any, claims: Sequence[Claim]) -> tuple[str, Evidence | None] | None:
    """The belligerent whose claim reports this event: its own forces or government are the
    actor when the text names none ("repelled two attacks", a ministry says)."""
    for claim in claims:
        if claim.evidence.start <= group.start < claim.evidence.end and claim.claimant.side in _FORCES:
            return claim.claimant.side, claim.claimant.evidence
    return None


def parties(named: list[Actor], etype: str, sub: str, clause: str, place: PlaceMention | None,
             reporter: tuple[str, Evidence | None] | None, group: Any,
             targets: tuple[re.Pattern[str], re.Pattern[str]]) -> tuple[Actor | None, Actor | None]:
    """ACLED's actor1 and actor2 from the actors named and what the text implies: the reporting
    side, the soil the event happened on (its country's forces defend it, its people are the
    civilians hurt), the opposing belligerent of a battle or an interception. ``targets`` are
    the words of military and of civilian targets (``events.json``)."""
    country = place.place.country if place is not None and place.place is not None else None
    soil = (country, place.evidence) if country in _FORCES else None
    armed = [_as_forces(a) if etype in _VIOLENT or sub == "Disrupted weapons use" else a
             for a in named if a.inter != 7]
    hurt = [a for a in named if a.inter == 7]
    military = bool(targets[0].search(clause.lower()))
    actor1 = armed[0] if armed else None
    actor2 = next((a for a in armed[1:] if actor1 is not None and a.side != actor1.side and a.side in _FORCES), None)
    if etype == "Strategic developments" and sub != "Disrupted weapons use":
        if actor1 is None and (reporter or soil):
            side, evidence = reporter or soil
            actor1 = _actor(_GOVERNMENTS[side], side, evidence)
        return actor1, actor2 if sub in ("Agreement", "Arrests") else None
    if actor1 is None:
        # a side that reports fighting or striking military targets speaks of its own forces; an
        # attack on one belligerent's soil with no attacker named is the other's
        if soil and etype == "Explosions/Remote violence" and not (reporter and military):
            actor1 = _actor(_FORCES[_OTHER_SIDE[soil[0]]], _OTHER_SIDE[soil[0]], None)
        elif soil and sub == "Disrupted weapons use":
            actor1 = _actor(_FORCES[soil[0]], soil[0], soil[1])
        elif reporter or (soil and etype == "Battles"):
            side, evidence = reporter or soil
            actor1 = _actor(_FORCES[side], side, evidence)
    if sub == "Disrupted weapons use" and actor1 is not None and actor2 is not None:
        actor1, actor2 = _interceptor_first(actor1, actor2, group)
    if actor2 is not None or actor1 is None or actor1.side not in _FORCES:
        return actor1, actor2
    enemy = _OTHER_SIDE[actor1.side]
    if etype == "Battles" or sub == "Disrupted weapons use":
        return actor1, _actor(_FORCES[enemy], enemy, None)
    if hurt:
        side = country if country in _CIVILIANS else None
        return actor1, _actor(_CIVILIANS[side] if side else "Civilians", side or "unknown", hurt[0].evidence, 7)
    if military:
        return actor1, _actor(_FORCES[enemy], enemy, soil[1] if soil and soil[0] == enemy else None)
    hit = targets[1].search(clause.lower())
    if soil and soil[0] == enemy and hit and soil[1] is not None:
        # the enemy's homes, cars and streets hit: its civilians are the target, no person named
        evidence = Evidence(article_id=soil[1].article_id, start=group.start + hit.start(),
                            end=group.start + hit.end(), text=clause[hit.start():hit.end()])
        return actor1, _actor(_CIVILIANS[enemy], enemy, evidence, 7)
    return actor1, None


def captors(named: list[Actor], held: tuple[int, int],
            reporter: tuple[str, Evidence | None] | None) -> tuple[Actor | None, Actor | None]:
    """Prisoners taken: the forces named among the words ``held`` are the captives (actor2), their
    enemy took them (actor1); with none named there, the reporting side took prisoners of the other."""
    captive = next((_as_forces(a) for a in named if a.side in _FORCES and a.inter == 1 and a.evidence is not None
                    and held[0] <= a.evidence.start < held[1]), None)
    if captive is None:
        if reporter is None:
            return None, None
        side, evidence = reporter
        return _actor(_FORCES[side], side, evidence), _actor(_FORCES[_OTHER_SIDE[side]], _OTHER_SIDE[side], None)
    captor = next((a for a in named if a.side == _OTHER_SIDE[captive.side] and a.inter == 1), None)
    enemy = _OTHER_SIDE[captive.side]
    return _as_forces(captor) if captor else _actor(_FORCES[enemy], enemy, None), captive


def _as_forces(actor: Actor) -> Actor:
    """A government named as the doer of violence ("Kyiv launched its incursion") acts through its forces."""
    for side, name in _GOVERNMENTS.items():
        if actor.canonical == name:
            return _actor(_FORCES[side], side, actor.evidence)
    return actor


def _interceptor_first(a: Actor, b: Actor, group: Any) -> tuple[Actor, Actor]:
    """In "N Ukrainian drones were downed", the owner of the drones is actor2."""
    tok = group.head.token
    subject = _subject_span(tok)
    if tok.tag_ == "VBN" and subject is not None and a.evidence is not None and subject[0] <= a.evidence.start < subject[1]:
        return b, a
    return a, b
