"""Who speaks: the claims lexicon with its claimant registry, and what a claimant phrase says of
itself (name, kind, role, side) or what the rest of the article says of a name.

Part of the claims stage (:mod:`fogofwar.claims`), kept apart to keep each module readable.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = ["ClaimLexicon", "Context", "Entry", "lexicon", "ents", "fold", "registry_entry", "side_from_words",
           "kind_from_words", "role_of", "name_descriptions", "side_from_places", "display_name"]


@dataclass(frozen=True, slots=True)
class Entry:
    canonical: str
    kind: str
    side: str
    role: str | None


@dataclass(frozen=True, slots=True)
class ClaimLexicon:
    version: str
    cues: dict[str, str]
    cue_forms: dict[str, str]  # inflected form -> cue lemma, for words the lemmatizer gets wrong ("hoped")
    deny: frozenset[str]
    hedges: tuple[tuple[str, str], ...]
    side_cues: tuple[tuple[str, str], ...]
    third_party: re.Pattern[str]  # words of bodies and countries outside the war; UPPER-CASE ones as written
    kind_cues: tuple[tuple[str, str], ...]
    anonymous_markers: tuple[str, ...]
    document_words: frozenset[str]  # what a claimant issues: "the statement said" speaks for its author
    cue_needs: dict[str, str]  # a cue lemma that attributes only with this preposition: put ... at
    cue_not_with: dict[str, tuple[str, ...]]  # particles that give a cue lemma another sense: call up, call off
    evidential: frozenset[str]  # cue lemmas a thing can be the subject of ("footage shows"): a speaker is needed
    outlet_verbs: frozenset[str]
    registry: dict[str, Entry]  # casefolded name -> entry
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
        entry = Entry(item["canonical"], item["kind"], item["side"], item.get("role"))
        for name in item["names"]:
            registry[name.casefold()] = entry
    longest_first = lambda d: tuple(sorted(d.items(), key=lambda kv: -len(kv[0])))  # noqa: E731
    return ClaimLexicon(
        version=f"{raw['version']}-{digest}", cues=dict(raw["cue_lemmas"]),
        cue_forms=_inflections(raw["cue_lemmas"]), deny=frozenset(raw["deny_lemmas"]),
        hedges=longest_first(raw["hedges"]), side_cues=longest_first(raw["side_cues"]),
        # kind cues are tried in file order: the first listed wins ("military blogger" is a blogger)
        third_party=_third_party_pattern(raw["third_party_cues"]), kind_cues=tuple(raw["kind_cues"].items()),
        anonymous_markers=tuple(raw["anonymous_markers"]), document_words=frozenset(raw["document_words"]),
        evidential=frozenset(raw["evidential_lemmas"]), cue_needs=dict(raw["cue_needs_preposition"]),
        cue_not_with={k: tuple(v) for k, v in raw["cue_not_with_particle"].items()},
        outlet_verbs=frozenset(raw["outlet_verbs"]),
        registry=registry, official_words=_words_pattern(raw["official_words"]),
        local_words=_words_pattern(raw["local_words"]), side_cues_map=dict(raw["side_cues"]),
        side_words=re.compile(r"(?<![\w-])(?:" + "|".join(
            re.escape(c) for c in sorted(raw["side_cues"], key=len, reverse=True)) + r")(?![\w-])", re.I))


def _inflections(lemmas: dict[str, str]) -> dict[str, str]:
    """The regular forms of each cue lemma: hope -> hopes, hoped, hoping; deny -> denies, denied."""
    forms: dict[str, str] = {}
    for lemma in lemmas:
        if lemma.endswith("e"):
            stems = (lemma + "s", lemma + "d", lemma[:-1] + "ing")
        elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
            stems = (lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing")
        else:
            stems = (lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x")) else "s"), lemma + "ed", lemma + "ing")
        for form in (lemma, *stems):
            forms.setdefault(form, lemma)
    return forms


def _third_party_pattern(words: list[str]) -> re.Pattern[str]:
    """Whole words, any case, except acronyms written in capitals ("US" is not "us")."""
    parts = [(w.strip(), w.strip().isupper()) for w in sorted(words, key=len, reverse=True) if w.strip()]
    alternatives = "|".join(re.escape(w) if upper else f"(?i:{re.escape(w)})" for w, upper in parts)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def _words_pattern(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")


def ents(span: Any) -> list[tuple[int, int, str, str]]:
    """(start, end, label, text) of the entities inside ``span``; the Doc's are read once
    (Span.ents builds new Span objects on every access)."""
    doc = span.doc
    cached = doc.user_data.get("fogofwar_claim_ents")
    if cached is None:
        cached = tuple((e.start_char, e.end_char, e.label_, e.text) for e in doc.ents)
        doc.user_data["fogofwar_claim_ents"] = cached
    return [e for e in cached if span.start_char <= e[0] and e[1] <= span.end_char]


def registry_entry(span: Any, lex: ClaimLexicon) -> Entry | None:
    """The registry entry the claimant phrase names: the whole phrase ("Russia's defence
    ministry", "Moscow") or a person named in it ("Belgorod governor Vyacheslav Gladkov")."""
    folded = fold(span.text).removeprefix("the ")
    if folded in lex.registry:
        return lex.registry[folded]
    for _start, _end, label, text in ents(span):
        entry = lex.registry.get(fold(text))
        if label == "PERSON" and entry is not None:
            return entry
    root = span.root  # a name the tagger did not take for a person ("Commander-in-chief Oleksandr Syrskyi")
    if root.pos_ == "PROPN":
        run = [t for t in span if t.pos_ == "PROPN" and t.i <= root.i and not any(
            u.pos_ != "PROPN" for u in span.doc[t.i:root.i])]
        for name in (span.doc[run[0].i:root.i + 1].text if run else root.text, root.text):
            if fold(name) in lex.registry and lex.registry[fold(name)].kind == "person":
                return lex.registry[fold(name)]
    return None


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace(" 's", "'s").casefold()).strip()


