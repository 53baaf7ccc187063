"""Events: what happened on the ground, ACLED-coded, with context flags.

Cue verbs and nouns (``data/events.json``) propose events. Cues of one clause are one
event ("repelled a series of attacks"); a nested cue is an event of its own when it heads
its own clause ("..., while fighting continued near B"), carries its own year (background),
or names a place of its own ("crossed near A, with clashes reported around B"). The event's
type comes from its head cue, or from the noun that is the subject, agent or object of a
light verb ("strikes destroyed", "launched an incursion"); words of the clause refine the
sub-type, the first means named winning. Figures of ground held are claims of control even
with no verb of holding (``events_figures``). Actors come from actor words (the subject first)
and from what the text implies: the reporting side, the soil struck, the civilians hurt
(``events_actors``). The place is the most precise one of the event's clause, the date from
the sentence's time words against the publication date, and the flags from the grammar
around the event's predicate. Flagged statements are kept, flagged, never coded as events
that happened.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from . import dates
from .claimants import header_author, side_from_words, voice_side
from .claimants import lexicon as claim_lexicon
from .events_actors import RELATIVE as _RELATIVE
from .events_actors import captors, claimant_side, named_actors, parties
from .events_figures import control_figures
from .records import Claim, DateValue, Event, Evidence, PlaceMention, Quantity, Versions

__all__ = ["find_events", "lexicon", "resolve_date"]

_PRECISION_RANK = {"point": 0, "near": 1, "adm2": 2, "adm1": 3, "vague": 4, "country": 5, "unknown": 6}
_YEAR = re.compile(r"\b(1[89]\d\d|20[0-4]\d)\b")
# "MOSCOW/KYIV, Aug 7 (Meridian) -": where the reporter filed from, not where anything happened
_DATELINE = re.compile(r"(?m)^[ \t]*[A-Z][A-Z .'/-]{2,40},[^\n]{0,30}?\([^)\n]{1,40}\)[ \t]*[-–—]")
_TERRITORY = "Non-state actor overtakes territory"
_FIGURE = "@figure"  # the cue of a claim of ground held told in figures (events_figures.py)
_CLAUSE_DEPS = frozenset({"conj", "advcl", "ccomp", "parataxis"})


@dataclass(frozen=True, slots=True)
class _ActorWords:
    words: tuple[str, ...]
    canonical: str
    side: str
    inter: int
    pattern: re.Pattern[str]  # the words as one alternation, longest first


@dataclass(frozen=True, slots=True)
class _ObjectType:
    verbs: frozenset[str]
    nouns: frozenset[str]
    event_type: str
    sub_event_type: str
    captives: bool  # the forces named in the object are taken prisoner
    subject: bool  # the verb's subject selects, not its object
    refine: bool  # the clause's words refine the sub-type
    left: bool = False  # what the verb leaves ("withdrew from the town") selects
    by: frozenset[str] = frozenset()  # when given, the verb's subject must be one of these ("troops left X")


@dataclass(frozen=True, slots=True)
class EventLexicon:
    version: str
    verbs: dict[str, tuple[str, str]]
    nouns: dict[str, tuple[str, str]]
    noun_pattern: re.Pattern[str]
    refine: tuple[tuple[str, str, str, str, frozenset[str] | None], ...]
    territory: dict[str, str]
    actors: tuple[_ActorWords, ...]
    future: frozenset[str]
    future_aux: frozenset[str]
    hypothetical_aux: frozenset[str]
    conditional: frozenset[str]
    negating: frozenset[str]
    particles: dict[str, frozenset[str]]
    objects: dict[str, frozenset[str]]
    fixed: frozenset[str]
    defer: frozenset[str]
    casualty: frozenset[str]
    naming: frozenset[str]
    blaming: frozenset[str]
    time_nouns: frozenset[str]
    occasions: tuple[frozenset[str], frozenset[str]]  # "the first time": the nouns and their qualifiers
    habitual: frozenset[str]
    figures: tuple[frozenset[str], frozenset[str]]  # what makes a figure one of ground held: verbs, nouns
    targets: tuple[re.Pattern[str], re.Pattern[str]]  # words of military, of civilian targets
    object_types: tuple[_ObjectType, ...]  # verbs told apart by what they act on
    background: dict[str, str]  # cues that name one past happening ("the full-scale invasion"): its date
    attempts: frozenset[str]  # "tried to break through": ground only tried for
    directions: frozenset[str]  # "advanced towards the city": heading for ground, not taking it
    negating_subjects: frozenset[str]  # "nobody ordered a retreat"
    not_with_prep: dict[str, dict[str, frozenset[str]]]  # "left without electricity": verb, prep, objects


@functools.cache
def lexicon() -> EventLexicon:
    raw = json.loads(resources.files("fogofwar").joinpath("data/events.json").read_text("utf-8"))
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:8]
    territory = {lemma: change for change, lemmas in raw["territory"].items() for lemma in lemmas}
    actors = []
    things = "|".join(re.escape(w) for w in raw["actor_things"]["words"])
    for a in raw["actors"]:
        words = tuple(sorted(a["words"], key=len, reverse=True))
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])"
                             rf"(?!(?:'s)?(?:\s+[\w'-]+)?\s+(?:{things})\b)")  # "Ukraine's military industry": a thing
        actors.append(_ActorWords(words, a["canonical"], a["side"], a["inter"], pattern))
    nouns = {k: tuple(v) for k, v in raw["noun_cues"].items()}
    phrases = sorted(nouns, key=len, reverse=True)
    flags, refs = raw["flags"], raw["references"]
    return EventLexicon(
        version=f"{raw['version']}-{digest}", verbs={k: tuple(v) for k, v in raw["verb_cues"].items()},
        nouns=nouns, noun_pattern=re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")(?:e?s)?\b"),
        refine=tuple((r[0], r[1], r[2], r[3], frozenset(r[4]) if len(r) > 4 else None) for r in raw["refine"]["rules"]),
        territory=territory, actors=tuple(actors), future=frozenset(flags["future"]),
        future_aux=frozenset(flags["future_aux"]), hypothetical_aux=frozenset(flags["hypothetical_aux"]),
        conditional=frozenset(flags["conditional"]), negating=frozenset(flags["negating_verbs"]),
        particles={k: frozenset(v) for k, v in raw["only_with_particle"].items()},
        objects={k: frozenset(v) for k, v in raw["only_with_object"].items() if not k.startswith("_")},
        fixed=frozenset(raw["fixed_subtype"]["cues"]), defer=frozenset(raw["defer_to_argument"]["lemmas"]),
        casualty=frozenset(raw["casualty_only"]["lemmas"]), naming=frozenset(refs["naming"]),
        blaming=frozenset(refs["blaming"]), time_nouns=frozenset(refs["time_nouns"]),
        occasions=(frozenset(refs["occasions"]["nouns"]), frozenset(refs["occasions"]["words"])),
        habitual=frozenset(refs["habitual"]),
        figures=(frozenset(raw["control_figures"]["verbs"]), frozenset(raw["control_figures"]["nouns"])),
        targets=(_words(raw["targets"]["military"]), _words(raw["targets"]["civilian"])),
        object_types=tuple(_ObjectType(frozenset(r["verbs"]), frozenset(r["nouns"]), r["type"][0], r["type"][1],
                                       r["captives"], r["subject"], r["refine"], r.get("from", False),
                                       frozenset(r.get("by", ())))
                           for r in raw["object_types"]["rules"]),
        background=dict(flags["background"]), attempts=frozenset(raw["attempts"]["words"]),
        directions=frozenset(raw["directions"]["words"]),
        negating_subjects=frozenset(flags["negating_subjects"]),
        not_with_prep={k: {p: frozenset(o) for p, o in v.items()} for k, v in raw["not_with_prep"].items()
                       if not k.startswith("_")})


def _words(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")


# --- cues and their grouping into events ---------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Cue:
    token: Any
    key: str  # the lemma or noun phrase that matched
    event_type: str
    sub_event_type: str

    @property
    def start(self) -> int:
        return self.token.left_edge.idx

    @property
    def end(self) -> int:
        return self.token.right_edge.idx + len(self.token.right_edge)


@dataclass(frozen=True, slots=True)
class _Spot:
    """A place named in a sentence, as the grouping of cues compares them."""

    id: str
    admin1: str | None
    settlement: bool


@dataclass(slots=True)
class _Group:
    """One event's cues: the head cue, the cues merged into it, and its evidence span."""

    head: _Cue
    members: list[_Cue]
    start: int
    end: int
    inner: list[tuple[int, int]] = field(default_factory=list)  # spans of separate events nested in it


