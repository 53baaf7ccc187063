"""Places: find every place named in an article and resolve it in the gazetteer.

Statistical NER misses many toponyms (en_core_web_sm tags "Kursk" PRODUCT and
"Russkoye Porechnoye" ORG), so the gazetteer drives detection: every capitalised
n-gram of the text (optionally ending in a division word: "Kursk region") is
looked up in one query; the longest non-overlapping hits win. The parse only
filters (a first name inside a PERSON entity, a common word at a sentence start)
and proposes names the gazetteer lacks (small villages), which are placed in the
region the text puts them in, with precision ``adm1``, never guessed further.

Candidates are ranked with the article as context: a place in a region the
article names, in a country it names, near its other places, and populous,
comes first; "X region" and "X governor" prefer the division named X. The text
overrules the ranking where it says more: a division right after a name
("X, Glushkovo district"), the places a name is listed with ("near A, B and C"),
the town it is said to lie near ("X near Kursk"); a name keeps its place through
the article. Seas, rivers and borders resolve with precision ``vague``; "the
border" is the one between the article's two most named countries.

The module is past 800 lines because detection, ranking and the placing of
unlisted names read the same mentions and cues; they are kept in one reading
order rather than split across modules that would share private records.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import itertools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, NamedTuple

from .records import Article, Evidence, Place, PlaceMention, Versions

__all__ = ["find_mentions", "region_at", "lexicon", "Lexicon", "MAX_TOKENS"]

MAX_TOKENS = 5  # longest place name looked up, in words ("Bolshoye Soldatskoye district")
_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"[’']s$")


@dataclass(frozen=True, slots=True)
class Lexicon:
    version: str
    division_words: frozenset[str]
    adm2_words: frozenset[str]
    division_heads: frozenset[str]
    place_heads: frozenset[str]
    facility_heads: tuple[str, ...]
    demonyms: dict[str, str]
    demonym_heads: frozenset[str]
    near_cues: tuple[str, ...]
    locative_cues: frozenset[str]
    settlement_words: frozenset[str]
    metonyms: dict[str, str]
    metonym_source_nouns: frozenset[str]
    country_abbreviations: dict[str, str]
    origin_suffixes: tuple[str, ...]
    supplied_heads: tuple[str, ...]
    not_places: frozenset[str]
    not_places_lower: frozenset[str]
    variants: tuple[tuple[re.Pattern[str], str], ...]
    border: re.Pattern[str]
    people: dict[str, str]
    contest_cues: tuple[str, ...]
    apposition: re.Pattern[str]
    institution_heads: frozenset[str]


@functools.cache
def lexicon() -> Lexicon:
    raw = json.loads(resources.files("fogofwar").joinpath("data/places.json").read_text("utf-8"))
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:8]
    low = lambda items: frozenset(i.lower() for i in items)  # noqa: E731
    return Lexicon(
        version=f"{raw['version']}-{digest}", division_words=low(raw["division_words"]),
        adm2_words=low(raw["adm2_words"]), division_heads=low(raw["nested_heads"]["division"]),
        place_heads=low(raw["nested_heads"]["place"]),
        facility_heads=tuple(sorted((h.lower() for h in raw["facility_heads"]), key=len, reverse=True)),
        demonyms=dict(raw["demonyms"]), demonym_heads=low(raw["demonym_place_heads"]),
        near_cues=tuple(sorted((c.lower() for c in raw["near_cues"]), key=len, reverse=True)),
        locative_cues=low(raw["locative_cues"]), settlement_words=low(raw["settlement_words"]),
        metonyms=dict(raw["metonym_capitals"]), metonym_source_nouns=frozenset(raw["metonym_source_nouns"]),
        country_abbreviations=dict(raw["country_abbreviations"]), origin_suffixes=tuple(raw["origin_suffixes"]),
        supplied_heads=tuple(sorted((h.lower() for h in raw["supplied_heads"]), key=len, reverse=True)),
        not_places=frozenset(raw["not_places"]),
        not_places_lower=low(raw["not_places"]) | frozenset(
            w for head in raw["facility_heads"] for w in head.lower().split()),
        variants=tuple((re.compile(a), b) for a, b in raw["transliteration_variants"]),
        institution_heads=low(raw["institution_heads"]),
        people=dict(raw["people_demonyms"]),
        contest_cues=tuple(c.lower() for c in raw["contest_cues"]),
        apposition=re.compile(r",\s+(?:an?|the|one)\s+(?:[\w-]+\s+){0,3}?(?:%s)\b" % "|".join(
            re.escape(w) for w in sorted(raw["settlement_words"], key=len, reverse=True)), re.IGNORECASE),
        border=re.compile(r"\b(?:%s)\s+(the\s+(?:%s))\b" % (
            "|".join(re.escape(w) for w in sorted(raw["border_cues"]["before"], key=len, reverse=True)),
            "|".join(re.escape(w) for w in raw["border_cues"]["words"])), re.IGNORECASE))


class _Token(NamedTuple):
    """A word of the text: a named tuple, as an article has thousands and a frozen dataclass
    is slower to build; ``capitalised`` is read over and over, so it is kept."""

    start: int
    end: int
    text: str
    capitalised: bool


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    surface: str  # what was looked up
    candidates: list[Place]
    kind: str = "toponym"
    wants_division: str | None = None  # "adm1" | "adm2" when the text says region/district
    near: bool = False
    label: str | None = None  # the NER label of the entity the mention lies in, if any
    chosen: Place | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# "UAE-brokered", "Kursk-based", "Kyiv-controlled": a name with a lower-case word hyphened on
# ("Rostov-on-Don" ends in a capital and stays whole)
_HYPHENED_WORD = re.compile(r"(?:-[^\W\d_]+)*-[a-z][^\W\d_]*$")


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(text):
        word, end = m.group(), m.end()
        poss = _POSSESSIVE.search(word) if word[-1] == "s" else None
        if poss and len(word) > 2:
            word, end = word[: poss.start()], m.start() + poss.start()
        tail = _HYPHENED_WORD.search(word) if word[:1].isupper() and "-" in word else None
        if tail is not None and tail.start() > 0 and not any(w[:1].isupper() for w in tail.group().split("-")):
            word, end = word[: tail.start()], m.start() + tail.start()
        out.append(_Token(m.start(), end, word, word[:1].isupper()))
    return out


_NAME_JOINERS = frozenset({"of"})  # lower-case words inside names ("Sea of Azov", "Strait of Kerch")


def _ngrams(text: str, tokens: Sequence[_Token], lex: Lexicon) -> dict[tuple[int, int], str]:
    """Capitalised word runs (up to MAX_TOKENS, may end in a division word) -> surface."""
    grams: dict[tuple[int, int], str] = {}
    for i, first in enumerate(tokens):
        if not first.capitalised:
            continue
        for j in range(i, min(i + MAX_TOKENS, len(tokens))):
            tok = tokens[j]
            if j > i and text[tokens[j - 1].end:tok.start] not in (" ", "-", "'s ", "’s "):
                break  # names do not cross punctuation ("Donetsk People's Republic" has a possessive)
            if j > i and tok.text in _NAME_JOINERS:
                continue  # "Sea of Azov": never a name's last word
            if not tok.capitalised and tok.text.lower() not in lex.division_words:
                break
            grams[(i, j)] = text[first.start:tok.end]
            if not tok.capitalised:
                break  # a division word ends the name
    return grams


def _variants(surface: str, rules: Sequence[tuple[re.Pattern[str], str]], *, depth: int = 2) -> set[str]:
    """Spellings ``surface`` may have in the gazetteer: up to ``depth`` rules applied in turn, since
    a Ukrainian form often differs from the Russian one twice ("Hlushkove": H -> G and -ove -> -ovo)."""
    out: set[str] = set()
    frontier = {surface}
    for _ in range(depth):
        frontier = {changed for form in frontier for pattern, replacement in rules
                    if (changed := pattern.sub(replacement, form)) != form} - out - {surface}
        out |= frontier
    return out


@functools.lru_cache(maxsize=1 << 14)  # the same misses recur across articles; bounded
def _variants_cached(surface: str, rules: tuple[tuple[re.Pattern[str], str], ...]) -> tuple[str, ...]:
    """``_variants``, in its set's own order (the caller keeps the last surface per variant)."""
    return tuple(_variants(surface, rules))


