"""Claims: who says what, with the cue, stance, hedges and as-of date.

Attribution is read from the dependency parse: a cue verb (by lemma, from
``data/claims.json``) and its subject ("Zelenskiy wrote", "a Ukrainian security
source told Reuters"), or "according to X". The claimant is looked up in the
registry (editable data); one the registry does not know is still kept, with
its role, kind and side taken from its own words ("a Ukrainian-born pro-Russian
military blogger" → RU, blogger) and otherwise ``unknown``: no side is guessed.
A pronoun subject ("he said") continues the last named claimant of its kind.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from . import dates, places as places_mod
from .records import Article, Claim, Claimant, DateValue, Evidence, PlaceMention, Quantity, Versions

__all__ = ["find_claims", "lexicon", "ClaimLexicon"]

_PRONOUNS = {"he": "person", "she": "person", "they": None, "it": None, "we": None, "i": "person"}


@dataclass(frozen=True, slots=True)
class _Entry:
    canonical: str
    kind: str
    side: str
    role: str | None


@dataclass(frozen=True, slots=True)
class ClaimLexicon:
    version: str
    cues: dict[str, str]
    deny: frozenset[str]
    hedges: tuple[tuple[str, str], ...]
    side_cues: tuple[tuple[str, str], ...]
    third_party: tuple[str, ...]
    kind_cues: tuple[tuple[str, str], ...]
    anonymous_markers: tuple[str, ...]
    outlet_verbs: frozenset[str]
    registry: dict[str, _Entry]  # casefolded name -> entry
    official_words: re.Pattern[str]  # titles and bodies that speak for a place's authorities
    local_words: re.Pattern[str]  # "local", "regional": officials of the place the sentence is about
    side_words: re.Pattern[str]  # the side cues, longest first, as one pattern
    side_cues_map: dict[str, str]


@functools.cache
def lexicon() -> ClaimLexicon:
    raw = json.loads(resources.files("fogofwar").joinpath("data/claims.json").read_text("utf-8"))
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:8]
    registry = {}
    for item in raw["registry"]:
        entry = _Entry(item["canonical"], item["kind"], item["side"], item.get("role"))
        for name in item["names"]:
            registry[name.casefold()] = entry
    longest_first = lambda d: tuple(sorted(d.items(), key=lambda kv: -len(kv[0])))  # noqa: E731
    return ClaimLexicon(
        version=f"{raw['version']}-{digest}", cues=dict(raw["cue_lemmas"]), deny=frozenset(raw["deny_lemmas"]),
        hedges=longest_first(raw["hedges"]), side_cues=longest_first(raw["side_cues"]),
        # kind cues are tried in file order: the first listed wins ("military blogger" is a blogger)
        third_party=tuple(raw["third_party_cues"]), kind_cues=tuple(raw["kind_cues"].items()),
        anonymous_markers=tuple(raw["anonymous_markers"]), outlet_verbs=frozenset(raw["outlet_verbs"]),
        registry=registry, official_words=_words_pattern(raw["official_words"]),
        local_words=_words_pattern(raw["local_words"]), side_cues_map=dict(raw["side_cues"]),
        side_words=re.compile(r"(?<![\w-])(?:" + "|".join(
            re.escape(c) for c in sorted(raw["side_cues"], key=len, reverse=True)) + r")(?![\w-])", re.I))


def _words_pattern(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")


@dataclass(frozen=True, slots=True)
class _Attribution:
    cue_token: Any  # the verb, or "according"
    claimant: Any  # a Span
    cue: str
    stance: str
    via_outlet: str | None
    sentence: str  # the text of the sentence it is in
    sentence_span: tuple[int, int]
    scope: tuple[int, int]  # the subject with its clauses: "X, who heads the council of Y,"


def _subject(verb: Any) -> Any:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head is not verb:
        return _subject(verb.head) if verb.head.pos_ in ("VERB", "AUX") else None
    return None


def _phrase(token: Any) -> Any:
    """The claimant noun phrase: the subject with its modifiers and appositions, no clauses."""
    doc = token.doc
    excluded: set[int] = set()
    for t in token.subtree:
        if t.i != token.i and t.dep_ in ("relcl", "acl", "advcl", "ccomp"):
            excluded.update(x.i for x in t.subtree)
    kept = sorted(t.i for t in token.subtree if t.i not in excluded)
    start, end = kept[0], kept[-1] + 1
    while start < end and (doc[start].is_punct or doc[start].lower_ in ("and", "but")):
        start += 1
    while end > start + 1 and doc[end - 1].is_punct:
        end -= 1
    return doc[start:end]


def _scope(token: Any) -> tuple[int, int]:
    return token.left_edge.idx, token.right_edge.idx + len(token.right_edge)


def _attributions(sent: Any, lex: ClaimLexicon) -> Iterator[_Attribution]:
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            objs = [c for c in tok.doc[tok.i + 1].children if c.dep_ == "pobj"]
            if objs:
                yield _Attribution(tok, _phrase(objs[0]), "according_to", "asserts", None, sent.text,
                                   (sent.start_char, sent.end_char), _scope(objs[0]))
            continue
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in lex.cues:
            continue
        if tok.tag_ == "VBN" and tok.dep_ in ("amod", "acl") :
            continue  # "the reported attack": an adjective, not an attribution
        subj = _subject(tok)
        if subj is not None and subj.lower_ in ("who", "which", "that") and tok.dep_ == "relcl":
            subj = tok.head  # "X, who accuses ...": X is the claimant
        if subj is None or subj.dep_ == "nsubjpass":
            # "X was reported to strike": the subject is what is reported; the claimant is
            # the agent ("by Y") when there is one.
            agents = [p for c in tok.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
            if not agents:
                continue
            subj = agents[0]
        via = None
        if tok.lemma_.lower() in lex.outlet_verbs:
            objs = [c for c in tok.children if c.dep_ in ("dobj", "dative") and c.ent_type_ in ("ORG", "GPE", "PERSON")]
            via = objs[0].text if objs and objs[0].ent_type_ == "ORG" else None
        stance = "denies" if tok.lemma_.lower() in lex.deny else "asserts"
        yield _Attribution(tok, _phrase(subj), lex.cues[tok.lemma_.lower()], stance, via, sent.text,
                           (sent.start_char, sent.end_char), _scope(subj))


def _ents(span: Any) -> list[tuple[int, int, str, str]]:
    """(start, end, label, text) of the entities inside ``span``; the Doc's are read once
    (Span.ents builds new Span objects on every access)."""
    doc = span.doc
    cached = doc.user_data.get("fogofwar_claim_ents")
    if cached is None:
        cached = tuple((e.start_char, e.end_char, e.label_, e.text) for e in doc.ents)
        doc.user_data["fogofwar_claim_ents"] = cached
    return [e for e in cached if span.start_char <= e[0] and e[1] <= span.end_char]


def _registry_entry(span: Any, lex: ClaimLexicon) -> _Entry | None:
    """The registry entry the claimant phrase names: the whole phrase ("Russia's defence
    ministry", "Moscow") or a person named in it ("Belgorod governor Vyacheslav Gladkov")."""
    folded = _fold(span.text).removeprefix("the ")
    if folded in lex.registry:
        return lex.registry[folded]
    for _start, _end, label, text in _ents(span):
        entry = lex.registry.get(_fold(text))
        if label == "PERSON" and entry is not None:
            return entry
    return None


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace(" 's", "'s").casefold()).strip()


