"""Events: what happened on the ground, ACLED-coded, with context flags.

Cue verbs and nouns (``data/events.json``) propose an event and its ACLED type;
words of its clause refine the sub-type ("drones" make a strike an air/drone
strike, "downed" makes it disrupted weapons use). Actors come from actor words of
the clause (the cue's subject first), the place from the place mentions of the
sentence (the most precise), the date from the sentence's own time words against
the publication date, and the flags from the grammar: a vow or plan is ``future``,
"if" or "would" ``hypothetical``, a negated cue ``negated``, an earlier year
``historical``. Flagged statements are kept, flagged, never coded as events that
happened.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .records import Actor, Claim, DateValue, Event, Evidence, PlaceMention, Quantity, Versions

__all__ = ["find_events", "lexicon", "resolve_date"]

_PRECISION_RANK = {"point": 0, "near": 1, "adm2": 2, "adm1": 3, "vague": 4, "country": 5, "unknown": 6}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_YEAR = re.compile(r"\b(1[89]\d\d|20[0-4]\d)\b")


@dataclass(frozen=True, slots=True)
class _ActorWords:
    words: tuple[str, ...]
    canonical: str
    side: str
    inter: int
    pattern: re.Pattern[str]  # the words as one alternation, longest first


@dataclass(frozen=True, slots=True)
class EventLexicon:
    version: str
    verbs: dict[str, tuple[str, str]]
    nouns: tuple[tuple[str, tuple[str, str]], ...]
    refine: tuple[tuple[str, str, str, str], ...]
    territory: dict[str, str]
    actors: tuple[_ActorWords, ...]
    future: frozenset[str]
    hypothetical: frozenset[str]
    negated: frozenset[str]
    particles: dict[str, str]


@functools.cache
def lexicon() -> EventLexicon:
    raw = json.loads(resources.files("fogofwar").joinpath("data/events.json").read_text("utf-8"))
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:8]
    territory = {lemma: change for change, lemmas in raw["territory"].items() for lemma in lemmas}
    actors = []
    for a in raw["actors"]:
        words = tuple(sorted(a["words"], key=len, reverse=True))
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])")
        actors.append(_ActorWords(words, a["canonical"], a["side"], a["inter"], pattern))
    return EventLexicon(
        version=f"{raw['version']}-{digest}", verbs={k: tuple(v) for k, v in raw["verb_cues"].items()},
        nouns=tuple(sorted(((k, tuple(v)) for k, v in raw["noun_cues"].items()), key=lambda kv: -len(kv[0]))),
        refine=tuple(tuple(r) for r in raw["refine"]["rules"]), territory=territory, actors=tuple(actors),
        future=frozenset(raw["flags"]["future"]), hypothetical=frozenset(raw["flags"]["hypothetical"]),
        negated=frozenset(raw["flags"]["negated"]), particles=dict(raw.get("only_with_particle", {})))


@dataclass(frozen=True, slots=True)
class _Cue:
    token: Any
    start: int
    end: int
    event_type: str
    sub_event_type: str


def _cues(sent: Any, lex: EventLexicon) -> list[_Cue]:
    """One cue per clause: verbs by lemma, then nouns by phrase where no verb cue covers them."""
    found: list[_Cue] = []
    for tok in sent:
        if tok.pos_ == "VERB" and tok.lemma_.lower() in lex.verbs:
            particle = lex.particles.get(tok.lemma_.lower())
            if particle and not any(c.lower_ == particle for c in tok.children):
                continue  # "shoot" alone is not "shoot down", "set" not "set up"
            etype, sub = lex.verbs[tok.lemma_.lower()]
            start, end = tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)
            found.append(_Cue(tok, start, end, etype, sub))
    lower = sent.text.lower()
    for phrase, (etype, sub) in lex.nouns:
        for m in re.finditer(rf"\b{re.escape(phrase)}\b", lower):
            start = sent.start_char + m.start()
            if any(c.token.idx <= start < c.end and c.start <= start for c in found):
                continue
            span = sent.doc.char_span(start, start + len(phrase), alignment_mode="expand")
            if span is None:
                continue
            root = span.root
            found.append(_Cue(root, root.left_edge.idx, root.right_edge.idx + len(root.right_edge), etype, sub))
    return _one_per_clause(found)


def _one_per_clause(cues: list[_Cue]) -> list[_Cue]:
    """Keep the outermost cue of each type: "repelled a series of attacks" is one clash."""
    kept: list[_Cue] = []
    for cue in sorted(cues, key=lambda c: c.start - c.end):
        # background told in a relative clause with its own year ("who invaded in 2014") is an
        # event of its own (flagged historical), not part of the main clause's event
        own_clause = cue.token.pos_ == "VERB" and cue.token.dep_ in ("relcl", "acl") and any(
            _YEAR.fullmatch(t.text) for t in cue.token.subtree)
        if not own_clause and any(k.event_type == cue.event_type and k.start <= cue.token.idx < k.end for k in kept):
            continue
        kept.append(cue)
    return sorted(kept, key=lambda c: c.token.idx)


def _refined(cue: _Cue, text: str, lex: EventLexicon) -> tuple[str, str]:
    clause = text.lower()
    etype, sub = cue.event_type, cue.sub_event_type
    for word, from_type, to_type, to_sub in lex.refine:
        if from_type == cue.event_type and re.search(rf"\b{re.escape(word)}\b", clause):
            return to_type, to_sub
    return etype, sub


def _actors(cue: _Cue, sent: Any, article_id: str, lex: EventLexicon) -> list[Actor]:
    """Actors named in the cue's sentence, the cue's subject first, one per canonical actor."""
    text = sent.text.lower().replace("’", "'")
    hits: list[tuple[int, int, _ActorWords]] = []
    for entry in lex.actors:
        for m in entry.pattern.finditer(text):
            if not any(s <= m.start() < e for s, e, _ in hits):
                hits.append((m.start(), m.end(), entry))
    subject_span = _subject_span(cue.token)
    def order(hit: tuple[int, int, _ActorWords]) -> tuple[int, int]:
        abs_start = sent.start_char + hit[0]
        in_subject = subject_span is not None and subject_span[0] <= abs_start < subject_span[1]
        return (0 if in_subject else 1, hit[0])
    out: list[Actor] = []
    for start, end, entry in sorted(hits, key=order):
        if any(a.canonical == entry.canonical for a in out):
            continue
        abs_start = sent.start_char + start
        evidence = Evidence(article_id=article_id, start=abs_start, end=sent.start_char + end,
                            text=sent.text[start:end])
        out.append(Actor(name=entry.canonical, side=entry.side, inter=entry.inter, canonical=entry.canonical,
                         evidence=evidence))
    return out


def _subject_span(token: Any) -> tuple[int, int] | None:
    for child in token.children:
        if child.dep_ in ("nsubj", "nsubjpass", "agent"):
            return child.left_edge.idx, child.right_edge.idx + len(child.right_edge)
    return None


def _place(cue: _Cue, sent: Any, places: Sequence[PlaceMention], text: str) -> PlaceMention | None:
    """The event's own location, a mention of the text (its evidence): the most precise place
    of the cue's clause, else of its sentence, else the last one named before it in its
    paragraph, else the region the article names most. Datelines ("MOSCOW/KYIV, Aug 7 -") say
    where the reporter was, and a country is only a last resort."""
    usable = [p for p in places if p.place is not None and p.kind not in ("demonym", "metonym")
              and not p.evidence.text.isupper()]
    below_country = [p for p in usable if p.precision not in ("country", "unknown")]
    for start, end in ((cue.start, cue.end), (sent.start_char, sent.end_char)):
        inside = [p for p in below_country if start <= p.evidence.start < end]
        if inside:
            return min(inside, key=lambda p: (_PRECISION_RANK.get(p.precision, 9), p.evidence.start))
    paragraph_start = text.rfind("\n", 0, sent.start_char) + 1
    earlier = [p for p in below_country if paragraph_start <= p.evidence.start < sent.start_char]
    if earlier:
        return earlier[-1]
    regions = [p for p in below_country if p.precision == "adm1"]
    if regions:
        counts: dict[str, int] = {}
        for p in below_country:
            counts[p.place.admin1 or ""] = counts.get(p.place.admin1 or "", 0) + 1
        return max(regions, key=lambda p: (counts.get(p.place.admin1 or "", 0), -p.evidence.start))
    inside = [p for p in usable if sent.start_char <= p.evidence.start < sent.end_char]
    return inside[0] if inside else None


_FORCES = {"RU": ("Military Forces of Russia", "RU"), "UA": ("Military Forces of Ukraine", "UA")}
_GOVERNMENTS = {"RU": "Government of Russia", "UA": "Government of Ukraine"}
_OTHER_SIDE = {"RU": "UA", "UA": "RU"}
_MILITARY_TARGETS = re.compile(r"\b(positions?|troops|units?|forces|groups?|formations?|equipment|depots?|"
                               r"command posts?|brigades?|battalions?|soldiers|servicemen|vehicles|tanks?)\b")
_ENEMY = re.compile(r"\b(enemy|enemy's|adversary|the other side)\b", re.I)


def _forces(side: str, evidence: Evidence | None) -> Actor:
    name = _FORCES[side][0]
    return Actor(name=name, side=side, inter=1, canonical=name, evidence=evidence)


def _claimant_side(cue: _Cue, claims: Sequence[Claim]) -> tuple[str, Evidence | None] | None:
    """The side of the belligerent whose claim reports this cue: its own forces or government
    are the actor when the text names none ("repelled two attacks", a ministry says)."""
    for claim in claims:
        if claim.evidence.start <= cue.start < claim.evidence.end and claim.claimant.side in _FORCES:
            return claim.claimant.side, claim.claimant.evidence
    return None


def _complete_actors(actor1: Actor | None, actor2: Actor | None, cue: _Cue, etype: str, sub: str, clause: str,
                     place: PlaceMention | None, claims: Sequence[Claim]) -> tuple[Actor | None, Actor | None]:
    """Fill the parties the text implies: the reporting side's own forces, "the enemy", the
    opposing belligerent in a battle or an interception, the defender of the soil struck."""
    if actor1 is None or actor1.inter == 7:
        reporter = _claimant_side(cue, claims)
        if reporter is not None:
            side, evidence = reporter
            if etype == "Strategic developments" and sub in ("Other", "Agreement", "Arrests"):
                name = _GOVERNMENTS[side]
                actor1 = Actor(name=name, side=side, inter=1, canonical=name, evidence=evidence)
            else:
                actor2 = actor2 or actor1
                actor1 = _forces(side, evidence)
    if actor1 is None or actor1.side not in _FORCES or actor2 is not None:
        return actor1, actor2
    opposite = _OTHER_SIDE[actor1.side]
    if _ENEMY.search(clause) or etype == "Battles" or sub == "Disrupted weapons use":
        return actor1, _forces(opposite, None)
    if etype == "Explosions/Remote violence" and _MILITARY_TARGETS.search(clause.lower()):
        return actor1, _defender(actor1, place, etype) or _forces(opposite, None)
    return actor1, None


def _defender(actor1: Actor | None, place: PlaceMention | None, etype: str) -> Actor | None:
    """A side fighting or striking on the other belligerent's soil meets that country's forces:
    the place says who the other party is (ACLED's actor2), with the place as its evidence."""
    if actor1 is None or place is None or place.place is None or etype not in ("Battles", "Explosions/Remote violence"):
        return None
    country = place.place.country
    if country not in _FORCES or country == actor1.side or actor1.side not in _FORCES:
        return None
    name, side = _FORCES[country]
    return Actor(name=name, side=side, inter=1, canonical=name, evidence=place.evidence)


def resolve_date(sentence: str, published: str | None) -> DateValue:
    """The event's date from the sentence's own time words against the publication date."""
    if not published:
        return DateValue()
    day = dt.date.fromisoformat(published[:10])
    lower = sentence.lower()
    for i, name in enumerate(_WEEKDAYS):
        if re.search(rf"\b(?:on |early on |late on |last )?{name}\b", lower):
            back = (day.weekday() - i) % 7
            when = (day - dt.timedelta(days=back)).isoformat()
            return DateValue(start=when, end=when, precision="day")
    if re.search(r"\b(today|this morning|this afternoon|this evening|since the start of the day)\b", lower):
        return DateValue(start=day.isoformat(), end=day.isoformat(), precision="day")
    if re.search(r"\b(yesterday|last night)\b", lower):
        when = (day - dt.timedelta(days=1)).isoformat()
        return DateValue(start=when, end=when, precision="day")
    if re.search(r"\bovernight\b", lower):
        return DateValue(start=(day - dt.timedelta(days=1)).isoformat(), end=day.isoformat(), precision="days")
    # No time words: it happened at most a week before it was reported.
    return DateValue(start=(day - dt.timedelta(days=6)).isoformat(), end=day.isoformat(), precision="week")


def _flags(cue: _Cue, sent: Any, published: str | None, lex: EventLexicon) -> tuple[str, ...]:
    tok = cue.token
    flags: list[str] = []
    chain = [tok, *tok.ancestors]
    if any(c.dep_ == "neg" for t in chain[:2] for c in t.children) or any(
            t.lemma_.lower() in ("deny", "reject", "refute") for t in chain[1:3]):
        flags.append("negated")
    if any(t.lemma_.lower() in lex.future for t in chain[1:3]) or any(
            c.lower_ in ("will", "shall") or c.lemma_.lower() in ("plan", "vow", "intend") for c in tok.children
            if c.dep_ in ("aux", "xcomp")) or any(t.lower_ == "going" for t in chain[1:3]):
        flags.append("future")
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for t in chain[:3] for c in t.children) or any(
            c.dep_ == "aux" and c.lower_ in ("would", "could", "might") for c in tok.children):
        flags.append("hypothetical")
    years = [int(y) for y in _YEAR.findall(sent.text)]
    if published and years and max(years) < int(published[:4]):
        flags.append("historical")
    elif years and not published and any(t.dep_ in ("relcl", "acl") for t in chain[:2]) and tok.tag_ in ("VBD", "VBN"):
        # "..., who started a full-scale invasion in 2022, ...": background told in a relative
        # clause with its own year, even when the article's own date is unknown
        flags.append("historical")
    return tuple(dict.fromkeys(flags))