def _with_bare_name(surface: str, hits: dict[str, list[Place]], lex: Lexicon) -> list[Place]:
    """Candidates of "Kyivskyi district": its own, and those of its bare name ("Kyivskyi"), which
    the gazetteer may list without the word (a city's district is filed as a populated place)."""
    found = list(hits.get(surface) or ())
    words = surface.split()
    if len(words) > 1 and words[-1].lower() in lex.adm2_words:
        seen = {p.id for p in found}
        found += [p for p in hits.get(" ".join(words[:-1])) or () if p.id not in seen]
    return found


def _add_variant_hits(grams: dict[tuple[int, int], str], hits: dict[str, list[Place]], gaz: Any, lex: Lexicon) -> None:
    """Spellings the gazetteer lacks, tried through transliteration rules ("Tiotkino" ->
    "Tyotkino", Ukrainian "Hlushkove" -> Russian "Glushkovo"); a hit is kept under the text's form."""
    misses = {g for g in grams.values() if not hits.get(g) and len(g) > 3}
    tried = {variant: surface for surface in misses for variant in _variants_cached(surface, lex.variants)}
    if not tried:
        return
    for variant, places in gaz.lookup_many(sorted(tried)).items():
        if places and not hits.get(tried[variant]):
            hits[tried[variant]] = places


def _select(grams: dict[tuple[int, int], str], hits: dict[str, list[Place]]) -> list[tuple[int, int]]:
    """Longest non-overlapping n-grams that the gazetteer knows, in text order."""
    taken: set[int] = set()
    chosen = []
    for (i, j) in sorted(grams, key=lambda k: (k[0] - k[1], k[0])):
        if hits.get(grams[(i, j)]) and not any(k in taken for k in range(i, j + 1)):
            chosen.append((i, j))
            taken.update(range(i, j + 1))
    return sorted(chosen)


def _entities(doc: Any) -> tuple[tuple[int, int, str], ...]:
    """(start, end, label) of the parse's entities, read once per article (Doc.ents builds
    new Span objects on every access)."""
    if doc is None:
        return ()
    cached = doc.user_data.get("fogofwar_ents")
    if cached is None:
        cached = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)
        doc.user_data["fogofwar_ents"] = cached
    return cached


def _entity_at(doc: Any, start: int, end: int) -> tuple[str | None, int, int]:
    # entities are in text order and never overlap: only the last one starting at or before
    # ``start`` can hold the span
    ents = _entities(doc)
    k = bisect.bisect_right(ents, start, key=lambda e: e[0])
    if k and end <= ents[k - 1][1]:
        return ents[k - 1][2], ents[k - 1][0], ents[k - 1][1]
    return None, start, end


def _is_noise(m: _Mention, tokens: Sequence[_Token], i: int, j: int, doc: Any, lex: Lexicon, text: str,
              names: frozenset[str] = frozenset()) -> bool:
    if i == j and tokens[i].text in lex.not_places:
        return True
    label, e_start, e_end = _entity_at(doc, m.start, m.end)
    if label == "PERSON" and (e_start, e_end) != (m.start, m.end):
        return True  # "Vladimir" in "Vladimir Putin"
    if doc is not None and i == j and label is None and tokens[i].text not in names:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None and len(span) == 1 and span[0].pos_ not in ("PROPN",) and span[0].is_sent_start:
            return True  # a common word opening a sentence
    return False


def _mid_sentence_names(text: str, tokens: Sequence[_Token]) -> frozenset[str]:
    """Words the article capitalises inside a sentence: names, even where one opens a sentence
    ("Toretsk direction: ... near Toretsk")."""
    return frozenset(t.text for prev, t in zip(tokens, tokens[1:])
                     if t.capitalised and not _SENTENCE_GAP.search(text, prev.end, t.start))


_SENTENCE_GAP = re.compile(r"[.!?:\n|]")


_LIST_GAP = re.compile(r"^(?:,\s*|\s+and\s+|,\s*and\s+|\s+or\s+|,\s*or\s+)$")


def _shared_division_word(mentions: list[_Mention], text: str, lex: Lexicon) -> None:
    """In "the Kursk, Voronezh, Belgorod, and Nizhny Novgorod regions" every name is a region."""
    group: list[_Mention] = []
    for m in mentions + [None]:  # type: ignore[list-item]
        if m is not None and (not group or _LIST_GAP.match(text[group[-1].end:m.start])):
            group.append(m)
            continue
        if group:
            last = group[-1]
            word = _following(text, last.end, 1).strip(",.;:")
            if len(group) > 1 and word in lex.division_words and word.endswith("s"):
                level = "adm2" if word.rstrip("s") in lex.adm2_words or word in lex.adm2_words else "adm1"
                for g in group:
                    g.wants_division = g.wants_division or level
        group = [m] if m is not None else []