def _side_from_words(text: str, lex: ClaimLexicon) -> str:
    folded = " " + text.casefold() + " "
    for cue, side in lex.side_cues:  # longest first: "pro-russian" before "russian"
        if re.search(rf"(?<![\w-]){re.escape(cue)}(?![\w-])", folded):
            return side
    if any(cue in folded for cue in lex.third_party):
        return "third_party"
    return "unknown"


def _kind_from_words(span: Any, text: str, lex: ClaimLexicon, sent_text: str) -> str:
    folded = text.casefold()
    if any(m in sent_text.casefold() for m in lex.anonymous_markers) and not any(
            t.ent_type_ == "PERSON" for t in span):
        return "anonymous"
    for cue, kind in lex.kind_cues:
        if re.search(rf"\b{re.escape(cue)}\b", folded):
            if kind == "anonymous" and any(t.ent_type_ == "PERSON" for t in span):
                continue  # "official Ivan Petrov" is a named person
            return kind
    if any(t.ent_type_ == "PERSON" for t in span):
        return "person"
    if any(t.ent_type_ in ("ORG", "NORP") for t in span):
        return "institution"
    if any(t.ent_type_ == "GPE" for t in span):
        return "government"
    return "unknown"


def _role(span: Any) -> str | None:
    """The words around a named person in the claimant phrase, as written:
    "Interior Minister Ihor Klymenko", "Yuri Podolyaka, a ... military blogger"."""
    people = [e for e in _ents(span) if e[2] == "PERSON"]
    if not people:
        return None
    p_start, p_end = people[0][0], people[0][1]
    text = span.text  # not span.doc.text: that joins the whole document again on every call
    before = text[:p_start - span.start_char]
    after = text[p_end - span.start_char:]
    role = before if len(before.strip()) >= len(after.strip()) else after
    role = re.sub(r"^[\s,;:(]*(?:(?:a|an|the)\s+)?|[\s,;:)]*$", "", role, flags=re.I)
    role = re.sub(r"(?:'s|’s)$", "", role).strip()
    return role or None