def find_events(article: Any, doc: Any, *, places: Sequence[PlaceMention] = (), claims: Sequence[Claim] = (),
                quantities: Sequence[Quantity] = ()) -> list[Event]:
    """Every event and flagged statement of a parsed article."""
    if doc is None:
        return []
    lex = lexicon()
    versions = Versions(pipeline=_pipeline_version(), lexicons=lex.version)
    text = article.text  # Doc.text rebuilds the string on every access: read it once
    out: list[Event] = []
    for sent in doc.sents:
        for cue in _cues(sent, lex):
            etype, sub = _refined(cue, text[cue.start:cue.end], lex)
            actors = _actors(cue, sent, article.id, lex)
            armed = [a for a in actors if a.inter != 7]
            actor1 = armed[0] if armed else (actors[0] if actors else None)
            actor2 = next((a for a in actors if actor1 is not None and a.side != actor1.side), None)
            if sub == "Disrupted weapons use" and actor1 is not None and actor2 is not None:
                actor1, actor2 = _interceptor_first(actor1, actor2, cue)
            place = _place(cue, sent, places, text)
            actor1, actor2 = _complete_actors(actor1, actor2, cue, etype, sub, text[cue.start:cue.end],
                                              place, claims)
            evidence = Evidence(article_id=article.id, start=cue.start, end=cue.end, text=text[cue.start:cue.end])
            lemma = cue.token.lemma_.lower()
            for extra_place, extra_evidence in _other_locations(sub, place, sent, places, article.id, text):
                out.append(Event(
                    id=hashlib.sha256(f"{article.id}:event:{extra_evidence.start}:{sub}".encode()).hexdigest()[:24],
                    evidence=extra_evidence, event_type=etype, sub_event_type=sub, actor1=actor1, actor2=actor2,
                    place=extra_place, date=resolve_date(sent.text, article.published),
                    flags=_flags(cue, sent, article.published, lex), versions=versions,
                    claim_ids=tuple(c.id for c in claims if c.evidence.start <= cue.start and cue.end <= c.evidence.end)))
            out.append(Event(
                id=hashlib.sha256(f"{article.id}:event:{cue.start}:{cue.end}:{sub}".encode()).hexdigest()[:24],
                evidence=evidence, event_type=etype, sub_event_type=sub, actor1=actor1, actor2=actor2,
                place=place,
                date=resolve_date(sent.text, article.published),
                quantities=tuple(q for q in quantities if sent.start_char <= q.evidence.start < sent.end_char),
                flags=_flags(cue, sent, article.published, lex),
                territory_change=lex.territory.get(lemma, "none") if etype == "Battles" else "none",
                claim_ids=tuple(c.id for c in claims
                                if c.evidence.start <= cue.start and cue.end <= c.evidence.end),
                versions=versions))
    return out