def _raw_cues(sent: Any, lex: EventLexicon, place_spans: Sequence[tuple[int, int]]) -> list[_Cue]:
    found: list[_Cue] = []
    verb = sent.doc.vocab.strings["VERB"]  # compared as the integer tag: most tokens are not verbs
    for tok in sent:
        if tok.pos != verb:
            continue
        lemma = tok.lemma_.lower()
        if lemma in lex.verbs and _verb_counts(tok, lemma, lex, place_spans):
            found.append(_Cue(tok, lemma, *lex.verbs[lemma]))
        elif acted := _acted_on(tok, lemma, lex):
            found.append(_Cue(tok, lemma, acted[0].event_type, acted[0].sub_event_type))
    taken = {c.token.i for c in found}
    for m in lex.noun_pattern.finditer(sent.text.lower()):
        phrase = next((p for p in (m.group(0), m.group(0)[:-1], m.group(0)[:-2]) if p in lex.nouns), None)
        start = sent.start_char + m.start()
        span = sent.doc.char_span(start, sent.start_char + m.end(), alignment_mode="expand")
        if phrase is None or span is None or span.root.i in taken or _names_a_thing(span.root, lex):
            continue
        taken.add(span.root.i)
        found.append(_Cue(span.root, phrase, *lex.nouns[phrase]))
    return found


_VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence"})
_SUPPORT = frozenset({"support", "back", "cover", "help", "assistance", "aid"})
# "evacuation trains kept departing", "the evacuation zone was widened": things that carry the event on
_CARRIERS = frozenset({"train", "bus", "convoy", "column", "flight", "corridor", "route", "zone", "order", "regime"})


def _names_a_thing(tok: Any, lex: EventLexicon) -> bool:
    """"armoured fighting vehicles", "emergency services": a cue word that only qualifies the name
    of a thing (its head is no cue itself, as "strikes" is in "artillery strikes", nor a thing that
    carries the event on, as in "evacuation trains")."""
    head = tok.head
    if (tok.dep_ in ("compound", "amod") and head is not tok and head.pos_ == "NOUN"
            and not lex.noun_pattern.fullmatch(head.lower_) and head.lemma_.lower() not in lex.verbs
            and head.lemma_.lower() not in _CARRIERS):
        return True
    # "with support from aviation and artillery": the means of another event, not one itself
    top = tok
    while top.dep_ == "conj" and top.head is not top:
        top = top.head
    return top.dep_ == "pobj" and top.head.head.lemma_.lower() in _SUPPORT


def _verb_counts(tok: Any, lemma: str, lex: EventLexicon, place_spans: Sequence[tuple[int, int]]) -> bool:
    """"shoot" alone is not "shoot down"; "taken to hospital in the city" is not "took the city": what
    such a verb needs is its direct object (or passive subject), never a place it happens in."""
    if tok.dep_ == "amod":
        return False  # "the surrounding villages": a participle that only describes
    barred = lex.not_with_prep.get(lemma, {})
    if any(c.dep_ == "prep" and g.dep_ == "pobj" and g.lemma_.lower() in barred.get(c.lower_, ())
           for c in tok.children for g in c.children):
        return False  # "left without electricity"
    particles = lex.particles.get(lemma)
    if particles and not any(c.lower_ in particles for c in tok.children if c.dep_ in ("prt", "advmod", "prep")):
        return False
    wanted = lex.objects.get(lemma)
    if not wanted:
        return True
    direct = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "attr")]
    direct += [g for o in direct if o.lower_ in _SHARES for p in o.children if p.dep_ == "prep" and p.lower_ == "of"
               for g in p.children if g.dep_ == "pobj"]  # "take all of the Donetsk region"
    for obj in direct + [c for o in direct for c in o.conjuncts]:
        if obj.lower_ in ("part", "parts") and not any(c.lower_ == "of" for c in obj.children):
            continue  # "took part in the drills": no ground
        if obj.lower_ in _RELATIVE and tok.dep_ == "relcl":
            obj = tok.head  # "Robotyne, which the enemy had occupied": the town
        if obj.lemma_.lower() in wanted:
            return True
        if "@place" in wanted and (obj.pos_ == "PROPN" or any(s <= obj.idx < e for s, e in place_spans)):
            return True
    return False


_SHARES = frozenset({"all", "most", "much", "rest", "half", "part", "parts", "remainder", "bulk", "some"})