@dataclass(frozen=True, slots=True)
class _Context:
    """What the rest of the article says about claimants: descriptions and places."""

    descriptions: dict[str, list[Any]]  # casefolded name -> Spans describing it
    places: tuple[tuple[int, int, str], ...]  # (start, end, ISO country) of resolved place mentions
    text: str = ""  # the article's text (the parsed Doc's, read once)


def _descriptions(doc: Any) -> dict[str, list[Any]]:
    """Appositions and relative clauses that describe a name: "Dozorny, the author of a
    pro-war Russian channel, ..." -> {"dozorny": [that apposition's Span]}."""
    out: dict[str, list[Any]] = {}
    for tok in doc:  # "President of Ukraine Volodymyr Zelenskiy met ...": the words around a name
        if tok.pos_ == "PROPN" and (tok.i + 1 == len(doc) or doc[tok.i + 1].pos_ != "PROPN"):
            phrase = _noun_phrase_around(tok)
            if len(phrase) > 1:
                out.setdefault(tok.text.casefold(), []).append(phrase)
    for tok in doc:
        if tok.dep_ in ("appos", "relcl") and tok.head.pos_ == "PROPN":
            out.setdefault(tok.head.text.casefold(), []).append(doc[tok.left_edge.i:tok.right_edge.i + 1])
        elif tok.dep_ == "attr" and tok.head.lemma_ == "be":
            subjects = [c for c in tok.head.children if c.dep_ == "nsubj" and c.pos_ == "PROPN"]
            if subjects:
                out.setdefault(subjects[0].text.casefold(), []).append(doc[tok.left_edge.i:tok.right_edge.i + 1])
    return out


def _noun_phrase_around(tok: Any) -> Any:
    """The noun phrase a name sits in, up to (not including) its verb: for "Zelenskiy" in
    "President of Ukraine Volodymyr Zelenskiy met ..." that is "President of Ukraine Volodymyr Zelenskiy"."""
    top = tok
    while top.head is not top and top.dep_ in ("compound", "pobj", "prep", "appos", "poss", "flat") \
            and top.head.pos_ in ("NOUN", "PROPN", "ADP"):
        top = top.head
    words = [t.i for t in top.subtree
             if not any(a.dep_ in ("relcl", "acl", "advcl") for a in [t, *t.ancestors] if a.i != top.i and top in a.ancestors)]
    return tok.doc[min(words):max(words) + 1]


def _side_from_places(start: int, end: int, ctx: _Context) -> str:
    """An official or body of a place in one belligerent's country speaks for that side."""
    countries = {c for s, e, c in ctx.places if start <= s and e <= end and c in ("RU", "UA")}
    return countries.pop() if len(countries) == 1 else "unknown"


def _described(claimant: Claimant, attr: _Attribution, lex: ClaimLexicon, ctx: _Context) -> Claimant:
    """Fill an unknown side (and a bare kind or role) from what the article says of the claimant:
    for an official or a body, the places of its own phrase and clauses ("who heads the council
    of Tolstoy Lug"), or of its sentence for "local officials", "the mayor"; then descriptions
    of the same name elsewhere (words, then places). A private person's location gives no side."""
    if claimant.side != "unknown":
        return claimant
    subject = attr.claimant
    scope_text = ctx.text[attr.scope[0]:attr.scope[1]].casefold()
    official = claimant.kind in ("institution", "government", "military") or bool(
        lex.official_words.search(scope_text))
    side = "unknown"
    if official:
        side = _side_from_places(attr.scope[0], attr.scope[1], ctx)
        if side == "unknown" and lex.local_words.search(scope_text):
            # "local officials", "the mayor": of the place the paragraph is about, so far
            paragraph = ctx.text.rfind("\n", 0, attr.sentence_span[0]) + 1
            side = _side_from_places(paragraph, attr.sentence_span[1], ctx)
    name_key = claimant.name.split()[-1].casefold() if claimant.name else ""
    spans = ctx.descriptions.get(name_key, [])
    for span in spans:
        if side == "unknown":
            side = _side_from_words(span.text, lex)
        if side == "unknown" and official:
            side = _side_from_places(span.start_char, span.end_char, ctx)
    kind = claimant.kind
    if kind == "unknown" and spans and subject.root.pos_ == "PROPN":
        kind = "person"
    if spans and kind in ("person", "unknown"):
        text = " ".join(span.text for span in spans).casefold()
        if any(k == "blogger" and re.search(rf"\b{re.escape(cue)}\b", text) for cue, k in lex.kind_cues):
            kind = "blogger"
    role = claimant.role or (spans[0].text if spans else None)
    return dataclasses.replace(claimant, side=side, kind=kind, role=role)