def _metonyms_by_role(mentions: list[_Mention], doc: Any, lex: Lexicon) -> None:
    """A capital that acts ("Moscow was taken aback", "Kyiv's incursion") or gives a figure or a word
    ("the figure from Kyiv", "a statement by Moscow") is its government."""
    if doc is None:
        return
    for m in mentions:
        if m.surface not in lex.metonyms or m.kind != "toponym":
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None and span.root.dep_ in ("nsubj", "nsubjpass", "poss", "agent") and not any(
                t.dep_ == "prep" for t in span.root.ancestors if t.i == span.root.head.i and t.pos_ == "ADP"):
            m.kind = "metonym"
        elif span is not None and span.root.dep_ == "pobj" and span.root.head.lower_ in ("from", "by") \
                and span.root.head.head.lower_ in lex.metonym_source_nouns:
            m.kind = "metonym"


# A facility named after a city may lie far out in its region (a regional centre lends its name
# across the region: Kursk's nuclear plant is 40 km away, at Kurchatov); one named after a
# smaller settlement (an airfield after its village) lies by it.
_TOWN_LENDS_NAME = 100_000


def _facilities(mentions: list[_Mention], gaz: Any) -> None:
    """A named facility ("Kursk nuclear power plant") is the facility itself when the gazetteer
    has it (data/features.json, GeoNames imports of power plants and airfields); else, named
    after a settlement under ``_TOWN_LENDS_NAME``, it is near that settlement; else it is only
    known to lie in the region of the place it is named after: never a city's coordinates."""
    for m in mentions:
        phrase = m.extra.get("facility")
        if not phrase:
            continue
        m.end, m.surface = m.start + len(phrase), phrase
        found = [p for p in gaz.lookup(phrase) if p.kind in ("facility", "water")]
        if found:
            m.chosen = found[0]
            m.kind = "facility" if found[0].kind == "facility" else "toponym"  # "the Kakhovka reservoir" is water
            m.extra["why"] = f"the {'facility' if m.kind == 'facility' else 'feature'} is in the gazetteer"
        elif (m.chosen is not None and m.chosen.kind == "populated" and m.chosen.latitude is not None
              and (m.chosen.population or 0) < _TOWN_LENDS_NAME):
            m.extra["near"] = True
            m.extra["why"] = f"facility not in the gazetteer: named after {m.chosen.name}, a settlement it lies by"
        elif m.chosen is not None and m.chosen.admin1:
            m.chosen = gaz.division(m.chosen.admin1) or m.chosen
            m.extra["why"] = f"facility not in the gazetteer: only its region ({m.chosen.admin1}) is known"


def _locative(text: str, start: int, lex: Lexicon) -> bool:
    before = _preceding(text, start).split()
    return bool(before) and (before[-1] in lex.locative_cues - {"of", "from"} or " ".join(before[-2:]) in lex.locative_cues)


def _person_surnames(doc: Any) -> frozenset[str]:
    """Last words of multi-word PERSON names: "Smirnov" after "Alexei Smirnov" is a person."""
    if doc is None:
        return frozenset()
    return frozenset(e[-1].text for e in doc.ents if e.label_ == "PERSON" and len(e) > 1)


def _inside_unknown_name(m: _Mention, tokens: Sequence[_Token], i: int, j: int, text: str,
                         hits: dict[str, list[Place]], lex: Lexicon) -> str | None:
    """A known word inside a longer capitalised name the gazetteer lacks ("Lug" in "Tolstoy
    Lug", "Malaya" in "Malaya Loknya") is part of that name: returns the whole name."""
    start, end = i, j
    while start > 0 and tokens[start - 1].capitalised and text[tokens[start - 1].end:tokens[start].start] == " ":
        start -= 1
    while end + 1 < len(tokens) and tokens[end + 1].capitalised and text[tokens[end].end:tokens[end + 1].start] == " ":
        end += 1
    if (start, end) == (i, j) or end - start > 2:
        return None
    if end > j and tokens[j + 1].text.lower() in lex.institution_heads:
        return None  # a place lends its name to an institution: "Poltava Military Institute"
    if any(p.kind == "country" for p in hits.get(m.surface, ())):
        return None  # "Whether Ukraine can hold": no village is named after a country and a word
    words = [t.text for t in tokens[start:end + 1]]
    breakers = lex.division_words | lex.division_heads | lex.place_heads | lex.not_places_lower
    if any(w.lower() in breakers or w in lex.demonyms for w in words):
        return None
    name = text[tokens[start].start:tokens[end].end]
    return None if hits.get(name) else name


def _following(text: str, end: int, words: int = 4) -> str:
    return " ".join(text[end:end + 60].lower().replace("’", "'").split()[:words])


def _preceding(text: str, start: int) -> str:
    return " ".join(text[max(0, start - 40):start].lower().split())


def _context_kind(m: _Mention, text: str, lex: Lexicon) -> None:
    """Read the words around a mention: division words, nested heads, facilities, cues."""
    last = m.surface.split()[-1].lower()
    if last in lex.division_words and len(m.surface.split()) > 1:
        m.wants_division = "adm2" if last in lex.adm2_words else "adm1"
    after = _following(text, m.end)
    head = None
    if after.startswith(lex.facility_heads):  # rarely: most names are followed by no facility word
        head = next((h for h in lex.facility_heads
                     if after.startswith(h) and not after[len(h):len(h) + 1].isalpha()), None)
    if head is not None:
        m.kind = "facility"
        m.extra["facility"] = text[m.start:m.end + 1 + len(head)]
    elif after.split()[:1] and after.split()[0].strip(",.;:") in lex.division_heads:
        m.kind, m.wants_division = "nested", m.wants_division or "adm1"
    elif after.split()[:1] and after.split()[0].strip(",.;:") in lex.place_heads:
        m.kind = "nested"
    before = _preceding(text, m.start)
    m.near = before.endswith(lex.near_cues)
    if m.surface in lex.metonyms and (after.split()[:1] and after.split()[0] in (
            "said", "says", "reported", "claimed", "claims", "announced", "denied", "accused", "insists",
            "insisted", "has", "had", "wants", "would", "will", "responded", "warned")
            or before.endswith("according to")):
        m.kind = "metonym"