def _objects(tok: Any) -> list[Any]:
    out = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "attr")]
    out += [g for c in tok.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    return out + [c for o in out for c in o.conjuncts]


def _groups(cues: list[_Cue], place_at: dict[int, _Spot], lex: EventLexicon) -> list[_Group]:
    """Cues nested in another cue's clause merge into its event unless they stand apart."""
    groups: list[_Group] = []
    owner: dict[int, _Group] = {}  # token index of every kept cue -> its group
    types = {c.token.i: c.event_type for c in cues}
    for cue in sorted(cues, key=lambda c: (c.start - c.end, c.token.i)):
        anchors = [t for t in (cue.token, *cue.token.ancestors) if t.i in owner]
        anchor = anchors[0] if anchors else None
        if anchor is not None and not _stands_apart(cue.token, anchor, place_at, lambda t: types[t.i], lex):
            owner[anchor.i].members.append(cue)
            owner[cue.token.i] = owner[anchor.i]
            continue
        group = _Group(cue, [cue], cue.start, cue.end)
        if anchor is not None:
            clause = _own_clause(cue.token, anchor)
            if clause is not None:  # "..., and that 59,000 more were still to be moved": all its words
                group.start = min(group.start, clause.left_edge.idx)
                group.end = max(group.end, clause.right_edge.idx + len(clause.right_edge))
            owner[anchor.i].inner.append((group.start, group.end))
        groups.append(group)
        owner[cue.token.i] = group
    for g in groups:
        _widen_to_predicate(g, groups, owner)
        _widen_to_antecedent(g)
    for g in groups:  # separate events nested in an event are cut from its evidence, as finally spanned
        g.inner = [(o.start, o.end) for o in groups if o is not g and g.head.token.is_ancestor(o.head.token)] + [
            span for span in g.inner if span not in {(o.head.start, o.head.end) for o in groups}]
        g.start, g.end = _trimmed(g)
    return sorted(groups, key=lambda g: g.head.token.i)


def _widen_to_predicate(group: _Group, groups: list[_Group], owner: dict[int, _Group]) -> None:
    """A noun cue that is the subject of a plain verb takes that verb's clause as its own:
    "fighting continued near B" happened near B, and "fighting raged in 1943" in 1943."""
    tok = group.head.token
    pred = tok.head
    said_of = tok.dep_ in ("attr", "acomp") and pred.lemma_ == "be"  # "Ocheretino is ours": the whole clause
    if not said_of and tok.dep_ not in ("nsubj", "nsubjpass") or pred.pos_ not in ("VERB", "AUX") or pred.i in owner:
        return
    group.start, group.end = pred.left_edge.idx, pred.right_edge.idx + len(pred.right_edge)
    for other in groups:
        t = other.head.token
        if other is not group and pred.left_edge.i <= t.i <= pred.right_edge.i and not tok.is_ancestor(t):
            group.inner.append((other.start, other.end))


def _own_clause(tok: Any, anchor: Any) -> Any:
    """The outermost clause with a subject of its own between a cue and the cue it is nested in."""
    found, t = None, tok
    while t.i != anchor.i and t.head is not t:
        if t.dep_ in _CLAUSE_DEPS and _own_subject(t):
            found = t
        t = t.head
    return found


def _widen_to_antecedent(group: _Group) -> None:
    """"a guided bomb that hit the town": the thing a relative clause's "that" stands for is its doer."""
    tok = group.head.token
    if tok.dep_ == "relcl" and any(c.dep_ == "nsubj" and c.lower_ in _RELATIVE for c in tok.children):
        group.start = min(group.start, tok.head.left_edge.idx)


def _stands_apart(tok: Any, anchor: Any, place_at: dict[int, _Spot], cue_type: Any,
                  lex: EventLexicon) -> bool:
    if tok.i == anchor.i:
        return False
    if _own_year(tok):
        return True  # background with its own year ("since the invasion of 2022") is its own event
    t = tok
    while t.i != anchor.i and t.head is not t:
        if t.dep_ == "relcl" and any(_YEAR.fullmatch(x.text) for x in t.subtree):
            return True  # "soldiers, who started a full-scale invasion in 2022, ...": background told apart
        t = t.head
    if _describes(anchor) and tok.dep_ in _CLAUSE_DEPS | {"relcl"} and not _describes(tok) and any(
            c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
        return True  # "killed by a bomb that hit A": a description holding a clause of its own
    t = tok
    while t.i != anchor.i:
        if t.dep_ in _CLAUSE_DEPS and _own_subject(t):
            # a clause of its own ("artillery hit A, while fighting continued near B") is another
            # event when it says something else, names a place of its own, or is told in another
            # mood ("121,000 had left and 59,000 were still to be moved"); "12 were killed and 20
            # injured" is one toll
            return (cue_type(tok) != cue_type(anchor) or _elsewhere(t, anchor, place_at, settled=False)
                    or _mood(tok, lex) != _mood(anchor, lex))
        t = t.head
    # ACLED codes one event per location: "destroyed the bridge at A and damaged one at B",
    # "crossed near A, with clashes reported around B"
    return (tok.dep_ == "conj" or tok.pos_ == "NOUN") and _elsewhere(tok, anchor, place_at, settled=True)


def _elsewhere(clause: Any, anchor: Any, place_at: dict[int, _Spot], *, settled: bool) -> bool:
    """Whether a nested clause and the rest of its anchor's clause name places of their own that
    cannot be one place: two settlements, or places in two regions (a settlement may lie in the
    region named beside it). ``settled``: only settlements count."""
    inside = range(clause.left_edge.i, clause.right_edge.i + 1)
    inner = {place_at[i] for i in inside if i in place_at and (place_at[i].settlement or not settled)}
    outer = {place_at[i] for i in range(anchor.left_edge.i, anchor.right_edge.i + 1)
             if i in place_at and i not in inside and (place_at[i].settlement or not settled)}
    return bool(inner and outer) and not any(
        a.id == b.id or (not (a.settlement and b.settlement) and a.admin1 == b.admin1) for a in inner for b in outer)


def _mood(tok: Any, lex: EventLexicon) -> frozenset[str]:
    """The markers a clause's own predicate carries: not, will/would, could/may, "is to be"."""
    pred = _predicate(tok)
    aux = {c.lower_ for c in pred.children if c.dep_ in ("aux", "auxpass")}
    marks = {"neg"} if any(c.dep_ == "neg" for c in pred.children) else set()
    if aux & lex.future_aux or ("to" in aux and pred.head.lemma_ == "be"):
        marks.add("future")
    if aux & lex.hypothetical_aux:
        marks.add("hypothetical")
    return frozenset(marks)


def _describes(tok: Any) -> bool:
    """A participle or passive relative clause describing a thing: "rockets fired from", "the building that was hit"."""
    if tok.pos_ != "VERB":
        return False
    return tok.dep_ == "acl" or (tok.dep_ == "relcl" and any(c.dep_ == "nsubjpass" and c.lower_ in _RELATIVE
                                                                for c in tok.children))


def _own_subject(tok: Any) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl") and c.lower_ not in _RELATIVE for c in tok.children)


def _own_year(tok: Any) -> bool:
    return tok.dep_ not in ("ROOT",) and any(_YEAR.fullmatch(t.text) for t in tok.subtree)


def _trimmed(group: _Group) -> tuple[int, int]:
    """The head's clause without separate events at its edges (their words are not its evidence)."""
    start, end = group.start, group.end
    head = group.head.token.idx
    for s, e in sorted(group.inner):
        if s > head:
            end = min(end, s)
        elif e <= head:
            start = max(start, e)
    return start, end


def _descriptive(group: _Group) -> bool:
    """A participle or passive relative clause describing a thing ("rockets fired from a launcher",
    "the building that was hit", "an officer fighting near the city") reports no event by itself,
    nor does a judgement in the present tense ("strikes on military targets are legitimate")."""
    return (_describes(group.head.token) and not _own_year(group.head.token)) or _judged(group.head.token)


def _judged(tok: Any) -> bool:
    """"Strikes on military targets are legitimate": a plural or bare noun judged by a present copula."""
    head = tok.head
    return (tok.pos_ == "NOUN" and tok.dep_ == "nsubj" and head.lemma_ == "be" and head.tag_ in ("VBZ", "VBP")
            and not any(c.dep_ == "det" for c in tok.children)
            and any(c.dep_ in ("acomp", "attr") for c in head.children))


def _characterises(group: _Group, groups: list[_Group]) -> bool:
    """"The heaviest fighting was near A, where troops attacked 41 times": a superlative noun
    sizes up an event the sentence reports anyway (unless it is background with its own year)."""
    tok = group.head.token
    return tok.pos_ == "NOUN" and not _own_year(tok) and any(c.tag_ in ("JJS", "RBS") for c in tok.children) and any(
        g is not group and g.head.event_type == group.head.event_type for g in groups)


def _typed(group: _Group, text: str, lex: EventLexicon) -> tuple[str, str, _Cue]:
    """The event's type from its head cue, or from the noun a light verb carries; then refined
    by the first means named in the clause, unless the cue names its own means."""
    cue = group.head
    if cue.key in lex.defer:
        args = _arguments(cue.token)
        named = [m for m in group.members if m is not cue and m.token.i in args]
        if named:
            cue = min(named, key=lambda m: m.token.i)
    etype, sub = cue.event_type, cue.sub_event_type
    if acted := _acted_on(cue.token, cue.key, lex):
        etype, sub = acted[0].event_type, acted[0].sub_event_type
        if not acted[0].refine:
            return etype, sub, cue
    if cue.key in lex.fixed or cue.key == _FIGURE:
        return etype, sub, cue
    best = _first_means(text[group.start:group.end].lower(), etype, cue.key, lex)
    if best is None and etype == "Explosions/Remote violence" and cue.key in _BARE_STRIKES:
        # "Tuesday's strike on the institute": the means its paragraph (or the one before) named last
        start = _paragraph_start(text, _paragraph_start(text, group.start) - 1)
        best = _first_means(text[start:group.start].lower(), etype, cue.key, lex, last=True)
    return (best[2], best[3], cue) if best else (etype, sub, cue)


_BACKING = re.compile(r"\b(?:backed|supported|covered|assisted) by\s+(?:\w+\s+){0,2}$|"
                      r"\b(?:support|cover) (?:of|from)\s+(?:\w+\s+){0,2}$")
_BARE_STRIKES = frozenset({"strike", "strikes", "attack", "attacks", "hit", "blow", "raid"})


def _paragraph_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, max(0, pos)) + 1


def _first_means(clause: str, etype: str, key: str, lex: EventLexicon, *,
                 last: bool = False) -> tuple[int, int, str, str] | None:
    """The sub-type of the means named first in ``clause`` (the last one with ``last``)."""
    best: tuple[int, int, str, str] | None = None
    for word, from_type, to_type, to_sub, lemmas in lex.refine:
        if from_type != etype or (lemmas is not None and key not in lemmas):
            continue
        for m in re.finditer(rf"\b{re.escape(word)}\b", clause):
            if _BACKING.search(clause, max(0, m.start() - 30), m.start()):
                continue  # "assault groups attacking, backed by drones": support, not the means of the event
            rank = (-m.start() if last else m.start(), -len(word))
            if best is None or rank < best[:2]:
                best = (*rank, to_type, to_sub)
            if not last:
                break
    return best


def _only_tried(tok: Any, lex: EventLexicon) -> bool:
    """"tried to break through", "attempts to advance", "did not succeed in breaking through":
    ground tried for, not taken."""
    head = tok.head
    if tok.dep_ == "pcomp" and head.dep_ == "prep" and head.head.lemma_.lower() in lex.attempts:
        return True
    return tok.dep_ in ("xcomp", "acl") and head is not tok and head.lemma_.lower() in lex.attempts


def _only_heading(tok: Any, lex: EventLexicon) -> bool:
    """"advanced towards Pokrovsk": fighting on the way, no ground named as gained (a distance
    or an area gained, "advanced 3 km towards", is ground)."""
    preps = [c for c in tok.children if c.dep_ == "prep"]
    if any(p.lower_ == "within" and p.i > 0 and p.nbor(-1).lower_ == "to" for p in preps) or any(
            p.lower_ == "to" and any(c.lower_ == "within" for c in p.children) for p in preps):
        return True  # "pushed to within 10 km of the city": the distance left, not ground gained
    heading = any(p.lower_ in lex.directions for p in preps)
    gained = any(t.like_num for t in tok.subtree)
    return heading and not gained


def _acted_on(tok: Any, key: str, lex: EventLexicon) -> tuple[_ObjectType, tuple[int, int]] | None:
    """The rule of ``object_types`` that what the verb acts on selects ("captured hundreds of
    troops", "115 servicemen captured", "lost 35 vehicles"), with the characters of the words
    naming it; None when none does."""
    if tok.pos_ != "VERB":
        return None
    rules = [r for r in lex.object_types if key in r.verbs]
    preps = {c.lower_ for c in tok.children if c.dep_ == "prep"}
    if "to" in preps:  # "taken to a hospital": people or ground moved, not taken ("set fire to" still burns)
        rules = [r for r in rules if r.event_type == "Explosions/Remote violence"]
    if not rules:
        return None
    if "since" in preps:  # "lost 300 soldiers since the spring": a tally, no one clash
        rules = [r for r in rules if r.event_type != "Battles"]
    objects = [tok.head if c.lower_ in _RELATIVE and tok.dep_ == "relcl" else c
               for c in tok.children if c.dep_ in ("dobj", "nsubjpass")] + ([tok.head] if tok.dep_ == "acl" else [])
    subjects = [c for c in tok.children if c.dep_ == "nsubj"]
    left = [g for c in tok.children if c.dep_ in ("prep", "prt") and c.lower_ in ("from", "out")
            for g in [*c.children, *(x for o in c.children if o.lower_ == "of" for x in o.children)]
            if g.dep_ == "pobj"]  # "withdrew from the town", "pulled units out of the town"
    for rule in rules:
        if rule.by and not any(t.lower_ in rule.by or t.lemma_.lower() in rule.by for t in subjects):
            continue  # "troops left the town" is ground given up; "residents left the town" is not
        acted = left if rule.left else subjects if rule.subject else objects
        acted = acted + [g for t in acted for c in t.children if c.dep_ == "prep" and c.lower_ == "of"
                         for g in c.children if g.dep_ == "pobj"]  # "hundreds of troops"
        for t in acted:
            if t.lower_ in rule.nouns or t.lemma_.lower() in rule.nouns or (
                    "@propn" in rule.nouns and t.pos_ == "PROPN"):
                return rule, (t.left_edge.idx, t.idx + len(t))
    return None


def _bound(no: Any) -> bool:
    """"no more than two were intercepted": a bound on a number, not a negation."""
    nxt = no.nbor(1) if no.i + 1 < len(no.doc) else None
    return nxt is not None and nxt.lower_ in ("more", "fewer", "less", "later", "earlier")


def _arguments(tok: Any) -> set[int]:
    """Token indices of the subject, agent and objects of a verb (and of the verb it is coordinated with)."""
    heads = [tok] + ([tok.head] if tok.dep_ in ("conj", "xcomp") else [])
    out: set[int] = set()
    for h in heads:
        for c in h.children:
            if c.dep_ in ("nsubj", "dobj", "attr", "csubj"):
                out.update(t.i for t in (c, *c.conjuncts))
            elif c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
                out.update(t.i for g in c.children if g.dep_ == "pobj" for t in (g, *g.conjuncts))
    # and their modifiers: "artillery fire" is carried by its means
    return out | {m.i for i in list(out) for m in tok.doc[i].lefts if m.dep_ in ("compound", "amod", "nmod")}


def _drop_tolls(groups: list[_Group], paragraph_of: dict[int, int], lex: EventLexicon) -> list[_Group]:
    """"One man was killed when a bomb hit the town": the toll belongs to the strike reported
    in its paragraph, not to an event of its own."""
    def toll(g: _Group) -> bool:
        return all(m.key in lex.casualty for m in g.members)
    attacks = {paragraph_of[id(g)] for g in groups if not toll(g) and g.head.event_type in
               ("Explosions/Remote violence", "Battles")}
    return [g for g in groups if not (toll(g) and paragraph_of[id(g)] in attacks)]


# --- place -------------------------------------------------------------------------------

def _place(group: _Group, sent: Any, usable: Sequence[PlaceMention], text: str,
           others: Sequence[tuple[int, int]]) -> PlaceMention | None:
    """The event's own location, a mention of the text (its evidence): the most precise place
    of the event's clause, else of its sentence outside other events' clauses, else the last
    one named before it in its paragraph, else the region named last before it, else the region
    the article names most; a country is only a last resort."""
    anchors = [(s, e) for s, e in _time_anchors(sent) if not s <= group.head.token.idx < e]
    if group.head.event_type == "Explosions/Remote violence":
        anchors += _launch_sites(sent)  # "a missile launched from Astrakhan region": where it came from
    below_country = [p for p in usable if p.precision not in ("country", "unknown")
                     and not any(s <= p.evidence.start < e for s, e in anchors)]
    free = [p for p in below_country if not any(s <= p.evidence.start < e for s, e in others)]
    paragraph_start = text.rfind("\n", 0, sent.start_char) + 1
    own = [p for p in below_country if group.start <= p.evidence.start < group.end]
    told = any(sent.start_char <= p.evidence.start < sent.end_char for p in below_country)
    if (_SETTLEMENT_REF.search(text[group.start:group.end]) or not told and _SETTLEMENT_REF.search(sent.text)) \
            and not any(p.precision in ("point", "near") for p in own):
        # "pushed to within 10 km of the city": the settlement named last before it (in its
        # paragraph, or anywhere before when its sentence names no place of its own)
        named = [p for p in below_country if (paragraph_start if told else 0) <= p.evidence.start < group.start
                 and p.precision in ("point", "near")]
        if named:
            return named[-1]
    for pool, (start, end) in ((below_country, (group.start, group.end)), (free, (sent.start_char, sent.end_char)),
                               (below_country, (sent.start_char, sent.end_char))):
        inside = [p for p in pool if start <= p.evidence.start < end]
        if inside:
            return min(inside, key=lambda p: (_PRECISION_RANK.get(p.precision, 9), p.evidence.start))
    whole = [p for p in usable if p.precision == "country" and group.start <= p.evidence.start < group.end
             and _where(p, sent.doc)]
    if whole:
        return whole[0]  # "fired 127 missiles at Ukraine": the whole country, not a region told before
    earlier = [p for p in below_country if paragraph_start <= p.evidence.start < sent.start_char]
    if earlier:
        return earlier[-1]
    regions = [p for p in below_country if p.precision == "adm1"]
    before = [p for p in regions if p.evidence.start < sent.start_char]
    if before:
        return before[-1]  # the region the story last moved to
    if regions:
        counts: dict[str, int] = {}
        for p in below_country:
            counts[p.place.admin1 or ""] = counts.get(p.place.admin1 or "", 0) + 1
        return max(regions, key=lambda p: (counts.get(p.place.admin1 or "", 0), -p.evidence.start))
    inside = [p for p in usable if sent.start_char <= p.evidence.start < sent.end_char]
    return inside[0] if inside else None


_LAUNCHED = frozenset({"launch", "fire", "shoot", "fly", "take"})


def _launch_sites(sent: Any) -> list[tuple[int, int]]:
    """Spans of the places a strike was launched from ("launched from Russia's Astrakhan region",
    "fired from the Belgorod region"): the place after "from" on a verb of launching."""
    out = []
    for tok in sent:
        if tok.lower_ == "from" and tok.dep_ == "prep" and tok.head.lemma_.lower() in _LAUNCHED:
            out += [(g.left_edge.idx, g.right_edge.idx + len(g.right_edge)) for g in tok.children if g.dep_ == "pobj"]
    return out


def _time_anchors(sent: Any) -> list[tuple[int, int]]:
    """"not thinned out since the Kursk operation began": a happening that only dates another
    one; the places it names are its own."""
    out = []
    for tok in sent:
        if tok.lower_ in _ANCHOR_WORDS and tok.dep_ in ("prep", "mark"):
            top = tok if tok.dep_ == "prep" else tok.head
            out.append((top.left_edge.idx, top.right_edge.idx + len(top.right_edge)))
    return out


_ANCHOR_WORDS = frozenset({"since", "until", "till", "before", "after"})
# a region named as where the weapons came down, or listed after one ("over the A and B regions")
_SETTLEMENT_REF = re.compile(r"\bthe (?:city|town|village|settlement|hamlet)\b(?! of\b)", re.I)
_OVER = re.compile(r"(?:\b(?:over|above|in|of)\s+(?:the\s+)?|,\s*|\band\s+)$", re.I)


def _locations(sub: str, place: PlaceMention | None, evidence: Evidence, window: tuple[int, int],
               usable: Sequence[PlaceMention], text: str) -> list[tuple[PlaceMention | None, Evidence]]:
    """ACLED codes one event per location: "downed over the Kursk, Belgorod and Voronezh
    regions" is three interceptions, also when the list follows a colon. Each location's
    evidence runs from the figure before it; the cue's own evidence stops where the next
    location's begins, so that no two of them overlap."""
    if sub != "Disrupted weapons use" or place is None:
        return [(place, evidence)]
    listed: list[PlaceMention] = []
    for p in sorted(usable, key=lambda m: m.evidence.start):
        key = p.place.admin1 or p.place.id
        if (max(window[0], evidence.start) <= p.evidence.start < window[1] and p.precision != "country"
                and key not in {m.place.admin1 or m.place.id for m in listed}
                and _OVER.search(text[max(window[0], p.evidence.start - 12):p.evidence.start])):
            listed.append(p)
    if len(listed) < 2:
        return [(place, evidence)]
    starts = [_figure_start(p, window[0], text) for p in listed]
    main_end = min(max(evidence.end, listed[0].evidence.end), starts[1])
    main_end = len(text[:main_end].rstrip(" ,;:").removesuffix(" and").rstrip(" ,"))
    if main_end <= evidence.start or any(st >= p.evidence.end for p, st in zip(listed[1:], starts[1:])):
        return [(place, evidence)]  # a list this reading cannot cut apart: one event, as found
    out: list[tuple[PlaceMention | None, Evidence]] = [
        (listed[0], _evidence(evidence.article_id, evidence.start, main_end, text))]
    out += [(p, _evidence(evidence.article_id, st, p.evidence.end, text)) for p, st in zip(listed[1:], starts[1:])]
    return out


def _figure_start(p: PlaceMention, low: int, text: str) -> int:
    """Where a listed location's own words begin: after the comma, colon or "and" before it."""
    at = p.evidence.start
    cut = max(text.rfind(",", low, at) + 1, text.rfind(":", low, at) + 1, low)
    conj = text.rfind(" and ", low, at)
    cut = max(cut, conj + 5 if conj >= 0 else low)
    return cut + len(text[cut:at]) - len(text[cut:at].lstrip())


def _evidence(article_id: str, start: int, end: int, text: str) -> Evidence:
    return Evidence(article_id=article_id, start=start, end=end, text=text[start:end])


# --- date and flags ----------------------------------------------------------------------

def resolve_date(sentence: str, published: str | None, *, live: bool = False,
                 given_year: int | None = None) -> DateValue:
    """The event's date from the sentence's own time words (``dates.resolve``); with none,
    a week before publication (it was reported, so it happened by then), or the day of
    publication for an entry of a live page (``live``) that speaks of no longer span; in an
    undated article, unknown unless the words or the text before them give the year."""
    named = dates.resolve(sentence, published, given_year=given_year)
    if named.precision == "unknown":
        named = dates.month_named(sentence, published, given_year=given_year)
    if named.precision != "unknown" or not published:
        return named
    day = dt.date.fromisoformat(published[:10])
    if live and not _SPAN_WORDS.search(sentence):
        return DateValue(start=day.isoformat(), end=day.isoformat(), precision="day")
    return DateValue(start=(day - dt.timedelta(days=6)).isoformat(), end=day.isoformat(), precision="week")


def _given_year(text: str, before: int) -> int | None:
    """The year of the last full date an undated text gave before this point ("On 6 August 2024")."""
    years = [m.group("year") or m.group("year2") for m in _FULL_DATE.finditer(text, 0, before)]
    return int(years[-1]) if years else None


_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
_FULL_DATE = re.compile(rf"\b[0-3]?\d\s+(?:{_MONTH_NAMES})\s+(?P<year>(?:19|20)\d\d)\b"
                        rf"|\b(?:{_MONTH_NAMES})\s+[0-3]?\d,\s+(?P<year2>(?:19|20)\d\d)\b")


def _perfect(tok: Any) -> bool:
    """"Twelve civilians have been killed": a count up to now, not a happening of the day."""
    return any(c.dep_ == "aux" and c.lower_ in ("have", "has", "'ve") for c in _predicate(tok).children)


# "14:05 | ..." or "09:05 - ...": an entry of a live page or a digest of the day
_LIVE_ENTRY = re.compile(r"(?:[01]?\d|2[0-3])[:.][0-5]\d\s*[|\u2013\u2014-]\s")
_SPAN_WORDS = re.compile(r"\b(?:weeks?|months?|days|since|so far|year)\b", re.I)


_LATER_BOUND = re.compile(r"\b(?:since|until|till|before|after)\b", re.I)


def _event_date(clause: str, clause_at: int, sentence: str, cue_at: int, published: str | None, *,
                live: bool = False, given_year: int | None = None) -> DateValue:
    """The time words of the event's own clause first ("launched its incursion on 6 August"),
    then those of its sentence; words after a "since" or "until" that follows the cue date
    another happening ("controlled 1,000 km2, ... since it began last Tuesday")."""
    def before_bound(words: str, at: int) -> str:
        m = _LATER_BOUND.search(words, max(0, at))
        return words[:m.start()] if m else words
    own = dates.resolve(before_bound(clause, cue_at - clause_at), published, given_year=given_year)
    if own.precision != "unknown":
        return own
    return resolve_date(before_bound(sentence, cue_at), published, live=live, given_year=given_year)


def _predicate(tok: Any) -> Any:
    """The verb a noun cue depends on ("evacuations ... would continue"): its tense and mood are the event's."""
    t = tok
    for _ in range(4):
        if t.pos_ in ("VERB", "AUX") or t.head is t:
            return t
        t = t.head
    return t


def _flags(group: _Group, ref_year: int | None, lex: EventLexicon, published: str | None = None) -> tuple[str, ...]:
    tok = group.head.token
    pred = _predicate(tok)
    governors = [pred]
    while len(governors) < 3:
        top = governors[-1]
        if top.dep_ in ("xcomp", "ccomp"):
            governors.append(top.head)  # "vowed to push", "would force Moscow to pull"
        elif top.dep_ == "pcomp" and top.head.dep_ == "prep" and top.head.head.pos_ in ("VERB", "AUX"):
            governors.append(top.head.head)  # "did not succeed in crossing"
        elif top.dep_ == "acomp" and top.pos_ == "ADJ":
            governors.append(top.head)  # "would be able to push": the "be" that "able" completes
        else:
            break
    around = list(dict.fromkeys([tok, *governors]))
    chain = [pred, *pred.ancestors][:3]
    flags: list[str] = []
    if (any(c.dep_ == "neg" for t in around for c in t.children)
            or any(t.lemma_.lower() in lex.negating for t in chain[1:])
            or any(d.dep_ == "det" and d.lower_ == "no" and not _bound(d) for c in (tok, *_objects(pred),
                                                                                    *_subjects(pred))
                   for d in c.children)
            or any(c.lower_ in lex.negating_subjects for c in _subjects(pred))):
        flags.append("negated")
    if (any(c.dep_ == "aux" and c.lower_ in lex.future_aux for t in around for c in t.children)
            or any(t.lemma_.lower() in lex.future for t in [*governors[1:], *chain[1:]])
            or (tok.pos_ == "NOUN" and pred is not tok and pred.lemma_.lower() in lex.future)
            or any(t.lower_ == "going" for t in chain[1:])
            or (tok.pos_ == "NOUN" and any(c.dep_ in ("amod", "compound") and c.lower_ in _NOT_YET
                                           for t in (tok, tok.head) for c in t.children))
            or (any(c.dep_ == "aux" and c.lower_ == "to" for c in pred.children) and pred.head.lemma_ == "be")):
        flags.append("future")  # "will", "vowed to", "is to be moved", "the task is to drive out"
    if (any(c.dep_ == "mark" and c.lower_ in lex.conditional for t in (tok, *chain) for c in t.children)
            or any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in lex.conditional for m in c.children)
                   for t in around for c in t.children)
            or any(c.dep_ == "aux" and c.lower_ in lex.hypothetical_aux for c in pred.children)):
        flags.append("hypothetical")
    if "hypothetical" not in flags and (  # "if it had been hit like this in 2022": never happened at all
            _historical(group, tok, ref_year) or _habitual(tok, lex) or _months_before(group, tok, published)
            or _told_long_after(group.head.key, published, lex)):
        flags.append("historical")  # a pattern ("bombarded almost daily since 2022") is background
    return tuple(flags)


