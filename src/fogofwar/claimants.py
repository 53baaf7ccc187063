"""Who speaks: the claims lexicon with its claimant registry, and what a claimant phrase says of
itself (name, kind, role, side) or what the rest of the article says of a name.

Part of the claims stage (:mod:`fogofwar.claims`), kept apart to keep each module readable.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = ["ClaimLexicon", "Context", "Entry", "lexicon", "ents", "fold", "registry_entry", "side_from_words",
           "kind_from_words", "role_of", "name_descriptions", "side_from_places", "display_name", "name_phrase",
           "earlier_mention", "header_author", "voice_side"]


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
    cue_needs_figure: frozenset[str]  # a cue lemma that attributes only with a number in its object: count
    acts: dict[str, frozenset[str]]  # a cue lemma that does a thing with these objects: declare an emergency
    cue_not_with: dict[str, tuple[str, ...]]  # particles that give a cue lemma another sense: call up, call off
    evidential: frozenset[str]  # cue lemmas a thing can be the subject of ("footage shows"): a speaker is needed
    outlet_verbs: frozenset[str]
    registry: dict[str, Entry]  # casefolded name -> entry
    official_words: re.Pattern[str]  # titles and bodies that speak for a place's authorities
    local_words: re.Pattern[str]  # "local", "regional": officials of the place the sentence is about
    side_words: re.Pattern[str]  # the side cues, longest first, as one pattern
    side_cues_map: dict[str, str]
    # head nouns a definite description ("the ministry") refers back to a fuller mention by, longest first
    anaphor_heads: tuple[tuple[str, ...], ...] = ()
    impersonal_sources: frozenset[str] = frozenset()  # "according to preliminary data": no one named
    figure_nouns: frozenset[str] = frozenset()  # "the figure from Kyiv is 41": whose figure it is
    international: re.Pattern[str] = re.compile(r"(?!x)x")  # bodies of neither side, whatever place they name
    count_nouns: frozenset[str] = frozenset()  # "by my count", "by the ministry's estimate"
    enemy_words: frozenset[str] = frozenset()  # "the enemy's own channels": the side opposite the author's
    media_objects: frozenset[str] = frozenset()  # "posted photos": what a post shows, not what it says
    supposing_marks: frozenset[str] = frozenset()  # "if the ministry confirms": supposed, not said
    own_side_nouns: tuple[str, ...] = ()  # "our lads", "our units": an article that speaks as one of the fighting
    negating_adverbs: frozenset[str] = frozenset()  # "officials rarely confirm": not said
    person_titles: frozenset[str] = frozenset()  # "the governor" is one person, whom "he" can continue
    # a side word before these names whose ground a figure is on, not whose figure it is
    land_nouns: frozenset[str] = frozenset()
    # "his troops", "its forces": the claimant's own (a figure told of them is its side's)
    own_forces: re.Pattern[str] = re.compile(r"(?!x)x")
    # the side and kind cues compiled once, in their order (one pattern per cue: the first that matches wins)
    side_patterns: tuple[tuple[re.Pattern[str], str], ...] = ()
    kind_patterns: tuple[tuple[re.Pattern[str], str], ...] = ()


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
        third_party=_third_party_pattern(raw["third_party_cues"]),
        international=_third_party_pattern(raw["international_bodies"]), kind_cues=tuple(raw["kind_cues"].items()),
        anonymous_markers=tuple(raw["anonymous_markers"]), document_words=frozenset(raw["document_words"]),
        evidential=frozenset(raw["evidential_lemmas"]), cue_needs=dict(raw["cue_needs_preposition"]),
        cue_needs_figure=frozenset(raw["cue_needs_figure"]),
        acts={k: frozenset(v) for k, v in raw["acts_not_statements"].items()},
        cue_not_with={k: tuple(v) for k, v in raw["cue_not_with_particle"].items()},
        outlet_verbs=frozenset(raw["outlet_verbs"]),
        registry=registry, official_words=_words_pattern(raw["official_words"]),
        local_words=_words_pattern(raw["local_words"]), side_cues_map=dict(raw["side_cues"]),
        anaphor_heads=tuple(tuple(h.split()) for h in sorted(raw["anaphor_heads"], key=lambda h: -len(h.split()))),
        impersonal_sources=frozenset(raw["impersonal_sources"]), figure_nouns=frozenset(raw["figure_nouns"]),
        count_nouns=frozenset(raw["count_nouns"]), person_titles=frozenset(raw["person_titles"]),
        enemy_words=frozenset(raw["enemy_words"]), media_objects=frozenset(raw["media_objects"]),
        supposing_marks=frozenset(raw["supposing_marks"]), own_side_nouns=tuple(raw["own_side_nouns"]), negating_adverbs=frozenset(raw["negating_adverbs"]),
        side_words=re.compile(r"(?<![\w-])(?:" + "|".join(
            re.escape(c) for c in sorted(raw["side_cues"], key=len, reverse=True)) + r")(?![\w-])", re.I),
        land_nouns=frozenset(raw["land_nouns"]),
        own_forces=re.compile(r"\b(?:his|her|its|their)\s+(?:own\s+)?(?:[\w-]+\s+)?(?:"
                              + "|".join(re.escape(w) for w in raw["own_forces"]) + r")\b", re.I),
        side_patterns=tuple((re.compile(rf"(?<![\w-]){re.escape(cue)}(?![\w-])"), side)
                            for cue, side in longest_first(raw["side_cues"])),
        kind_patterns=tuple((re.compile(rf"\b{re.escape(cue)}\b"), kind) for cue, kind in raw["kind_cues"].items()))


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
    body = lex.international.search(text)
    if body is not None and not lex.side_words.search(text, 0, body.start()):
        return "third_party"  # "the UN monitoring mission in Ukraine" is the UN's; "Russia's UN envoy" is not
    folded = " " + text.casefold() + " "
    for pattern, side in lex.side_patterns:  # longest first: "pro-russian" before "russian"
        if pattern.search(folded):
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
    for pattern, kind in lex.kind_patterns:
        if pattern.search(folded):
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
    author: Any = None  # the Span naming the body whose own post the article is (see header_author)
    voice: str = "unknown"  # the side the article speaks for as "we" (see voice_side)
    ground: tuple[tuple[int, int, str], ...] = ()  # the places of ``places`` below country level


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


def side_from_places(start: int, end: int, ctx: Context, *, ground: bool = False) -> str:
    """An official or body of a place in one belligerent's country speaks for that side (with
    ``ground``, only places below country level count: "Russia said" names no ground)."""
    countries = {c for s, e, c in (ctx.ground if ground else ctx.places) if start <= s and e <= end
                 and c in ("RU", "UA")}
    return countries.pop() if len(countries) == 1 else "unknown"


_LEADING_JUNK = re.compile(r"^[\W\d_]+")  # a timestamp or bullet before a name ("14:20 | Smirnov")


def display_name(span: Any) -> str:
    people = [e for e in ents(span) if e[2] == "PERSON"]
    if people:
        return _LEADING_JUNK.sub("", people[0][3]) or people[0][3]
    words = [t for t in span if t.lower_ not in ("a", "an", "the")]
    name = span.doc[words[0].i:span.end].text if words else span.text
    return _LEADING_JUNK.sub("", name) or name


_NAME_PARTS = frozenset({"compound", "amod", "det", "poss", "case", "flat", "nmod", "nummod"})


def name_phrase(tok: Any, lex: ClaimLexicon) -> Any:
    """The name a head noun stands in, without clauses or other attachments: "the Ministry of Defence
    of the Russian Federation" (of-chains kept), "The Belgorod governor, Vyacheslav Gladkov" (a name
    in apposition kept), not "... on the progress of the operation". A title before a name stands
    for the named person ("Belgorod governor Vyacheslav Gladkov"); another noun before a noun keeps
    only the words before it ("Russia's Foreign Ministry" in "... Ministry spokeswoman Maria X")."""
    doc, sent = tok.doc, tok.sent
    if tok.dep_ == "compound" and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i > tok.i:
        if tok.lower_ not in lex.person_titles:
            start = tok.i
            while start > sent.start and doc[start - 1].dep_ in _NAME_PARTS and (
                    doc[start - 1].head.i > start - 1 or doc[start - 1].dep_ == "case") \
                    and doc[start - 1].head.i <= tok.head.i:
                start -= 1
            return doc[start:tok.i + 1]
        while tok.dep_ == "compound" and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i > tok.i:
            tok = tok.head
    kept = {tok.i}
    todo = [tok]
    while todo:
        t = todo.pop()
        for c in t.children:
            part = c.dep_ in _NAME_PARTS or (c.dep_ == "prep" and c.lower_ == "of") or (
                c.dep_ == "pobj" and t.lower_ == "of") or (c.dep_ == "appos" and c.pos_ == "PROPN")
            if part and sent.start <= c.i < sent.end:
                kept.add(c.i)
                todo.append(c)
    start, end = min(kept), max(kept) + 1
    while end > start + 1 and doc[end - 1].is_punct:
        end -= 1
    return doc[start:end]


def _head_of(words: list[str], lex: ClaimLexicon) -> tuple[str, ...] | None:
    """The vocabulary head a description ends with, longest first ("general staff" before "staff")."""
    for head in lex.anaphor_heads:
        if tuple(words[-len(head):]) == head:
            return head
    return None


def _word_positions(doc: Any) -> tuple[list[str], dict[str, list[int]]]:
    """The doc's lower-cased words and, per word, where it occurs (built once per doc: looking
    back for a mention token by token made every definite description cost a pass over the doc)."""
    cached = doc.user_data.get("fogofwar_word_positions")
    if cached is None:
        lowers = [t.lower_ for t in doc]
        where: dict[str, list[int]] = {}
        for i, w in enumerate(lowers):
            where.setdefault(w, []).append(i)
        cached = doc.user_data["fogofwar_word_positions"] = (lowers, where)
    return cached


def earlier_mention(description: Any, lex: ClaimLexicon) -> Any:
    """The nearest fuller mention before a definite description with a vocabulary head: for "the
    ministry", "Russia's Ministry of Defence"; for "the operational headquarters", "Operational
    headquarters of Belgorod region". Every word of the description must be in the mention (the
    regional administration is not the city administration); None when there is no such mention."""
    words = [t.lower_ for t in description if not t.is_punct and t.lower_ != "the" and t.dep_ != "case"]
    head = _head_of(words, lex) if words else None
    if head is None:
        return None
    doc = description.doc
    lowers, where = _word_positions(doc)
    ends = where.get(head[-1], [])
    for k in reversed(ends[:bisect.bisect_left(ends, description.start)]):
        if k < len(head) - 1 or tuple(lowers[k - len(head) + 1:k + 1]) != head:
            continue
        mention = name_phrase(doc[k], lex)
        said = {t.lower_ for t in mention} | {t.lemma_.lower() for t in mention}
        fuller = len([t for t in mention if not t.is_punct and t.lower_ != "the"]) > len(words)
        if fuller and all(w in said for w in words) and mention.end <= description.start:
            return mention
    return None


_FIRST_PERSON = re.compile(r"\b(?:we|We|our|Our|us)\b")
_HEADER_SEPARATORS = frozenset({":", "|", "–", "—"})
_QUOTED = re.compile(r"“[^”]*”|«[^»]*»|\"[^\"\n]*\"")


def _unquoted(text: str) -> str:
    """The text with quoted words blanked out (offsets kept)."""
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def voice_side(text: str, lex: ClaimLexicon) -> str:
    """The side an article speaks for when it speaks as one of the fighting ("our lads went forward",
    "our units held", "the enemy pulled back") and names only the other side in the third person
    ("the Russian ministry's fairy tales", "Kyiv has boasted"): the side it does not name. Unknown
    when it names both sides or neither, or its "we" is no combatant's (a reporter's "our
    correspondent", an aid group's "our teams")."""
    plain = _unquoted(text)
    words = "|".join(re.escape(w) for w in lex.own_side_nouns)
    combatant = re.search(rf"\b(?:our|Our)\s+(?:\w+\s+)?(?:{words})\b", plain) or any(
        re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", plain, re.I) for w in lex.enemy_words)
    if not combatant:
        return "unknown"
    # the first line is a post's own header ("GENERAL STAFF OF THE ARMED FORCES OF UKRAINE"); a group of
    # forces ("the Vostok group") is named in the third person by its own side's bulletins too
    body = plain.find("\n") + 1 if "\n" in plain.strip() else 0
    named = Counter(lex.side_cues_map[fold(m.group())] for m in lex.side_words.finditer(plain, body)
                    if not re.search(r"\b(?:our|my)[ \t]+(?:\w+[ \t]+)?$", plain[max(0, m.start() - 30):m.start()],
                                     re.I) and not _names_ground(plain, m.end(), lex)
                    and not _PLACED.search(plain, max(0, m.start() - 12), m.start())
                    and not m.group().lower().endswith(" group"))
    ranked = named.most_common(2)
    # the other side is the one named in the third person, at least twice as often as any other
    # (a post may name a unit of its own side once: "sources in the Sever group")
    if not ranked or len(ranked) == 2 and ranked[0][1] < 2 * ranked[1][1]:
        return "unknown"
    return {"RU": "UA", "UA": "RU"}.get(ranked[0][0], "unknown")


_PLACED = re.compile(r"\b(?:in|near|outside|around|over|towards?)\s+$", re.I)  # "outside Moscow": a place


def _names_ground(text: str, end: int, lex: ClaimLexicon) -> bool:
    """"Russian land", "Ukrainian soil": a side word that says whose ground, not who speaks."""
    return bool(lex.land_nouns.intersection(re.findall(r"[\w-]+", text[end:end + 30].lower())[:2]))


def header_author(doc: Any, lex: ClaimLexicon) -> Any:
    """The body whose own post the article is: its name heads the first line ("General Staff of the
    Armed Forces of Ukraine: strikes on ...", "Operational headquarters of X region | 14.08",
    "Summary of the Ministry of Defence ...") and the text speaks as "we"/"our" outside quotes.
    None for a news article whose headline merely quotes a body."""
    text = doc.text
    line_end = text.find("\n")
    line_end = len(text) if line_end < 0 else line_end
    line = [t for t in doc if t.idx < line_end and not t.is_space]
    if len(line) < 2:
        return None
    titled = line[0].lemma_.lower() in lex.document_words and line[1].lower_ in ("of", "from", "by")
    if not titled and not _FIRST_PERSON.search(_unquoted(text[line_end:])):
        return None  # "Summary of the Ministry of Defence ..." says whose it is; a plain name needs a "we"
    mention = None
    if line[0].lemma_.lower() in lex.document_words and line[1].lower_ in ("of", "from", "by"):
        objs = [c for c in line[1].children if c.dep_ == "pobj"]
        mention = name_phrase(objs[0], lex) if objs else None
    else:
        cut = next((n for n, t in enumerate(line) if t.text in _HEADER_SEPARATORS), None)
        named = line[:cut] if cut else []
        roots = [t for t in named if not any(t.head.i == u.i for u in named if u.i != t.i)]
        if len(roots) > 1 and len(named) <= 4 and all(t.pos_ == "PROPN" for t in named):
            mention = doc[named[0].i:named[-1].i + 1]  # a name the parser split: "Zapadny Vektor |"
        elif len(roots) == 1:
            mention = name_phrase(roots[0], lex)
            if (mention.start, mention.end) != (named[0].i, named[-1].i + 1):
                return None  # "Kremlin says talks are off | Outlet": a headline, not a name
    if mention is None and len(line) <= 12 and not any(t.pos_ in ("VERB", "AUX") for t in line) \
            and not any(t.text in _HEADER_SEPARATORS for t in line):
        mention = doc[line[0].i:line[-1].i + 1]  # a heading that is only the body's name ("GENERAL STAFF OF ...")
    if mention is None:
        return None
    entry = registry_entry(mention, lex)
    kind = entry.kind if entry is not None else kind_from_words(mention, mention.text, lex, mention.text)
    if kind in ("institution", "government", "military"):
        return mention
    # a channel signing its own post ("Severny Veter | notes from the front") that speaks as one
    # of the fighting: the blogger is the author
    if kind != "media" and voice_side(text, lex) in ("RU", "UA"):
        return mention
    return None