@dataclass(slots=True)
class _Context:
    """What the article's confident mentions say about where it is."""

    admin1: Counter[str] = field(default_factory=Counter)
    countries: Counter[str] = field(default_factory=Counter)
    anchors: list[tuple[float, float]] = field(default_factory=list)
    # Every candidate of every mention is measured against every anchor, and the winner again
    # for its reason: the anchors' trigonometry is kept, and for each point the least haversine
    # term so far, which only needs the anchors appended since (anchors are never removed).
    _trig: list[tuple[float, float, float]] = field(default_factory=list, init=False, repr=False)
    _least: dict[tuple[float, float], tuple[int, float]] = field(default_factory=dict, init=False, repr=False)

    def nearest_km(self, lat: float, lon: float) -> float:
        """Distance from (lat, lon) to the nearest anchor (inf when there is none): exactly the
        least ``_km(lat, lon, *anchor)``, as the same operations run on the same values and the
        distance grows with the haversine term ``h``."""
        for a_lat, a_lon in self.anchors[len(self._trig):]:
            a_rad = math.radians(a_lat)
            self._trig.append((a_rad, math.cos(a_rad), a_lon))
        seen, least = self._least.get((lat, lon), (0, math.inf))
        if seen < len(self._trig):
            p1 = math.radians(lat)
            cos1 = math.cos(p1)
            least = min(least, *(_haversine(p1, cos1, lon, p2, cos2, a_lon)
                                 for p2, cos2, a_lon in self._trig[seen:]))
            self._least[(lat, lon)] = (len(self._trig), least)
        return math.inf if least == math.inf else _km_of(least)


def _score(p: Place, m: _Mention, ctx: _Context) -> float:
    # The place's own name beats an alternate or former one ("Pokrovsk" is also Engels' old name).
    s = 1.0 if _plain(p.name) == _plain(m.surface) else 0.0
    if m.wants_division:
        s += 6.0 if p.kind == m.wants_division else (-6.0 if p.kind not in ("adm1", "adm2") else -2.0)
    elif p.kind == "populated":
        s += 0.5
    if p.admin1 and ctx.admin1.get(p.admin1):
        s += 3.0
    if p.country and ctx.countries:
        # A place in a country the article never names is unlikely unless it is a world city.
        s += 1.5 if ctx.countries.get(p.country) else (-2.0 if (p.population or 0) < 1_000_000 else 0.0)
    if ctx.anchors and p.latitude is not None and p.longitude is not None:
        nearest = ctx.nearest_km(p.latitude, p.longitude)
        s += 2.0 if nearest < 150 else (1.0 if nearest < 400 else 0.0)
    return s + math.log10((p.population or 0) + 1) / 3


@functools.lru_cache(maxsize=1 << 16)  # gazetteer names recur across articles; bounded, as memory must not grow
def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def _rank(m: _Mention, ctx: _Context) -> list[Place]:
    ranked = sorted(m.candidates, key=lambda p: _score(p, m, ctx), reverse=True)
    if ranked:
        m.extra["why"] = _why(ranked[0], m, ctx)
    return ranked


def _why(p: Place, m: _Mention, ctx: _Context) -> str:
    """The features that made ``p`` win, for the analyst who asks why."""
    reasons = []
    if m.wants_division:
        reasons.append(f"the text names a {'district' if m.wants_division == 'adm2' else 'region'}")
    if _plain(p.name) == _plain(m.surface):
        reasons.append("its own name")
    if p.admin1 and ctx.admin1.get(p.admin1):
        reasons.append(f"in a region the article names ({p.admin1})")
    elif p.country and ctx.countries.get(p.country):
        reasons.append(f"in a country the article names ({p.country})")
    if ctx.anchors and p.latitude is not None and p.longitude is not None \
            and ctx.nearest_km(p.latitude, p.longitude) < 150:
        reasons.append("near the article's other places")
    if p.population:
        reasons.append(f"population {p.population:,}")
    reasons.append(f"best of {len(m.candidates)} candidate{'s' if len(m.candidates) != 1 else ''}")
    return "; ".join(reasons)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    return _km_of(_haversine(p1, math.cos(p1), lon1, p2, math.cos(p2), lon2))


def _haversine(p1: float, cos1: float, lon1: float, p2: float, cos2: float, lon2: float) -> float:
    """The haversine term of two points, from their latitudes in radians and those latitudes'
    cosines (kept per anchor by ``_Context``), and their longitudes in degrees."""
    return math.sin((p2 - p1) / 2) ** 2 + cos1 * cos2 * math.sin(math.radians(lon2 - lon1) / 2) ** 2


def _km_of(h: float) -> float:
    return 12742.0 * math.asin(math.sqrt(min(1.0, h)))


def _precision(m: _Mention) -> str:
    p = m.chosen
    if p is None:
        return "unknown"
    if p.kind in ("adm1", "adm2", "country"):
        return p.kind
    if p.kind in ("water", "area"):
        return "vague"  # a sea, a river, a border: no point stands for all of it
    return "near" if m.near or m.extra.get("near") else "point"


def _confident(m: _Mention) -> bool:
    """Mentions trusted to set the context: explicit divisions, countries, single
    candidates the parser also calls a place, and big unambiguous places."""
    if m.wants_division or any(p.kind == "country" for p in m.candidates[:1]):
        return True
    if len(m.candidates) != 1:
        return False
    return m.label in ("GPE", "LOC") or (m.candidates[0].population or 0) >= 100_000


def _resolve(mentions: list[_Mention], text: str) -> None:
    """Two passes: confident mentions set the context, then every mention is ranked in it; a
    name the text qualifies with its division ("Veseloye, Glushkovo district") is ranked
    among that division's candidates only."""
    ctx = _Context()
    for m in mentions:
        if _confident(m) and _qualifier(m, mentions, text) is None:
            m.chosen = _rank(m, _Context())[0]
            _note(m.chosen, ctx, government=m.kind == "metonym")
    for m in mentions:
        if m.chosen is None and m.candidates:
            q = _qualifier(m, mentions, text)
            region = q.chosen.admin1 if q is not None and q.chosen is not None else None
            if region:
                m.extra["decided"] = "by the division the text names after it"
            if region and not any(p.admin1 == region for p in m.candidates):
                m.extra["unlisted"] = m.extra["listed"] = True  # the text's division has no place of that name
                continue
            m.chosen = [p for p in _rank(m, ctx) if region is None or p.admin1 == region][0]
            if region is None and _far_and_small(m, ctx):
                m.chosen, m.extra["unlisted"] = None, True  # placed in its region later, if the text says
            elif m.chosen.kind == "populated" and (m.label in ("GPE", "LOC") or (m.chosen.population or 0) >= 100_000):
                _note(m.chosen, ctx, government=m.kind == "metonym")