_NOT_YET = frozenset({"future", "potential", "possible", "planned", "proposed", "prospective", "eventual"})
_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                        "september", "october", "november", "december"), 1)}
_MONTHS.update({"spring": 4, "summer": 7})  # "captured in the spring": its middle month (northern seasons)
_MONTHS_BACK = 3  # "captured Avdiivka in February" in a September article: background; "in August": news


def _months_before(group: _Group, tok: Any, published: str | None) -> bool:
    """Background: the event's own clause names a month of the article's year at least
    ``_MONTHS_BACK`` months before it was published ("in February", "on 3 February"; "may" is
    too often a verb to count)."""
    if not published:
        return False
    month = int(published[5:7])
    for t in _sentence_of(tok):
        if not (group.start <= t.idx < group.end):
            continue
        if t.lower_ in _MONTHS and t.lower_ != "may" and (month - _MONTHS[t.lower_]) % 12 >= _MONTHS_BACK \
                and not _this_year_ahead(t, month) and not (t.i > 0 and t.nbor(-1).lower_ == "since"):
            return True  # "in February" in September; "in October" in a January article is last year's
            # ("since August" runs up to now: a tally, not background)
        if t.lower_ == "last" and t.i + 1 < len(t.doc) and t.nbor(1).lower_ == "year":
            return True  # "hit by drones in March last year"
    return False