def _claimant(attr: _Attribution, article: Article, lex: ClaimLexicon, seen: list[Claimant],
              ctx: _Context) -> Claimant | None:
    claimant = _claimant_of(attr, article, lex, seen)
    if claimant is None:
        return None
    return _described(claimant, attr, lex, ctx)


def _claimant_of(attr: _Attribution, article: Article, lex: ClaimLexicon, seen: list[Claimant]) -> Claimant | None:
    span = attr.claimant
    text = span.text
    evidence = Evidence(article_id=article.id, start=span.start_char, end=span.end_char, text=text)
    antecedent = _antecedent(span, seen)
    if antecedent is not None:  # "he said", "the ministry added": the same claimant, these words
        return dataclasses.replace(antecedent, evidence=evidence, via_outlet=attr.via_outlet or antecedent.via_outlet)
    if len(span) == 1 and span[0].lower_ in _PRONOUNS:
        return None  # a pronoun with nothing before it to stand for
    entry = _registry_entry(span, lex)
    if entry is not None:
        return Claimant(name=entry.canonical, kind=entry.kind, side=entry.side, role=_role(span) or entry.role,
                        via_outlet=attr.via_outlet, registry_id=entry.canonical, evidence=evidence)
    kind = _kind_from_words(span, text, lex, attr.sentence)
    outlet = attr.via_outlet
    claimant = Claimant(name=_display_name(span), kind=kind, side=_side_from_words(text, lex), role=_role(span),
                        via_outlet=outlet, evidence=evidence)
    return _same_name(claimant, seen)


def _antecedent(span: Any, seen: list[Claimant]) -> Claimant | None:
    """What a pronoun or a definite description ("the ministry") refers back to."""
    words = [t for t in span if not t.is_punct]
    if len(words) == 1 and words[0].lower_ in _PRONOUNS:
        wanted = _PRONOUNS[words[0].lower_]
        for previous in reversed(seen):
            if wanted is None and previous.kind in ("person", "witness") and words[0].lower_ == "it":
                continue
            if wanted is None or previous.kind in ("person", "blogger", "witness"):
                return previous
        return None
    if words and words[0].lower_ == "the" and len(words) <= 4 and not any(t.ent_type_ for t in words):
        head = words[-1].lower_
        for previous in reversed(seen):
            described = " ".join(filter(None, (previous.name, previous.role,
                                               previous.evidence.text if previous.evidence else None))).casefold()
            if re.search(rf"\b{re.escape(head)}\b", described):
                return previous
    return None


def _same_name(claimant: Claimant, seen: list[Claimant]) -> Claimant:
    """A person named again ("Kivi said") keeps what an earlier mention said of them."""
    if claimant.side != "unknown" and claimant.role:
        return claimant
    surname = claimant.name.split()[-1].casefold() if claimant.name else ""
    for previous in reversed(seen):
        if surname and previous.name and previous.name.split()[-1].casefold() == surname:
            return dataclasses.replace(
                claimant, name=previous.name if len(previous.name) > len(claimant.name) else claimant.name,
                side=claimant.side if claimant.side != "unknown" else previous.side,
                kind=previous.kind if claimant.kind in ("unknown", "person") else claimant.kind,
                role=claimant.role or previous.role)
    return claimant


_LEADING_JUNK = re.compile(r"^[\W\d_]+")  # a timestamp or bullet before a name ("14:20 | Smirnov")


def _display_name(span: Any) -> str:
    people = [e for e in _ents(span) if e[2] == "PERSON"]
    if people:
        return _LEADING_JUNK.sub("", people[0][3]) or people[0][3]
    words = [t.text for t in span if t.lower_ not in ("a", "an", "the")]
    name = " ".join(words) or span.text
    return _LEADING_JUNK.sub("", name) or name