# Places a report lists together ("near A, B and C") lie on one stretch of front: a namesake of
# an ambiguous name farther than this from every unambiguous place of its list is another village.
_LIST_KM = 60.0
# ... unless that namesake is a town of this size: a list may join two fronts ("the Kupiansk and
# Pokrovsk areas", 250 km apart), and a town that big is the one meant
_LIST_TOWN = 20_000


def _list_neighbours(mentions: list[_Mention], text: str) -> None:
    """An ambiguous name in a list takes its namesake nearest the list's unambiguous places,
    or none (a village the gazetteer lacks, placed by its region later) when all lie far."""
    group: list[_Mention] = []
    for m in [*mentions, None]:
        if m is not None and (not group or _LIST_GAP.match(text[group[-1].end:m.start])):
            group.append(m)
            continue
        anchors = [(n, n.chosen) for n in group if len(n.candidates) == 1 and n.chosen is not None
                   and n.chosen.kind == "populated" and n.chosen.latitude is not None]
        for g in group if anchors else ():
            if len(g.candidates) < 2 or g.wants_division or (
                    g.chosen is not None and g.chosen.kind != "populated") or (
                    g.chosen is None and not g.extra.get("unlisted")):
                continue
            km = {p.id: min(_km(p.latitude, p.longitude, a.latitude, a.longitude) for n, a in anchors if n is not g)
                  for p in g.candidates if p.kind == "populated" and p.latitude is not None
                  and any(n is not g for n, _ in anchors)}
            near = [p for p in g.candidates if km.get(p.id, math.inf) <= _LIST_KM]
            g.extra["decided"] = "by the places listed with it"
            if near:
                g.chosen = min(near, key=lambda p: km[p.id])
                g.extra.pop("unlisted", None)
                g.extra["why"] = f"nearest namesake to the places listed with it; {_why(g.chosen, g, _Context())}"
            elif km and (g.chosen is None or (g.chosen.population or 0) < _LIST_TOWN):
                g.chosen, g.extra["unlisted"], g.extra["listed"] = None, True, True
        group = [m] if m is not None else []


def _one_sense(mentions: list[_Mention]) -> None:
    """A name the text placed by its division or its list keeps that place when it comes again."""
    first: dict[str, _Mention] = {}
    for m in mentions:
        decided = first.setdefault(m.surface, m)
        if decided is m or not decided.extra.get("decided") or m.extra.get("decided") or m.wants_division:
            continue
        m.chosen = decided.chosen
        for key in ("unlisted", "listed", "decided"):
            if key in decided.extra:
                m.extra[key] = decided.extra[key]
        m.extra["why"] = f"as where the article first names it ({decided.extra['decided']})"


def _far_and_small(m: _Mention, ctx: _Context) -> bool:
    """A small namesake outside every region the article names, while the article does name
    regions: more likely a village the gazetteer lacks (Martynovka in Kursk region, not the one
    in Poltava) than a far-away hamlet. A district named by its bare name in a far country is
    as unlikely ("Day" in "Independence Day" is not Day County, South Dakota)."""
    p = m.chosen
    if p is None or not ctx.admin1 or (p.population or 0) >= 10_000:
        return False
    if p.kind != "populated" and (p.kind != "adm2" or m.wants_division):
        return False
    if ctx.admin1.get(p.admin1 or ""):
        return False
    if p.latitude is not None and p.longitude is not None and ctx.nearest_km(p.latitude, p.longitude) < 150:
        return False  # close to the article's other places: a neighbouring region
    return True


def _note(p: Place, ctx: _Context, *, government: bool = False) -> None:
    """Let a resolved place set the article's context. A capital standing for its government
    ("Moscow said") names its country, not ground: its region and coordinates do not count."""
    if government:
        if p.country:
            ctx.countries[p.country] += 1
        return
    if p.admin1:
        ctx.admin1[p.admin1] += 1
    if p.country:
        ctx.countries[p.country] += 1
    if p.latitude is not None and p.longitude is not None and p.kind == "populated":
        ctx.anchors.append((p.latitude, p.longitude))


def _demonyms(text: str, tokens: Sequence[_Token], taken: set[int], gaz: Any, lex: Lexicon,
              doc: Any = None) -> Iterator[_Mention]:
    """"Russian soil", "Russian military airfields", "Ukrainian waters": a demonym before a word
    for ground, water or goods names its place (up to two adjectives may come between)."""
    for k, tok in enumerate(tokens):
        code = lex.demonyms.get(tok.text)
        if code is not None and k not in taken and _origin(text, tok.end, lex):  # "British-made missiles"
            place = gaz.country(code) if len(code) == 2 else gaz.get(code)
            if place is not None:
                yield _Mention(tok.start, tok.end, tok.text, [place], kind="demonym", chosen=place,
                               extra={"why": "demonym of where goods come from"})
            continue
        if code is None or k in taken or k + 1 >= len(tokens) or text[tok.end:tokens[k + 1].start] != " ":
            continue
        head_at = k + 1
        while head_at < min(k + 3, len(tokens) - 1) and _is_adjective(doc, tokens[head_at]) \
                and text[tokens[head_at].end:tokens[head_at + 1].start] == " ":
            head_at += 1
        for start in dict.fromkeys((k + 1, head_at)):
            after = _following(text, tokens[start].start, 5)
            if any(after.startswith(head) and not after[len(head):len(head) + 1].isalnum()
                   for head in lex.demonym_heads):
                place = gaz.country(code) if len(code) == 2 else gaz.get(code)
                if place is not None:
                    yield _Mention(tok.start, tok.end, tok.text, [place], kind="demonym", chosen=place,
                                   extra={"why": f"demonym of a place: {tokens[start].text}"})
                break


def _origin(text: str, end: int, lex: Lexicon) -> bool:
    """"-made", "-supplied" right after a word: it names where the goods come from."""
    if text[end:end + 1] not in "-‑":
        return False
    rest = text[end + 1:end + 16].lower()
    return any(rest.startswith(suffix) and not rest[len(suffix):len(suffix) + 1].isalpha()
               for suffix in lex.origin_suffixes)