def _this_year_ahead(month_word: Any, published_month: int) -> bool:
    """A month later in the year than publication with the publication's year beside it ("in
    October 2025" in a January 2025 article) is ahead, not past: no background."""
    later = _MONTHS[month_word.lower_] > published_month
    return later and any(_YEAR.fullmatch(t.text) for t in month_word.subtree)


def _told_long_after(key: str, published: str | None, lex: EventLexicon) -> bool:
    """"the full-scale invasion" in an article of 2024: background, not news."""
    when = lex.background.get(key)
    if when is None:
        return False
    if not published:
        return True
    happened = dt.date.fromisoformat(when)
    return dt.date.fromisoformat(published[:10]) > happened + dt.timedelta(days=31)


def _subjects(tok: Any) -> list[Any]:
    return [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]


def _sentence_of(tok: Any) -> Any:
    """The token's sentence, from the doc's sentence starts listed once per doc: spaCy's
    ``Token.sent`` walks every sentence of the document from the start (quadratic on long
    articles), and walking to the neighbouring starts token by token cost as much again."""
    doc = tok.doc
    starts = doc.user_data.get("fogofwar_sentence_starts")
    if starts is None:
        starts = doc.user_data["fogofwar_sentence_starts"] = [s.start for s in doc.sents]
    k = bisect.bisect_right(starts, tok.i) - 1
    return doc[starts[k]:starts[k + 1] if k + 1 < len(starts) else len(doc)]