def side_from_words(text: str, lex: ClaimLexicon) -> str:
    folded = " " + text.casefold() + " "
    for cue, side in lex.side_cues:  # longest first: "pro-russian" before "russian"
        if re.search(rf"(?<![\w-]){re.escape(cue)}(?![\w-])", folded):
            return side
    if lex.third_party.search(text):
        return "third_party"
    return "unknown"


def kind_from_words(span: Any, text: str, lex: ClaimLexicon, sent_text: str) -> str:
    folded = text.casefold()
    if any(m in sent_text.casefold() for m in lex.anonymous_markers) and not any(
            t.ent_type_ == "PERSON" for t in span):
        return "anonymous"
    named = any(t.ent_type_ == "PERSON" for t in span)
    for cue, kind in lex.kind_cues:
        if re.search(rf"\b{re.escape(cue)}\b", folded):
            if named and kind in ("anonymous", "institution", "government", "military"):
                continue  # "official Ivan Petrov", "air force commander Ivan Petrov": a named person
            return kind
    if any(t.ent_type_ == "PERSON" for t in span):
        return "person"
    if any(t.ent_type_ in ("ORG", "NORP") for t in span):
        return "institution"
    if any(t.ent_type_ == "GPE" for t in span):
        return "government"
    return "unknown"


def role_of(span: Any) -> str | None:
    """The words around a named person in the claimant phrase, as written:
    "Interior Minister Ihor Klymenko", "Yuri Podolyaka, a ... military blogger"."""
    people = [e for e in ents(span) if e[2] == "PERSON"]
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
class Context:
    """What the rest of the article says about claimants: descriptions and places."""

    descriptions: dict[str, list[Any]]  # casefolded name -> Spans describing it
    places: tuple[tuple[int, int, str], ...]  # (start, end, ISO country) of resolved place mentions
    text: str = ""  # the article's text (the parsed Doc's, read once)


def name_descriptions(doc: Any) -> dict[str, list[Any]]:
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


def side_from_places(start: int, end: int, ctx: Context) -> str:
    """An official or body of a place in one belligerent's country speaks for that side."""
    countries = {c for s, e, c in ctx.places if start <= s and e <= end and c in ("RU", "UA")}
    return countries.pop() if len(countries) == 1 else "unknown"


_LEADING_JUNK = re.compile(r"^[\W\d_]+")  # a timestamp or bullet before a name ("14:20 | Smirnov")


def display_name(span: Any) -> str:
    people = [e for e in ents(span) if e[2] == "PERSON"]
    if people:
        return _LEADING_JUNK.sub("", people[0][3]) or people[0][3]
    words = [t for t in span if t.lower_ not in ("a", "an", "the")]
    name = span.doc[words[0].i:span.end].text if words else span.text
    return _LEADING_JUNK.sub("", name) or name