def _peoples(tokens: Sequence[_Token], taken: set[int], mentions: list[_Mention], gaz: Any,
             lex: Lexicon) -> Iterator[_Mention]:
    """"Poles and Swedes were among the dead": a people named in the plural stands for where it
    comes from, and "British missiles" for where they come from, unless it is one of the two
    the article is about (the parties, whose "Russians" and "Ukrainian drones" are sides, not places)."""
    countries = Counter(m.chosen.country for m in mentions if m.chosen is not None and m.chosen.country)
    parties = {c for c, _ in countries.most_common(2)}
    for k, tok in enumerate(tokens):
        code = lex.people.get(tok.text)
        supplier = None
        if code is None and k not in taken and tok.text in lex.demonyms and len(lex.demonyms[tok.text]) == 2:
            supplier = _supplied(tokens, k, lex)  # "US and British missiles": who supplied them
            code = lex.demonyms[tok.text] if supplier else None
        if code is None or k in taken or code in parties:
            continue
        country = gaz.country(code)
        if country is not None:
            why = (f"supplier of the {supplier}, not one of the article's parties" if supplier
                   else f"a people other than the article's parties: {country.name}")
            yield _Mention(tok.start, tok.end, tok.text, [country], kind="demonym", chosen=country, extra={"why": why})


_WEAPON_MODIFIERS = frozenset({"and", "or", "cruise", "ballistic", "long", "range", "new", "heavy", "advanced",
                               "modern", "anti-aircraft", "guided", "precision", "main", "battle"})


def _supplied(tokens: Sequence[_Token], k: int, lex: Lexicon) -> str | None:
    """The weapons a demonym heads ("British missiles", "US and British long-range weapons"): up to
    two adjectives or a coordinated demonym may come between; None when it heads none."""
    words = [t.text.lower() for t in tokens[k + 1:k + 6]]
    for skip in range(0, 4):
        if skip and not (words[skip - 1] in _WEAPON_MODIFIERS or "-" in words[skip - 1]
                         or tokens[k + skip].text in lex.demonyms):
            return None  # only modifiers of the weapon come between: "US and British long-range missiles"
        rest = " ".join(words[skip:])
        head = next((h for h in lex.supplied_heads if rest.startswith(h) and not rest[len(h):len(h) + 1].isalpha()),
                    None)
        if head is not None:
            return head
    return None


def _is_adjective(doc: Any, tok: _Token) -> bool:
    if doc is None or tok.capitalised:
        return False
    span = doc.char_span(tok.start, tok.end)
    return span is not None and len(span) == 1 and span[0].pos_ == "ADJ"


def _borders(text: str, doc: Any, mentions: list[_Mention], gaz: Any, lex: Lexicon) -> Iterator[_Mention]:
    """"close to the border", "far beyond the border": the land border between the two countries
    the article names most, when the gazetteer has it, on the side of the most named one; a
    border word that qualifies a noun ("the border area") is not the border itself."""
    countries = Counter(m.chosen.country for m in mentions if m.chosen is not None and m.chosen.country)
    top = [c for c, _ in countries.most_common(2)]
    if len(top) < 2:
        return
    border = gaz.get(f"feature:border-{'-'.join(sorted(top))}")
    if border is None:
        return
    # seen from the side the article is mostly about: its country, as ACLED codes a border event
    border = dataclasses.replace(border, country=top[0])
    covered = [(m.start, m.end) for m in mentions]
    for match in lex.border.finditer(text):
        start, end = match.span(1)
        if any(s < end and start < e for s, e in covered) or _qualifies_a_noun(doc, text, end):
            continue
        yield _Mention(start, end, text[start:end], [border], chosen=border,
                       extra={"why": "the border between the article's two most named countries "
                                     f"({' and '.join(top)})"})


def _qualifies_a_noun(doc: Any, text: str, end: int) -> bool:
    following = _TOKEN.match(text, end + 1) if text[end:end + 1] == " " else None
    if following is None or doc is None:
        return False
    span = doc.char_span(following.start(), following.end())
    return span is not None and len(span) == 1 and span[0].pos_ in ("NOUN", "PROPN")


def _unknown_places(text: str, doc: Any, mentions: list[_Mention], lex: Lexicon, gaz: Any,
                    known: dict[str, list[Place]]) -> Iterator[_Mention]:
    """Names the gazetteer lacks but the text places: 'at Russkoye Porechnoye', 'the village of X'."""
    if doc is None:
        return
    overlaps_mention = _overlap_test([(m.start, m.end) for m in mentions])
    # entities come in order of their start: one overlaps an entity taken before it only if it
    # starts before the furthest end taken
    taken_to = -1
    listed = sorted(m.end for m in mentions if m.kind != "demonym")  # ends of the places named so far
    for ent in sorted([*doc.ents, *_settlement_names(text, doc)], key=lambda e: (e.start_char, -e.end_char)):
        if ent.label_ not in ("GPE", "LOC", "FAC", "ORG", "PRODUCT", "PERSON", "NORP"):
            continue
        if ent.start_char < taken_to or overlaps_mention(ent.start_char, ent.end_char):
            continue
        taken_to = max(taken_to, ent.end_char)
        name = ent.text  # a Span builds its text anew on every access
        words = name.split()
        if not all(w[:1].isupper() for w in words) or any(w in lex.not_places for w in words):
            continue
        if known.get(name):
            continue  # a name the gazetteer knows was weighed, and dropped, as such
        if ent.label_ == "NORP" or not (
                _placed_by_text(text, ent.start_char, ent.end_char, ent.label_, lex)
                or any(m.surface == name and m.kind == "toponym" for m in mentions)
                or ent.label_ != "PERSON" and any(_LIST_GAP.match(text[e:ent.start_char])
                                                  for e in listed if e <= ent.start_char)):
            continue  # a place where the text uses it as one: here, earlier, or in a list of places
        listed.append(ent.end_char)
        anchor = _placed_near(ent.end_char, text, mentions, lex)
        if anchor is not None:
            yield _Mention(ent.start_char, ent.end_char, name, [], kind="toponym", chosen=anchor.chosen,
                           extra={"near": True, "why": f"not in the gazetteer; the text puts it near {anchor.surface}"})
            continue
        region = _region_for(ent.start_char, text, mentions, end=ent.end_char, surface=name)
        place = gaz.division(region) if region else None
        why = (f"not in the gazetteer; the text places it in {region}" if region
               else "not in the gazetteer, and the text does not say where it is")
        yield _Mention(ent.start_char, ent.end_char, name, [], kind="toponym", chosen=place,
                       extra={"unlisted": True, "why": why})