def _hedges(sent_text: str, lex: ClaimLexicon) -> tuple[str, ...]:
    folded = sent_text.casefold()
    found = []
    for phrase, code in lex.hedges:
        if re.search(rf"\b{re.escape(phrase)}\b", folded) and code not in found:
            found.append(code)
    return tuple(found)


def _as_of(article: Article, sentence: tuple[int, int]) -> DateValue:
    """When the claim says things stood: the date its sentence names ("On 12 August he put
    the figure at…"), else the publication day, else unknown."""
    named = dates.resolve(article.text[sentence[0]:sentence[1]], article.published,
                          article_id=article.id, offset=sentence[0])
    if named.precision != "unknown":
        return named
    if article.published:
        day = article.published[:10]
        return DateValue(start=day, end=day, precision="day")
    return DateValue()


def find_claims(article: Article, doc: Any, *, quantities: Sequence[Quantity] = (),
                places: Sequence[PlaceMention] = ()) -> list[Claim]:
    """Every attributed statement of a parsed article (its place mentions help tell sides)."""
    if doc is None:
        return []
    lex = lexicon()
    ctx = _Context(descriptions=_descriptions(doc), places=tuple(
        (m.evidence.start, m.evidence.end, m.place.country) for m in places
        if m.place is not None and m.place.country and m.kind != "demonym"), text=article.text)
    versions = Versions(pipeline=_pipeline_version(), lexicons=lex.version)
    seen: list[Claimant] = []
    out: list[Claim] = []
    for sent in doc.sents:
        found = []
        for attr in _attributions(sent, lex):
            claimant = _claimant(attr, article, lex, seen, ctx)
            if claimant is not None:
                seen.append(claimant)
                found.append((attr, claimant))
        start, end = sent.start_char, sent.end_char
        owners = _owners([q for q in quantities if start <= q.evidence.start and q.evidence.end <= end],
                         [attr.cue_token.idx for attr, _c in found])
        for n, (attr, claimant) in enumerate(found):
            evidence = Evidence(article_id=article.id, start=start, end=end, text=article.text[start:end])
            inside = tuple(_about(q, (start, end), article.text, places, claimant, lex) for q, owner in owners
                           if owner == n)
            hedges = _hedges(sent.text, lex)
            if attr.cue == "claimed" and "claimed" not in hedges:
                hedges = (*hedges, "claimed")
            out.append(Claim(id=_claim_id(article.id, attr.cue_token.idx), evidence=evidence, claimant=claimant,
                             cue=attr.cue, stance=attr.stance, hedges=hedges, quantities=inside,
                             as_of=_as_of(article, (start, end)), versions=versions))
    return out


def _owners(figures: Sequence[Quantity], cues: Sequence[int]) -> list[tuple[Quantity, int]]:
    """Which attribution of a sentence each figure belongs to: the nearest cue before it
    ("Russia claims it is less than half of the area Ukraine claims": the half is Russia's),
    else the first one after it ("More than 100 were taken, Kyiv said")."""
    out = []
    for q in figures:
        before = [n for n, at in enumerate(cues) if at <= q.evidence.start]
        if before:
            out.append((q, max(before, key=lambda n: cues[n])))
        elif cues:
            out.append((q, min(range(len(cues)), key=lambda n: cues[n])))
    return out


_FIRST_PERSON = re.compile(r"\b(?:our|we|us)\b", re.I)


def _about(q: Quantity, sentence: tuple[int, int], text: str, places: Sequence[PlaceMention],
           claimant: Claimant, lex: ClaimLexicon) -> Quantity:
    """Where a claimed figure is measured and whose it is (control, losses, prisoners): the
    side named last before it in its sentence ("Ukrainian forces hold 28 settlements"),
    the claimant's own for "our"/"we", else unknown."""
    before = text[sentence[0]:q.evidence.start]
    last = max([*lex.side_words.finditer(before), *_FIRST_PERSON.finditer(before)],
               key=lambda m: m.end(), default=None)
    subject = None
    if last is not None and _FIRST_PERSON.fullmatch(last.group()):
        subject = claimant.side if claimant.side in ("RU", "UA") else None
    elif last is not None:
        subject = lex.side_cues_map[_fold(last.group())]
    region = places_mod.region_at(q.evidence.start, sentence, places, text)
    return dataclasses.replace(q, region=region, subject_side=subject)


def _claim_id(article_id: str, offset: int) -> str:
    return hashlib.sha256(f"{article_id}:claim:{offset}".encode()).hexdigest()[:24]


def _pipeline_version() -> str:
    from . import __version__

    return __version__