def _historical(group: _Group, tok: Any, ref_year: int | None) -> bool:
    """Background: a year of the event's own clause before the article's time, or a named battle
    of the past ("the Battle of Kursk")."""
    # "liberated the town, which the enemy had held since 2022": a relative clause describes a
    # participant, its year is not the event's
    described = {t.i for c in tok.subtree if c.dep_ == "relcl" and c is not tok for t in c.subtree}
    own = [t for t in _sentence_of(tok) if group.start <= t.idx < group.end and t.i not in described
           and not any(s <= t.idx < e for s, e in group.inner)]
    if tok.dep_ in ("relcl", "advcl") and _YEAR.fullmatch(tok.head.text):
        own.append(tok.head)  # "in 1943, when the Red Army defeated ..."
    else:
        when = next((t for t in (tok, *tok.ancestors) if t.dep_ == "advcl"
                     and any(c.lower_ == "when" for c in t.children)), None)
        if when is not None:  # "occupied from February to September 2022, when troops retook it": its time
            inner = {t.i for t in when.subtree}
            own += [t for t in when.head.subtree if t.i not in inner and _YEAR.fullmatch(t.text)]
    years = [int(t.text) for t in own if _YEAR.fullmatch(t.text)]
    if any(m.token.pos_ == "PROPN" and m.token.i > _sentence_of(m.token).start and m.token.text.istitle()
           for m in group.members):
        return True
    if years and ref_year is not None and max(years) < ref_year:
        return True
    # "..., who started a full-scale invasion in 2022, ...": background told in a relative clause
    # with its own year, even when nothing later is named
    return bool(years) and tok.dep_ in ("relcl", "acl") and tok.tag_ in ("VBD", "VBN")