def _overlap_test(spans: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """Does (start, end) overlap any of ``spans``? Spans sorted by start, each with the
    furthest end up to it, answer in a bisection instead of a pass over all of them."""
    spans = sorted(spans)
    starts = [s for s, _ in spans]
    furthest = list(itertools.accumulate((e for _, e in spans), max))

    def overlaps(start: int, end: int) -> bool:
        k = bisect.bisect_left(starts, end)  # the spans starting before ``end``
        return k > 0 and furthest[k - 1] > start
    return overlaps


# names the text calls settlements whatever the parser makes of them: "the villages of A, B and C"
_SETTLEMENT_LIST = re.compile(r"(?i:\b(?:villages?|settlements?|hamlets?|towns?)\s+of\s+)"
                              r"((?:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})(?:\s*(?:,|\band\b|\bor\b)\s*"
                              r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})*)")
_NAME = re.compile(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}")


def _settlement_names(text: str, doc: Any) -> list[Any]:
    """Spans (labelled LOC) of the names a settlement word lists: "near the settlements of
    Zarechnaya Sloboda and Verkhnyaya Kamenka"."""
    out = []
    for m in _SETTLEMENT_LIST.finditer(text):
        for name in _NAME.finditer(text, m.start(1), m.end(1)):
            span = doc.char_span(name.start(), name.end(), label="LOC", alignment_mode="strict")
            if span is not None:
                out.append(span)
    return out


_STRONG_CUES = ("at", "near", "including at", "including in", "outskirts of", "village of", "town of",
                "settlement of", "hamlet of", "city of", "in the village of", "in the area of", "area of",
                "villages of", "settlements of", "towns of", "hamlets of", "districts of")


def _placed_by_text(text: str, start: int, end: int, label: str, lex: Lexicon) -> bool:
    """Does the text use this name as a place? A GPE/LOC/FAC entity needs a locative word before
    it ("in", "at", "near"); a name the parser calls something else needs a strong one ("at",
    "near", "the village of", "fighting for"), a settlement word after it ("X village") or an
    apposition that says what it is ("X, a tiny border hamlet")."""
    before = " ".join(_preceding(text, start).split()[-4:])
    after = _following(text, end, 1)
    if after in lex.settlement_words or lex.apposition.match(text, end):
        return True
    if any(before == cue or before.endswith(" " + cue) for cue in lex.contest_cues):
        return True
    if label in ("GPE", "LOC", "FAC") and before.split()[-1:] and before.split()[-1] in lex.locative_cues:
        return True
    if any(before == cue or before.endswith(" " + cue) for cue in _STRONG_CUES):
        return True
    return _LISTED_AFTER_CUE.search(text, max(0, start - 120), start) is not None  # "the settlements of A and B"


# a name after a list that a strong cue opened: "near the settlements of Lyubimovka and | Olgovka"
_LISTED_AFTER_CUE = re.compile(r"(?i:\b(?:" + "|".join(re.escape(c) for c in _STRONG_CUES if " " in c) + r"))"
                               r"(?:\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?\s*,)*\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?"
                               r"\s*(?:,|\band|\bor)\s*$")


def _placed_near(end: int, text: str, mentions: list[_Mention], lex: Lexicon) -> _Mention | None:
    """The settlement a name is said to lie by, right after it: "Khalino near Kursk"."""
    after = text[end:end + 40].lower()
    for cue in lex.near_cues:
        gap = re.match(r"\s+%s\s+(?:the\s+)?" % re.escape(cue), after)
        if gap is not None:
            return next((n for n in mentions if n.start == end + gap.end() and n.chosen is not None
                         and n.chosen.kind == "populated" and n.kind == "toponym"), None)
    return None


_QUALIFIER_GAP = re.compile(r"^(?:,\s*|\s+in\s+(?:the\s+)?|\s+of\s+(?:the\s+)?)$")
# what ends a clause: a region named past it is not where a name before it lies
_CLAUSE_BREAK = re.compile(r"[;:()]|,\s+(?:and|but|while|whereas|as|where|which|who|although|though)\b|\s[—–-]\s")


def _qualifier(m: _Mention, mentions: list[_Mention], text: str) -> _Mention | None:
    """The division mention right after ``m`` that says where it is: "X, Glushkovo district",
    "X in the Kursk region", "the settlement of X of the Donetsk People's Republic"."""
    if m.wants_division:
        return None
    return next((n for n in mentions if n.start > m.end and n.wants_division and n is not m
                 and _QUALIFIER_GAP.match(text[m.end:n.start])), None)


def _region_for(pos: int, text: str, mentions: list[_Mention], *, end: int | None = None,
                surface: str | None = None) -> str | None:
    """The admin1 the text puts a position in, or None when the text does not say.

    In order: the division that qualifies the name ("X, Glushkovo district"); where the same
    name was placed earlier in the article (one place per name and article); the nearest
    region named before it in its sentence ("in the Kursk region, including at X"); the only
    region its sentence names before it or in its clause; when its sentence names no place,
    the region of the place named last before it in its paragraph or the one before (a report
    names the front and then its villages); the region most of the article's places are in,
    when it has at least twice the mentions of any other. Metonyms name governments, not ground.
    """
    resolved = [m for m in mentions if m.chosen is not None and m.chosen.admin1 and m.kind != "metonym"]
    if end is not None:
        q = next((n for n in resolved if n.start > end and n.wants_division
                  and _QUALIFIER_GAP.match(text[end:n.start])), None)
        if q is not None:
            return q.chosen.admin1
    same_name = [m for m in resolved if surface and m.surface == surface and m.start < pos]
    if same_name:
        return same_name[0].chosen.admin1
    sent_start = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1
    sent_end = min((i for i in (text.find(". ", pos), text.find("\n", pos)) if i >= 0), default=len(text))
    before = [m for m in resolved if sent_start <= m.start < pos and m.chosen.kind in ("adm1", "adm2")]
    if before:
        return max(before, key=lambda m: m.start).chosen.admin1
    same = {m.chosen.admin1 for m in resolved if sent_start <= m.start < sent_end
            and (m.start < pos or not _CLAUSE_BREAK.search(text, pos, m.start))}
    if len(same) == 1:
        return same.pop()
    if same:
        return None
    earlier = [m for m in resolved if _paragraph_start(text, sent_start, back=1) <= m.start < sent_start
               and m.chosen.kind != "country"]
    if earlier:
        return max(earlier, key=lambda m: m.start).chosen.admin1
    anywhere = Counter(m.chosen.admin1 for m in resolved if m.chosen.kind != "country")
    ranked = anywhere.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
        return ranked[0][0]  # the region the article is mostly about
    return None