def _other_locations(sub: str, place: PlaceMention | None, sent: Any, places: Sequence[PlaceMention],
                     article_id: str, text: str) -> list[tuple[PlaceMention, Evidence]]:
    """ACLED codes one event per location: "downed over the Kursk, Belgorod and Voronezh
    regions" is three interceptions. The first location stays with the cue's event; each other
    region of the sentence gets its own, its evidence running from the figure before it."""
    if sub != "Disrupted weapons use" or place is None:
        return []
    regions = [p for p in places if sent.start_char <= p.evidence.start < sent.end_char and p.place is not None
               and p.precision in ("adm1", "adm2") and p.kind not in ("demonym", "metonym")]
    out = []
    seen = {place.place.id}
    for p in regions:
        if p.place.id in seen:
            continue
        seen.add(p.place.id)
        start = max(text.rfind(",", sent.start_char, p.evidence.start) + 1, sent.start_char)
        start = len(text) - len(text[start:].lstrip()) if text[start:p.evidence.start].strip() else p.evidence.start
        out.append((p, Evidence(article_id=article_id, start=start, end=p.evidence.end,
                                text=text[start:p.evidence.end])))
    return out


def _interceptor_first(a: Actor, b: Actor, cue: _Cue) -> tuple[Actor, Actor]:
    """In "N Ukrainian drones were downed", the owner of the drones is actor2."""
    subject = _subject_span(cue.token)
    if cue.token.tag_ == "VBN" and subject is not None and a.evidence is not None and \
            subject[0] <= a.evidence.start < subject[1]:
        return b, a
    return a, b


def _pipeline_version() -> str:
    from . import __version__

    return __version__