def _reference_year(text: str, published: str | None) -> int | None:
    """The article's own time: its publication year, else the latest year it names."""
    if published:
        return int(published[:4])
    years = [int(y) for y in _YEAR.findall(text)]
    return max(years) if years else None


# --- the stage ---------------------------------------------------------------------------

def find_events(article: Any, doc: Any, *, places: Sequence[PlaceMention] = (), claims: Sequence[Claim] = (),
                quantities: Sequence[Quantity] = ()) -> list[Event]:
    """Every event and flagged statement of a parsed article."""
    if doc is None:
        return []
    lex = lexicon()
    versions = Versions(pipeline=_pipeline_version(), lexicons=lex.version)
    text = article.text  # Doc.text rebuilds the string on every access: read it once
    datelines = [m.span() for m in _DATELINE.finditer(text)]
    # actor words inside a place's name ("Moscow region governor") name no actor; metonyms do
    starts = {p.evidence.start for p in places}
    blocked = datelines + [(p.evidence.start, p.evidence.end) for p in places
                           if p.kind in ("toponym", "nested", "facility")
                           and (" " in p.evidence.text.strip() or _where(p, doc))]
    # "in Russia's Ryazan region": a country owning a place names ground, not a party
    blocked += [(p.evidence.start, p.evidence.end + 2) for p in places
                if text.startswith("'s ", p.evidence.end) or text.startswith("’s ", p.evidence.end)
                if p.evidence.end + 3 in starts]
    # who says it is no party to what is said ("Putin said Ukraine had tried to strike the plant,
    # an accusation Kyiv rejected"): the reporting side comes from the claim, when no actor is named
    blocked += [(c.claimant.evidence.start, c.claimant.evidence.end) for c in claims if c.claimant.evidence]
    usable = [p for p in places if p.place is not None and p.kind not in ("demonym", "metonym")
              and not p.evidence.text.isupper() and not any(s <= p.evidence.start < e for s, e in datelines)
              and not _the_doer(p, doc)]
    place_spans = [(p.evidence.start, p.evidence.end) for p in places]
    ref_year = _reference_year(text, article.published)
    voice = _own_side(doc, text)  # a bulletin's "the enemy" is the side it does not speak for
    sents = list(doc.sents)
    found: list[tuple[_Group, Any, int]] = []
    headline = _headline_end(text, article.title)
    for i, sent in enumerate(sents):
        if sent.end_char <= headline:
            continue
        inside = [p for p in usable if sent.start_char <= p.evidence.start < sent.end_char]
        place_at = {t.i: _Spot(p.place.id, p.place.admin1, p.precision in ("point", "near")) for p in inside
                    for t in sent if p.evidence.start <= t.idx < p.evidence.end}
        cues = [c for c in _raw_cues(sent, lex, place_spans) if c.token.idx >= headline]
        groups = _groups(cues, place_at, lex)
        told = [g for g in groups if not _descriptive(g) and not _characterises(g, groups)]
        if not any(m.sub_event_type == _TERRITORY for g in told for m in g.members):
            told += _figure_groups(sent, quantities, lex)
        found.extend((group, sent, i) for group in told)
    paragraph_of = {id(g): text.rfind("\n", 0, sent.start_char) for g, sent, _ in found}
    dropped, means = _references(found, paragraph_of, text, lex)
    kept = {id(g) for g in _drop_tolls([g for g, _, _ in found if id(g) not in dropped], paragraph_of, lex)}
    out: list[tuple[Event, bool]] = []
    for group, sent, i in found:
        if id(group) in kept:
            others = [(g.start, g.end) for g, s, _ in found if s is sent and g is not group]
            window = (sent.start_char, _colon_list_end(sents, i, text))
            definite = group.head.key != _FIGURE and _definite(group.head.token)  # a figure is its claimant's
            out.extend((e, definite) for e in _events_of(group, sent, article, usable, blocked, claims, quantities,
                                                         others, window, ref_year, versions, lex,
                                                         means.get(id(group)), voice))
    return _retold(out, text)


def _definite(tok: Any) -> bool:
    """"the strikes", "the fighting": a noun that points back to something already told."""
    return tok.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ in _POINTING for c in tok.children)


_POINTING = frozenset({"the", "this", "these", "that", "those"})


def _retold(found: list[tuple[Event, bool]], text: str) -> list[Event]:
    """Tellings of an event already told, naming no place of their own, are no events of their
    own: a paragraph that goes on about an event in the same voice ("The village came under
    artillery fire. 14 shells were fired": ACLED codes one event per type, place and day), or a
    definite noun pointing back to an event of its type told before ("the strikes hit depots")."""
    told: set[tuple[Any, ...]] = set()
    types: set[str] = set()
    out = []
    for e, definite in found:
        where = e.place.place.id if e.place is not None and e.place.place is not None else None
        own_place = e.place is not None and e.evidence.start <= e.place.evidence.start < e.evidence.end
        paragraph = text.rfind("\n", 0, e.evidence.start)
        sub = e.sub_event_type if e.event_type == "Battles" else None  # a taking is no clash retold
        # a battle's telling is its claimant's own (who holds what is what sides dispute)
        key = (paragraph, e.event_type, sub, where, e.date, e.flags, e.claim_ids if sub else ())
        if not own_place and not _another(e, text) and ((where is not None and key in told)
                              or (definite and not e.flags and e.event_type in types)):
            continue
        told.add(key)
        if not e.flags:
            types.add(e.event_type)
        out.append(e)
    return out


_ANOTHER = re.compile(r"\b(?:also|another|other|second|third|separate(?:ly)?|again)\b", re.I)


def _another(e: Event, text: str) -> bool:
    """"Bombs also fell on four other locations": words that tell a further event, not a retelling."""
    return bool(_ANOTHER.search(text, e.evidence.start, e.evidence.end))


_SENTENCE_END = re.compile(r"[.!?:;\"”’)]\s*$")


def _headline_end(text: str, title: str | None) -> int:
    """Where the headline that opens a text ends (0 if none): the body tells its events again,
    in full, so a headline reports none. A headline is the first line when it is the title, or
    a short line standing alone that ends without a sentence's punctuation."""
    first = text.split("\n", 1)[0]
    alone = text[len(first):len(first) + 2] == "\n\n"
    if first.strip() and (first.strip() == (title or "").strip()
                          or (alone and len(first.split()) <= 25 and not _SENTENCE_END.search(first))):
        return len(first)
    return 0


def _figure_groups(sent: Any, quantities: Sequence[Quantity], lex: EventLexicon) -> list[_Group]:
    """Figures of ground held in a sentence that tells of no taking or holding by a verb."""
    verbs, nouns = lex.figures
    return [_Group(cue, [cue], start, end) for cue, start, end in
            ((_Cue(tok, _FIGURE, "Battles", _TERRITORY), s, e)
             for tok, s, e in control_figures(sent, quantities, verbs=verbs, nouns=nouns))]