def _paragraph_start(text: str, pos: int, *, back: int = 0) -> int:
    """Where the paragraph holding ``pos`` starts, or the one ``back`` paragraphs before it."""
    start = text.rfind("\n", 0, pos) + 1
    for _ in range(back):
        if start == 0:
            break
        start = text.rfind("\n", 0, start - 1) + 1
    return start


def _place_unlisted(mentions: list[_Mention], text: str, lex: Lexicon, gaz: Any) -> None:
    """Names whose namesakes the gazetteer offers are not the place meant: near the town the
    text puts them by, else in the region it puts them in, else dropped where nothing in the
    text says they are places at all."""
    for m in list(mentions):
        if m.extra.get("unlisted") and (anchor := _placed_near(m.end, text, mentions, lex)) is not None:
            m.chosen, m.extra["near"] = anchor.chosen, True
            del m.extra["unlisted"]
            m.extra["why"] = f"not in the gazetteer here; the text puts it near {anchor.surface}"
        elif m.extra.get("unlisted"):
            region = _region_for(m.start, text, mentions, end=m.end, surface=m.surface)
            m.chosen = gaz.division(region) if region else None
            m.extra["why"] = (f"not in the gazetteer here; the text places it in {region}" if region
                              else "not in the gazetteer, and the text does not say where it is")
            named_before = any(o.surface == m.surface and o.start < m.start for o in mentions if o is not m)
            placed = _placed_by_text(text, m.start, m.end, m.label or "", lex)  # "at X", "the village of X"
            if not (named_before or m.extra.get("listed") or placed) and (
                    m.label in ("PERSON", "ORG", "WORK_OF_ART", "PRODUCT") and m.surface == m.surface.split()[0]
                    or not (m.label in ("GPE", "LOC") or _locative(text, m.start, lex))):
                # a far namesake of a word the parser calls a person or an organisation ("Smirnov",
                # an outlet's name), or with nothing saying it is a place here ("the Battle of
                # Kursk", "Air defences"): the region an article is about does not make it one
                mentions.remove(m)


def find_mentions(article: Article, doc: Any, gaz: Any) -> list[PlaceMention]:
    """Every place mention of ``article``, resolved in ``gaz`` where it can be."""
    lex = lexicon()
    text = article.text
    tokens = _tokens(text)
    grams = _ngrams(text, tokens, lex)
    hits = gaz.lookup_many(sorted(set(grams.values())))
    for surface in set(grams.values()) & lex.country_abbreviations.keys():  # "US", never Us in France
        country = gaz.country(lex.country_abbreviations[surface])
        hits[surface] = [country] if country is not None else []
    _add_variant_hits(grams, hits, gaz, lex)
    mentions: list[_Mention] = []
    taken: set[int] = set()
    surnames = _person_surnames(doc)
    names = _mid_sentence_names(text, tokens)
    for i, j in _select(grams, hits):
        surface = grams[(i, j)]
        if surface in lex.demonyms:
            continue  # "German" is a people's word (see _demonyms), never San Germán by an alternate name
        m = _Mention(tokens[i].start, tokens[j].end, surface, _with_bare_name(surface, hits, lex))
        m.label = _entity_at(doc, m.start, m.end)[0]
        if _is_noise(m, tokens, i, j, doc, lex, text, names) or (i == j and surface in surnames):
            continue
        if _inside_unknown_name(m, tokens, i, j, text, hits, lex):
            continue
        _context_kind(m, text, lex)
        mentions.append(m)
        taken.update(range(i, j + 1))
    _shared_division_word(mentions, text, lex)
    _metonyms_by_role(mentions, doc, lex)
    _resolve(mentions, text)
    _list_neighbours(mentions, text)
    _one_sense(mentions)
    _facilities(mentions, gaz)
    _place_unlisted(mentions, text, lex, gaz)
    mentions.extend(_demonyms(text, tokens, taken, gaz, lex, doc))
    mentions.extend(_peoples(tokens, taken, mentions, gaz, lex))
    mentions.extend(_unknown_places(text, doc, mentions, lex, gaz, hits))
    mentions.extend(_borders(text, doc, mentions, gaz, lex))
    mentions.sort(key=lambda m: m.start)
    versions = Versions(pipeline=_pipeline_version(), lexicons=lex.version, gazetteer=getattr(gaz, "version", None))
    out = []
    for m in mentions:
        precision = "adm1" if m.extra.get("unlisted") and m.chosen is not None else _precision(m)
        evidence = Evidence(article_id=article.id, start=m.start, end=m.end, text=text[m.start:m.end])
        out.append(PlaceMention(id=_mention_id(article.id, m.start, m.end), evidence=evidence,
                                name=m.surface, kind=m.kind, place=m.chosen, precision=precision,
                                reason=m.extra.get("why"), versions=versions))
    return out


def region_at(pos: int, sentence: tuple[int, int], mentions: Sequence[PlaceMention], text: str) -> str | None:
    """The region (ISO 3166-2) that words at ``pos`` are about: the nearest place of their
    sentence resolved below country level, else the last one earlier in their paragraph,
    else the article's main region (named first among the most named). Metonyms and demonyms name governments and
    peoples, not ground, and are left out."""
    ground = [m for m in mentions if m.place is not None and m.place.admin1
              and m.kind not in ("metonym", "demonym") and m.precision not in ("country", "unknown")]
    inside = [m for m in ground if sentence[0] <= m.evidence.start < sentence[1]]
    if inside:
        return min(inside, key=lambda m: (abs(m.evidence.start - pos), m.evidence.start)).place.admin1
    paragraph_start = text.rfind("\n", 0, sentence[0]) + 1
    earlier = [m for m in ground if paragraph_start <= m.evidence.start < sentence[0]]
    if earlier:
        return earlier[-1].place.admin1
    counts = Counter(m.place.admin1 for m in ground)
    if not counts:
        return None
    # the article's subject: of the regions named about as often as the most named one,
    # the one named first (headlines and ledes name it)
    top = counts.most_common(1)[0][1]
    return next(m.place.admin1 for m in sorted(ground, key=lambda m: m.evidence.start)
                if 2 * counts[m.place.admin1] >= top)


def _mention_id(article_id: str, start: int, end: int) -> str:
    return hashlib.sha256(f"{article_id}:{start}:{end}".encode()).hexdigest()[:24]


def _pipeline_version() -> str:
    from . import __version__

    return __version__