def _references(found: list[tuple[_Group, Any, int]], paragraph_of: dict[int, int], text: str,
                lex: EventLexicon) -> tuple[set[int], dict[int, tuple[str, str]]]:
    """Nouns that refer back to an event ("called the incursion a terrorist act", "two weeks into
    the incursion", "he blamed Ukrainian strikes") report none; a blamed means is the means of
    the events the sentence before told in its paragraph. Returns the groups to drop and the
    (type, sub-type) those events take."""
    dropped: set[int] = set()
    means: dict[int, tuple[str, str]] = {}
    for group, _sent, i in found:
        tok = group.head.token
        if _an_occasion(tok, lex):
            dropped.add(id(group))
        if tok.pos_ != "NOUN" or _own_year(tok):
            continue
        verb = tok.head.head if tok.dep_ == "pobj" else tok.head  # "blamed it on shelling", "weeks into the war"
        if ((tok.dep_ == "pobj" and tok.head.lower_ == "into" and verb.lemma_.lower() in lex.time_nouns)
                or (tok.dep_ in ("dobj", "oprd") and verb.lemma_.lower() in lex.naming)):
            dropped.add(id(group))
        elif verb.lemma_.lower() in lex.blaming and (tok.dep_ == "dobj" or tok.head.lower_ == "on"):
            dropped.add(id(group))
            etype, sub, _ = _typed(group, text, lex)
            means.update((id(g), (etype, sub)) for g, _s, j in found
                         if j == i - 1 and paragraph_of[id(g)] == paragraph_of[id(group)])
    return dropped, means


def _an_occasion(tok: Any, lex: EventLexicon) -> bool:
    """"It is the first time since 1945 that foreign troops have held its soil": a comparison."""
    nouns, words = lex.occasions
    return tok.dep_ in ("relcl", "acl") and tok.head.lemma_.lower() in nouns and any(
        c.lower_ in words for c in tok.head.children)


def _habitual(tok: Any, lex: EventLexicon) -> bool:
    """"Kharkiv has been bombarded almost daily since 2022": a pattern, not one event."""
    pred = _predicate(tok)
    now = pred.tag_ in ("VBZ", "VBP") or any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("has", "have", "is", "are")
                                             for c in pred.children)
    return now and any(c.dep_ == "advmod" and c.lower_ in lex.habitual for c in pred.children)


def _where(mention: PlaceMention, doc: Any) -> bool:
    """"struck airfields deep inside Russia": a country named after a preposition is where, not who."""
    span = doc.char_span(mention.evidence.start, mention.evidence.end, alignment_mode="expand")
    return span is not None and span.root.dep_ == "pobj" and span.root.head.lower_ != "by"


def _the_doer(mention: PlaceMention, doc: Any) -> bool:
    """"the picture painted by Kyiv": a place named as the doer stands for its government, not a location."""
    span = doc.char_span(mention.evidence.start, mention.evidence.end, alignment_mode="expand")
    return span is not None and span.root.dep_ == "pobj" and span.root.head.dep_ == "agent"


def _colon_list_end(sents: list[Any], i: int, text: str) -> int:
    """A sentence ending in a colon continues in the next one ("downed 14 drones: eight over ...")."""
    while i + 1 < len(sents) and text[sents[i].start_char:sents[i].end_char].rstrip().endswith(":"):
        i += 1
    return sents[i].end_char


def _events_of(group: _Group, sent: Any, article: Any, usable: Sequence[PlaceMention],
               blocked: Sequence[tuple[int, int]], claims: Sequence[Claim], quantities: Sequence[Quantity],
               others: Sequence[tuple[int, int]], window: tuple[int, int], ref_year: int | None,
               versions: Versions, lex: EventLexicon, means: tuple[str, str] | None = None,
               voice: str = "unknown") -> list[Event]:
    text = article.text
    etype, sub, cue = _typed(group, text, lex)
    if means is not None and means[0] == etype:
        sub = means[1]  # "... had been destroyed. He blamed Ukrainian air strikes."
    clause = text[group.start:group.end]
    place = _place(group, sent, usable, text, others)
    acted = _acted_on(cue.token, cue.key, lex)
    reporting = _reporting(group, sent, claims, text)
    reporter = claimant_side(group, reporting)
    named = named_actors(group, sent, article.id, lex, blocked, enemy_of=reporter[0] if reporter else voice)
    if acted and acted[0].captives:
        actor1, actor2 = captors(named, acted[1], reporter)
    else:
        actor1, actor2 = parties(named, etype, sub, clause, place, reporter, group, lex.targets)
    change = lex.territory.get(group.head.key, "claimed_control" if group.head.key == _FIGURE else "none")
    if etype != "Battles":
        change = "none"
    elif sub == _TERRITORY and (_only_tried(group.head.token, lex) or _only_heading(group.head.token, lex)):
        sub, change = "Armed clash", "none"
    elif (change == "retaken" and actor1 is not None and actor1.inter == 1 and place is not None
          and place.place is not None and place.place.country in (actor1.side, None)):
        sub = "Government regains territory"  # a state retaking its own soil, or rigs at sea (ACLED)
    flags = _flags(group, ref_year, lex, article.published)
    at = group.head.token.idx - sent.start_char
    paragraph = text.rfind("\n", 0, sent.start_char) + 1
    date = _event_date(clause, group.start - sent.start_char, sent.text, at, article.published,
                       live=bool(_LIVE_ENTRY.match(text, paragraph)) and not _perfect(group.head.token),
                       given_year=None if article.published else _given_year(text, group.start))
    claim_ids = tuple(c.id for c in reporting)
    stamp = _LIVE_ENTRY.match(text, group.start)  # a live page's clock time is no word of the event
    start = stamp.end() if stamp else group.start
    evidence = _evidence(article.id, start, start + len(text[start:group.end].rstrip(" ,;:")), text)
    spots = _locations(sub, place, evidence, window, usable, text)
    out = []
    for n, (where, ev) in enumerate(spots):
        out.append(Event(
            id=hashlib.sha256(f"{article.id}:event:{ev.start}:{ev.end}:{sub}".encode()).hexdigest()[:24],
            evidence=ev, event_type=etype, sub_event_type=sub, actor1=actor1, actor2=actor2, place=where,
            date=date, flags=flags, territory_change=change, claim_ids=claim_ids, versions=versions,
            quantities=tuple(q for q in quantities if sent.start_char <= q.evidence.start < sent.end_char)
            if n == 0 else ()))
    return out


_GOES_ON = re.compile(r"\b(?:(?:were|was) (?:also )?(?:reported|said) to|reportedly|also|later|then|afterwards)\b", re.I)


def _reporting(group: _Group, sent: Any, claims: Sequence[Claim], text: str) -> list[Claim]:
    """The claims that report this event: those its words stand in, else, for a sentence that
    goes on with a report in the passive or with "also", "later", "then" and has no claim of its own
    ("Moscow reported that ... Su-34 bombers were also reported to strike ... Russian forces later
    repelled ..."), the last claim of its paragraph before it."""
    own = [c for c in claims if c.evidence.start <= group.start and group.end <= c.evidence.end]
    if own or any(sent.start_char <= c.evidence.start < sent.end_char for c in claims):
        return own
    if not _GOES_ON.search(text, sent.start_char, sent.end_char):
        return []
    paragraph = text.rfind("\n", 0, sent.start_char) + 1
    before = [c for c in claims if paragraph <= c.evidence.start and c.evidence.end <= sent.start_char]
    if not before:
        return []
    last = max(c.evidence.start for c in before)
    return [c for c in before if c.evidence.start == last]


def _own_side(doc: Any, text: str) -> str:
    """The side an article speaks for: its signing body's ("General Staff of the Armed Forces of
    Ukraine" heading its own bulletin), else the side its "we" fights for (see claimants.voice_side)."""
    lex = claim_lexicon()
    author = header_author(doc, lex)
    side = side_from_words(author.text, lex) if author is not None else "unknown"
    return side if side in ("RU", "UA") else voice_side(text, lex)


def _pipeline_version() -> str:
    from . import __version__

    return __version__
