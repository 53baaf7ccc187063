"""Claims: who says what, with the cue, stance, hedges and as-of date.

Attribution is read from the dependency parse: a cue verb (by lemma, from
``data/claims.json``) and its subject ("Zelenskiy wrote", "a Ukrainian security
source told Reuters"), or "according to X". The claimant is looked up in the
registry (editable data); one the registry does not know is still kept, with
its role, kind and side taken from its own words ("a Ukrainian-born pro-Russian
military blogger" → RU, blogger) and otherwise ``unknown``: no side is guessed.
A pronoun subject ("he said", "it said") continues the claimant it stands for; a
definite description ("the ministry stated") the nearest fuller mention of its head noun before
it; a document that speaks ("the statement said") speaks for its author, and a source that names
no one ("according to preliminary data") for the body whose own post the article is. What a claimant
phrase says of itself lives in :mod:`fogofwar.claimants`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from . import dates, places as places_mod
from .claimants import (ClaimLexicon, Context, display_name, earlier_mention, fold, header_author, kind_from_words,
                        lexicon, name_descriptions, registry_entry, role_of, side_from_places, side_from_words,
                        voice_side)
from .records import Article, Claim, Claimant, DateValue, Evidence, PlaceMention, Quantity, Versions

__all__ = ["find_claims", "lexicon", "ClaimLexicon"]

_PRONOUNS = {"he": "person", "she": "person", "they": None, "it": None, "we": None, "i": "person",
             "his": "person", "her": "person", "its": None, "their": None}  # possessives: "its statement said"


@dataclass(frozen=True, slots=True)
class _Attribution:
    cue_token: Any  # the verb, or "according"
    claimant: Any  # a Span
    cue: str
    stance: str
    via_outlet: str | None
    sentence: str  # the text of the sentence it is in
    sentence_span: tuple[int, int]
    scope: tuple[int, int]  # the subject with its clauses: "X, who accuses ...,"
    how: str = "own"  # own | shared ("..., adding") | trailing | relative ("X, who said") | agent | according
    words: tuple[int, int] | None = None  # the attribution's own words when not the claimant's ("adding")


_WH = frozenset({"who", "which", "that", "what", "whom"})
_SEPARATORS = frozenset({"|", "-", "–", "—", ":", "•", "/"})


def _own_subject(verb: Any) -> Any:
    """The verb's subject; with two ("KYIV, Aug 15 - Commander X said"), the one nearest before it,
    a relative or interrogative pronoun ("what he says") only when it is the only one."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    plain = [c for c in subjects if c.lower_ not in _WH] or subjects
    before = [c for c in plain if c.i < verb.i]
    if before:
        return max(before, key=lambda c: c.i)
    return plain[0] if plain else None


def _shared_subject(verb: Any) -> Any:
    """The subject a conjoined or participial verb shares with the verb it hangs on ("X said, adding")."""
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.i != verb.i and verb.head.pos_ in ("VERB", "AUX"):
        return _own_subject(verb.head) or _shared_subject(verb.head)
    return None


def _trailing_subject(verb: Any) -> Any:
    """A claimant written between the statement and its verb that the parser left without a subject
    link: "The toll has risen to seven, regional governor X said" -> X. The words from the last comma
    up to the verb must hang together as one noun phrase."""
    sent_start = _sentence_start(verb)
    i = verb.i - 1
    while i >= sent_start and not (verb.doc[i].is_punct and verb.doc[i].text not in ("-", "'", "’")):
        i -= 1
    words = range(i + 1, verb.i)
    if not words or (i >= sent_start and verb.doc[i].text not in (",", "”", '"', "»")):
        return None
    roots = [verb.doc[k] for k in words if not (i < verb.doc[k].head.i < verb.i)]
    if len(roots) == 1 and roots[0].pos_ in ("NOUN", "PROPN"):
        return roots[0]
    return None


def _sentence_start(tok: Any) -> int:
    i = tok.i
    while i > 0 and not tok.doc[i].is_sent_start:
        i -= 1
    return i


def _phrase(token: Any) -> Any:
    """The claimant noun phrase: the subject with its modifiers and appositions, no clauses, and no
    line prefix before a free-standing separator ("14:05 | ", "KYIV, Aug 15 (Agency) - ")."""
    doc = token.doc
    excluded: set[int] = set()
    for t in token.subtree:
        if t.i != token.i and t.dep_ in ("relcl", "acl", "advcl", "ccomp"):
            excluded.update(x.i for x in t.subtree)
        elif t.dep_ == "prep" and t.head.i == token.i and any(
                g.dep_ == "pobj" and g.ent_type_ in ("DATE", "TIME") for g in t.children):
            excluded.update(x.i for x in t.subtree)  # "a spokesman on Wednesday": when, not who
    kept = sorted(t.i for t in token.subtree if t.i not in excluded)
    start, end = kept[0], kept[-1] + 1
    start = max([start, *(k + 1 for k in excluded if k < token.i)])
    end = min([end, *(k for k in excluded if k > token.i)])
    for k in range(token.i - 1, start - 1, -1):
        if _is_separator(doc[k]):
            start = k + 1
            break
    while start < end and (doc[start].is_punct or doc[start].lower_ in ("and", "but")):
        start += 1
    while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].dep_ == "case"):
        end -= 1  # "Moscow's (count)": the speaker without the possessive
    return doc[start:end]


def _is_separator(tok: Any) -> bool:
    """A dash or bar standing alone between spaces, or a line break: the end of a dateline or time stamp."""
    if "\n" in tok.text or (tok.i > 0 and "\n" in tok.doc[tok.i - 1].whitespace_):
        return True
    spaced = bool(tok.whitespace_) and tok.i > 0 and bool(tok.doc[tok.i - 1].whitespace_)
    return tok.text in _SEPARATORS and spaced


def _scope(token: Any) -> tuple[int, int]:
    return token.left_edge.idx, token.right_edge.idx + len(token.right_edge)


def _cue_lemma(tok: Any, lex: ClaimLexicon) -> str | None:
    lemma = tok.lemma_.lower()
    return lemma if lemma in lex.cues else lex.cue_forms.get(tok.lower_)


def _not_a_statement(tok: Any, lemma: str, quoted: Sequence[tuple[int, int]], lex: ClaimLexicon) -> bool:
    """Cue verbs that attribute nothing: inside someone's quoted words ("“our mapping suggests”"),
    negated ("did not confirm", "published no figure"), a to-infinitive ("to assess", "declined
    to say") or a future ("will say"), only supposed ("if the ministry confirms"), hardly ever done ("officials rarely
    confirm"), bidden ("let them deny it": a subject in the object case), or a verb of several senses
    in its other one ("put the plant out of action" is not "put the toll at six"; "called up
    reservists" is not "called it a provocation"), or the term of a comparison ("twice as many as
    Kyiv admits")."""
    if any(s <= tok.idx < e for s, e in quoted):
        return True
    if _compared(tok):
        return True
    if any(c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in lex.acts.get(lemma, ()) for c in tok.children):
        return True  # "declared a state of emergency": done, not said
    if lemma in lex.cue_needs_figure and not any(
            t.like_num for c in [*(c for c in tok.children if c.dep_ == "dobj"), *([tok.head] if tok.dep_ == "acl"
                                                                                  else [])] for t in c.subtree):
        return True  # "every vote counts", "recorded a video"
    needs = lex.cue_needs.get(lemma)
    if needs and not any(t.lower_ == needs and t.dep_ in ("prep", "agent") for t in tok.subtree):
        return True
    for child in tok.children:
        if child.dep_ == "prt" and child.lower_ in lex.cue_not_with.get(lemma, ()):
            return True
        if child.dep_ == "neg" or (child.dep_ == "aux" and child.lower_ in ("to", "will", "shall", "'ll")):
            return True  # not said, or not yet: "will say thank you"
        if child.dep_ == "dobj" and any(d.dep_ == "det" and d.lower_ == "no" for d in child.children):
            return True
        if (child.dep_ == "mark" and child.lower_ in lex.supposing_marks) or (
                child.dep_ == "advmod" and child.lower_ in lex.negating_adverbs):
            return True
        if child.dep_ == "nsubj" and child.lower_ in _OBJECT_CASE:
            return True
    return False


_OBJECT_CASE = frozenset({"them", "him", "me", "us"})
_COMPARING = frozenset({"as", "than"})
_AMOUNTS = frozenset({"many", "much", "more", "less", "fewer", "higher", "lower", "greater", "smaller"})


def _compared(verb: Any) -> bool:
    """The verb ends a comparison ("five times as many as Zelensky admits", "more than Kyiv says"):
    it names whose figure another one is measured against, and says nothing itself."""
    if verb.head.lower_ in _COMPARING and verb.dep_ in ("pobj", "pcomp"):
        return True
    head = verb.head
    return verb.dep_ == "advcl" and (head.lower_ in _AMOUNTS or head.tag_ in ("JJR", "RBR")) and any(
        t.lower_ in _COMPARING for t in head.doc[head.i + 1:verb.i])


def _quotations(doc: Any) -> tuple[tuple[int, int], ...]:
    """Character spans of quoted words, within a paragraph (read once per Doc)."""
    cached = doc.user_data.get("fogofwar_claim_quotes")
    if cached is None:
        cached = tuple((m.start(), m.end()) for m in _QUOTED.finditer(doc.text))
        doc.user_data["fogofwar_claim_quotes"] = cached
    return cached


_QUOTED = re.compile(r"“[^”\n]*”|«[^»\n]*»|\"[^\"\n]*\"")


def _attributions(sent: Any, lex: ClaimLexicon) -> Iterator[_Attribution]:
    where = dict(sentence=sent.text, sentence_span=(sent.start_char, sent.end_char))
    quoted = _quotations(sent.doc)
    strings = sent.doc.vocab.strings
    # only verbs, nouns and prepositions attribute: compared as integer tags, most tokens are skipped
    # before any of their strings is read
    keep = {strings[p] for p in ("VERB", "AUX", "NOUN", "PROPN", "ADP")}
    for tok in sent:
        if tok.pos not in keep:
            continue
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            objs = [c for c in tok.doc[tok.i + 1].children if c.dep_ == "pobj"]
            if objs:
                source, how = _author(objs[0], "according", lex)
                yield _Attribution(tok, _phrase(source), "according_to", "asserts", None,
                                   scope=_scope(source), how=how, **where)
            continue
        claimed = _claim_noun_source(tok)
        if claimed is not None:  # "dismissed a Russian Defence Ministry claim that Ukraine had lost 52,000"
            yield _Attribution(tok, _phrase(claimed), "claimed", "asserts", None, scope=_scope(claimed),
                               how="own", **where)
            continue
        if tok.lower_ == "by" and tok.dep_ in ("prep", "agent"):
            counted = _counted_by(tok, lex)
            if counted is not None:  # "by my count", "by the ministry's estimate"
                yield _Attribution(tok, _phrase(counted), "estimated", "asserts", None, scope=_scope(counted),
                                   how="author" if counted.lower_ in _FIRST_PERSON_POSS else "own", **where)
                continue
        source = _figure_source(tok, lex)
        if source is not None:  # "the official figure from Kyiv is 41 dead", "Kyiv's toll stood at 51"
            yield _Attribution(tok, _phrase(source), "other", "asserts", None, scope=_scope(source), how="own",
                               **where)
            continue
        lemma = _cue_lemma(tok, lex) if tok.pos_ in ("VERB", "AUX") else None
        if lemma is None or (tok.tag_ == "VBN" and tok.dep_ in ("amod", "acl")
                             and not any(c.dep_ == "agent" for c in tok.children)):
            continue  # "the reported attack": an adjective; "the 180 reported by X" is X's figure
        if _not_a_statement(tok, lemma, quoted, lex):
            continue
        subj, how = _claimant_token(tok)
        if subj is None:
            continue
        subj, how = _author(subj, how, lex)
        via = None
        if lemma in lex.outlet_verbs:
            via = _outlet(tok)
        stance = "denies" if lemma in lex.deny else "asserts"
        # "..., adding": the verb is its words, unless what it hangs on says nothing ("posted photos and wrote")
        words = (tok.idx, tok.idx + len(tok)) if how == "shared" and not _media_post(tok.head, lex) else None
        yield _Attribution(tok, _phrase(subj), lex.cues[lemma], stance, via, scope=_scope(subj), how=how,
                           words=words, **where)


_FIRST_PERSON_POSS = frozenset({"my", "our"})
_CLAIM_NOUNS = frozenset({"claim", "claims", "assertion", "allegation", "allegations"})


def _claim_noun_source(noun: Any) -> Any:
    """Whose claim a noun with a "that" clause is ("Moscow's claim that ...", "a Russian Defence
    Ministry claim that ..."): its possessor, its modifying name, or the name right before it."""
    if noun.lower_ not in _CLAIM_NOUNS or noun.pos_ != "NOUN" or not any(
            c.dep_ in ("acl", "ccomp") and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
            for c in noun.children):
        return None
    owner = next((c for c in noun.children if c.dep_ in ("poss", "compound")), None)
    if owner is None and noun.i > 0 and noun.nbor(-1).pos_ == "PROPN":
        owner = noun.nbor(-1)  # the parser's split: "[a Russian Defence Ministry] [claim] that"
    if owner is None or owner.lower_ in _FIRST_PERSON_POSS | {"its", "their", "his", "her"}:
        return None
    return owner


def _counted_by(prep: Any, lex: ClaimLexicon) -> Any:
    """Whose count a figure is "by": the owner of a count noun after "by" ("by my count" -> my,
    "by the ministry's estimate" -> the ministry), or None."""
    noun = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if noun is None or noun.lemma_.lower() not in lex.count_nouns:
        return None
    return next((c for c in noun.children if c.dep_ == "poss"), None)


def _figure_source(verb: Any, lex: ClaimLexicon) -> Any:
    """Whose figure a sentence gives when a figure noun from someone is what it is or stands at:
    "the figure from Kyiv is 41 dead", "the ministry's tally stood at 51"; None otherwise."""
    if verb.lemma_ not in ("be", "stand") or verb.dep_ not in ("ROOT", "ccomp", "conj"):
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.lower_ not in lex.figure_nouns:
        return None
    if not any(c.dep_ in ("attr", "acomp") or c.dep_ == "prep" and c.lower_ == "at"
               for c in verb.children if any(n.like_num for n in c.subtree)):
        return None
    for child in subj.children:
        if child.dep_ == "poss" and child.pos_ in ("PROPN", "NOUN"):
            return child
        if child.dep_ == "prep" and child.lower_ in ("from", "by"):
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _author(subj: Any, how: str, lex: ClaimLexicon) -> tuple[Any, str]:
    """Who issued a document that speaks: "the ministry's statement said" -> the ministry, "a statement
    from X" -> X, "its statement" -> "its"; "the statement said" refers back to the last claimant."""
    if subj.lemma_.lower() not in lex.document_words:
        return subj, how
    for child in subj.children:
        if child.dep_ == "poss":
            return child, how
        if child.dep_ in ("prep", "agent") and child.lower_ in ("from", "by", "of"):
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return objs[0], how
    if any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children):
        return subj, "document"
    return subj, how


def _outlet(verb: Any) -> str | None:
    """The outlet a source told: an organisation as the object ("told Interfax", "told the TASS news
    agency": the name may sit on a word before the head), not a person or a country."""
    for obj in (c for c in verb.children if c.dep_ in ("dobj", "dative")):
        if obj.ent_type_ in ("GPE", "PERSON"):
            return None
        if obj.ent_type_ == "ORG" or any(t.ent_type_ == "ORG" and t.dep_ in ("compound", "flat")
                                         for t in obj.children):
            return _outlet_name(obj)
    return None


def _outlet_name(tok: Any) -> str:
    """The outlet's whole name, not only its last word: "told the Harbour Post" -> "Harbour Post"."""
    words = [t for t in tok.subtree if t.i <= tok.i and t.dep_ in ("compound", "flat", "amod") or t.i == tok.i]
    return tok.doc[min(t.i for t in words):tok.i + 1].text


def _claimant_token(verb: Any) -> tuple[Any, str]:
    """The word that names who speaks, and how it was found."""
    subj = _own_subject(verb)
    if subj is not None and subj.lower_ in _WH and verb.dep_ == "relcl":
        if verb.head.dep_ == "attr":  # "X is a veteran who often accuses ...": a description, not a statement
            return None, ""
        return verb.head, "relative"  # "X, who accuses ...": X is the claimant
    if subj is not None and subj.dep_ != "nsubjpass" and subj.lower_ not in _WH:
        return subj, "own"
    if subj is None:
        trailing = _trailing_subject(verb)
        if trailing is not None:
            return trailing, "trailing"
        # a verb after the one it hangs on continues it ("..., adding", "and denied"); one before
        # it is a circumstance of the same statement ("Speaking to reporters, X said")
        shared = _shared_subject(verb) if verb.i > verb.head.i else None
        if shared is not None and shared.dep_ != "nsubjpass" and shared.lower_ not in _WH:
            return shared, "shared"
    # "X was reported to strike": the subject is what is reported; the claimant is the agent ("by Y")
    agents = [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
    return (agents[0], "agent") if agents else (None, "")


def _side_of_local(attr: _Attribution, ctx: Context) -> str:
    """"Local officials", "the mayor": of the place their paragraph is about, else (a paragraph
    naming both sides' places) of the place their own sentence names, else of the place the article
    named last before them."""
    paragraph = ctx.text.rfind("\n", 0, attr.scope[0]) + 1
    side = side_from_places(paragraph, attr.sentence_span[1], ctx, ground=True)
    if side == "unknown":
        side = side_from_places(attr.sentence_span[0], attr.sentence_span[1], ctx, ground=True)
    if side == "unknown":
        before = [c for s, _e, c in ctx.ground if s < attr.sentence_span[0]]  # ground, not a country acting
        side = before[-1] if before and before[-1] in ("RU", "UA") else "unknown"
    return side


def _side_of_voice(subject: Any, lex: ClaimLexicon, ctx: Context) -> str:
    """Sources the article calls its own ("my sources", "our lads report") speak for the side it speaks
    for: the body whose post it is, else the side of its "we" (see voice_side); "the enemy's channels"
    for the other one."""
    words = {t.lower_ for t in subject}
    own = ctx.voice
    if ctx.author is not None:
        own = side_from_words(ctx.author.text, lex)
        if own == "unknown":
            own = ctx.voice  # a signed channel: the side its "we" fights for, not the place in its title
        if own == "unknown":
            own = side_from_places(ctx.author.start_char, ctx.author.end_char, ctx)
    if words & {"my", "our"}:
        return own
    if words & lex.enemy_words:
        return {"RU": "UA", "UA": "RU"}.get(own, "unknown")
    return "unknown"


_NATIONAL = re.compile(r"\b(?:ministry of defen[cs]e|defen[cs]e ministry|general staff|armed forces|air force|"
                       r"foreign ministry|ministry of foreign affairs)\b")


def _home_side(ctx: Context, lex: ClaimLexicon) -> str:
    """The side an article is told from: its signing body's, else its voice's (a combatant's post);
    a wire story about either side's ground has none."""
    if ctx.author is not None:
        side = side_from_words(ctx.author.text, lex)
        if side in ("RU", "UA"):
            return side
    return ctx.voice if ctx.voice in ("RU", "UA") else "unknown"


def _third_country(subject: Any, ctx: Context) -> bool:
    """The claimant's words begin with a place in a country outside the war: the country itself or its
    body ("Hungary", "Poland's armed forces"), not someone who is only there ("a pensioner in Oslo")."""
    words = [t for t in subject if t.lower_ not in ("the", "a", "an")]
    first = words[0].idx if words else subject.start_char
    countries = {c for s, e, c in ctx.places if s == first and e <= subject.end_char}
    return bool(countries) and not countries & {"RU", "UA"}


def _side_from_references(attr: _Attribution, lex: ClaimLexicon, ctx: Context) -> str:
    """A claimant whose own clause names a body met before ("who coordinates the network's work"):
    what the article says of that body ("the Relief Network, an independent humanitarian group")."""
    subject = attr.claimant
    clause = subject.doc.char_span(attr.scope[0], attr.scope[1], alignment_mode="expand")
    for tok in clause if clause is not None else ():
        if subject.start <= tok.i < subject.end or tok.dep_ not in ("poss", "dobj") or tok.pos_ != "NOUN":
            continue
        if not any(d.lower_ == "the" for d in tok.children):
            continue
        for span in ctx.descriptions.get(tok.lower_, []):
            side = side_from_words(span.text, lex)
            if side != "unknown":
                return side
    return "unknown"


def _named(subject: Any) -> bool:
    return subject.root.pos_ == "PROPN" or any(t.ent_type_ == "PERSON" for t in subject)


def _described(claimant: Claimant, attr: _Attribution, lex: ClaimLexicon, ctx: Context) -> Claimant:
    """Fill an unknown side (and a bare kind or role) from what the article says of the claimant:
    for an official or a body, the places of its own phrase and clauses ("who heads the council
    of Tolstoy Lug"), or of its paragraph for "local officials", "the mayor"; a body its clause
    names; then, for a name, descriptions of the same name elsewhere (words, then places).
    A private person's location gives no side."""
    if claimant.side != "unknown":
        return claimant
    subject = attr.claimant
    scope_text = ctx.text[attr.scope[0]:attr.scope[1]].casefold()
    official = claimant.kind in ("institution", "government", "military") or bool(
        lex.official_words.search(scope_text))
    side = "unknown"
    if official:
        side = side_from_places(attr.scope[0], attr.scope[1], ctx)
        if side == "unknown" and _third_country(subject, ctx):
            side = "third_party"  # "The United Arab Emirates said", "Poland's armed forces said"
        if side == "unknown" and lex.local_words.search(scope_text):
            side = _side_of_local(attr, ctx)
    if side == "unknown":
        side = _side_from_references(attr, lex, ctx)
    if side == "unknown":
        side = _side_of_voice(subject, lex, ctx)
    if side == "unknown" and claimant.kind in ("institution", "military") and _NATIONAL.search(scope_text):
        side = _home_side(ctx, lex)  # "the Ministry of Defence", unqualified: the one of the side the article is told from
    name_key = claimant.name.split()[-1].casefold() if claimant.name and _named(subject) else ""
    if any(head[-1] == name_key for head in lex.anaphor_heads):
        name_key = ""  # "the emergencies ministry" tagged as a name: a common noun, not the foreign ministry's
    spans = ctx.descriptions.get(name_key, [])
    for span in spans:
        if side == "unknown":
            side = side_from_words(span.text, lex)
        if side == "unknown" and official:
            side = side_from_places(span.start_char, span.end_char, ctx)
    kind = claimant.kind
    if kind == "unknown" and spans and subject.root.pos_ == "PROPN":
        kind = "person"
    if spans and kind in ("person", "unknown"):
        text = " ".join(span.text for span in spans).casefold()
        if any(k == "blogger" and pattern.search(text) for pattern, k in lex.kind_patterns):
            kind = "blogger"
    role = claimant.role or (spans[0].text if spans else None)
    return dataclasses.replace(claimant, side=side, kind=kind, role=role)


@dataclass(frozen=True, slots=True)
class _Seen:
    """A claimant met earlier in the article, and whether its words name one person or many."""

    claimant: Claimant
    singular: bool
    person: bool  # one person, named or not: what "he" and "she" can stand for
    scope: str = ""  # its words with their clauses ("a spokesman ..., who gave his name only as Serhiy,")


def _seen(attr: _Attribution, claimant: Claimant) -> _Seen:
    singular = attr.claimant.root.tag_ in ("NN", "NNP", "PRP")
    person = claimant.kind in _SPEAKERS or any(t.ent_type_ == "PERSON" for t in attr.claimant) or (
        singular and claimant.kind == "anonymous") or attr.claimant.root.lower_ in ("he", "she") or (
        singular and attr.claimant.root.lower_ in lexicon().person_titles)
    # a body the registry knows is never "he" or "she", whatever the tagger made of its name ("what Kyiv claims")
    body = claimant.registry_id is not None and claimant.kind in _BODIES
    offset = attr.sentence_span[0]
    return _Seen(claimant, singular, person and not body, attr.sentence[attr.scope[0] - offset:attr.scope[1] - offset])


def _claimant(attr: _Attribution, article: Article, lex: ClaimLexicon, seen: list[_Seen],
              ctx: Context) -> Claimant | None:
    claimant = _claimant_of(attr, article, lex, seen, ctx)
    if claimant is None:
        return None
    claimant = _described(claimant, attr, lex, ctx)
    if claimant.kind == "unknown" and _cue_lemma(attr.cue_token, lex) in lex.evidential:
        return None  # "unverified videos showed ...": a thing, not someone who says it
    return claimant


def _claimant_of(attr: _Attribution, article: Article, lex: ClaimLexicon, seen: list[_Seen],
                 ctx: Context) -> Claimant | None:
    span = attr.claimant
    text = span.text
    start, end = attr.words or (span.start_char, span.end_char)  # "..., adding": the verb is its words
    evidence = Evidence(article_id=article.id, start=start, end=end, text=article.text[start:end])
    antecedent = _antecedent(attr, article, lex, seen, ctx)
    if antecedent is not None:  # "he said", "the ministry added": the same claimant, these words
        return dataclasses.replace(antecedent, evidence=evidence, via_outlet=attr.via_outlet or antecedent.via_outlet)
    if len(span) == 1 and span[0].lower_ in _PRONOUNS:
        return None  # a pronoun with nothing before it to stand for
    entry = registry_entry(span, lex)
    if entry is not None:
        return Claimant(name=entry.canonical, kind=entry.kind, side=entry.side, role=role_of(span) or entry.role,
                        via_outlet=attr.via_outlet, registry_id=entry.canonical, evidence=evidence)
    kind = kind_from_words(span, text, lex, attr.sentence)
    outlet = attr.via_outlet
    claimant = Claimant(name=display_name(span), kind=kind, side=side_from_words(text, lex), role=role_of(span),
                        via_outlet=outlet, evidence=evidence)
    if _named(span) or (kind == "unknown" and len(span) == 1 and span.root.is_sent_start and span.root.tag_ == "NNS"
                        and span.root.text[:1].isupper()):
        # a surname the tagger took for a plural noun at a sentence's start ("Kravets denied that")
        return _same_name(claimant, seen)
    return claimant


_BODIES = frozenset({"institution", "government", "military", "media"})
_SPEAKERS = frozenset({"person", "blogger", "witness"})


def _antecedent(attr: _Attribution, article: Article, lex: ClaimLexicon, seen: list[_Seen],
                ctx: Context) -> Claimant | None:
    """What a pronoun, a definite description ("the ministry") or a source that names no one
    ("according to preliminary data", in a body's own post) refers back to."""
    words = [t for t in attr.claimant if not t.is_punct]
    if attr.how == "document":  # "the statement said": the last claimant's
        return seen[-1].claimant if seen else None
    if len(words) == 1 and words[0].lower_ in _PRONOUNS:
        return _pronoun_antecedent(words[0], attr, article, lex, seen, ctx)
    if attr.how == "according" and ctx.author is not None and _impersonal(attr.claimant, lex):
        return _mentioned(ctx.author, lex, seen, ctx)
    if attr.how == "author":  # "by my count": whoever signs the post, if it is signed
        return _mentioned(ctx.author, lex, seen, ctx) if ctx.author is not None else None
    if not words or words[0].lower_ != "the" or len(words) > 4:
        return None
    found = None
    if not any(t.ent_type_ for t in words):
        head = words[-1].lower_
        for previous in reversed(seen):
            c = previous.claimant
            described = " ".join(filter(None, (c.name, c.role, c.evidence.text if c.evidence else None))).casefold()
            if re.search(rf"\b{re.escape(head)}\b", described):
                found = c
                break
    # the nearer of that claimant and a fuller mention of the same head noun ("the ministry" after
    # "the Ministry of Defence of the Russian Federation" in the headline, which said nothing itself)
    mention = earlier_mention(attr.claimant, lex)
    if mention is not None and (found is None or found.evidence is None or found.evidence.start < mention.start_char):
        return _mentioned(mention, lex, seen, ctx)
    return found


def _impersonal(source: Any, lex: ClaimLexicon) -> bool:
    """"Preliminary data", "available information": a source with no owner in its own words."""
    root = source.root
    owned = any(c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ in ("of", "from", "by")) for c in root.children)
    return (root.lower_ in lex.impersonal_sources or root.lemma_.lower() in lex.impersonal_sources) and not owned


def _mentioned(mention: Any, lex: ClaimLexicon, seen: list[_Seen], ctx: Context) -> Claimant:
    """The claimant a fuller mention names (the caller gives it its own words): the one met there
    already, a registry entry, or what the mention's own words and places say."""
    for item in reversed(seen):
        ev = item.claimant.evidence
        if ev is not None and ev.start < mention.end_char and mention.start_char < ev.end:
            return item.claimant
    entry = registry_entry(mention, lex)
    if entry is not None:
        return Claimant(name=entry.canonical, kind=entry.kind, side=entry.side, role=role_of(mention) or entry.role,
                        registry_id=entry.canonical)
    side = side_from_words(mention.text, lex)
    if side == "unknown":
        side = side_from_places(mention.start_char, mention.end_char, ctx)
    return Claimant(name=display_name(mention), kind=kind_from_words(mention, mention.text, lex, mention.text),
                    side=side, role=role_of(mention))


def _pronoun_antecedent(word: Any, attr: _Attribution, article: Article, lex: ClaimLexicon,
                        seen: list[_Seen], ctx: Context) -> Claimant | None:
    """"He"/"she": the last person, or the last single anonymous source ("a officer ..., he said");
    "it"/"they": a body that is the subject of the sentence before ("The ministry made no mention of
    X. It said ..."), else the last body (or, for "they", anyone) met before."""
    pronoun = word.lower_
    here = [item for item in seen if item.claimant.evidence is not None
            and item.claimant.evidence.start >= attr.sentence_span[0]]
    found = _last_fitting(pronoun, here)
    if found is not None:
        return found
    if _PRONOUNS[pronoun] is None and pronoun != "we":
        previous = _previous_subject(word)
        if previous is not None:
            body = _claimant_of(dataclasses.replace(attr, claimant=_phrase(previous), words=None),
                                article, lex, seen, ctx)
            if body is not None and body.kind in _BODIES and _names_a_body(previous, lex):
                return body
    return _last_fitting(pronoun, seen)


def _names_a_body(token: Any, lex: ClaimLexicon) -> bool:
    """"The ministry", "Rosatom", "Ukraine": a noun that is itself a body, not a thing described by one
    ("the death toll from the strike on the military institute")."""
    return token.pos_ == "PROPN" or token.ent_type_ in ("ORG", "GPE", "NORP") or \
        dict(lex.kind_cues).get(token.lower_) in _BODIES


def _last_fitting(pronoun: str, seen: list[_Seen]) -> Claimant | None:
    for item in reversed(seen):
        kind = item.claimant.kind
        if _PRONOUNS[pronoun] == "person":
            if item.person:
                return item.claimant
        elif pronoun not in ("it", "its") or not (item.person or kind == "witness"):
            return item.claimant
    return None


def _previous_subject(word: Any) -> Any:
    """The subject of the main verb of the sentence before ``word``'s, when it is no pronoun."""
    doc = word.doc
    end = _sentence_start(word)
    while end > 0:
        start = _sentence_start(doc[end - 1])
        roots = [t for t in doc[start:end] if t.dep_ == "ROOT" and not t.is_space and not t.is_punct]
        if roots:
            subject = _own_subject(roots[0])  # a passive subject was acted on ("bombs were used"): no speaker
            return subject if subject is not None and subject.pos_ in ("NOUN", "PROPN") \
                and subject.dep_ != "nsubjpass" else None
        end = start
    return None


def _same_name(claimant: Claimant, seen: list[_Seen]) -> Claimant:
    """A person named again ("Kivi said") keeps what an earlier mention said of them."""
    if claimant.side != "unknown" and claimant.role:
        return claimant
    surname = claimant.name.split()[-1].casefold() if claimant.name else ""
    for item in reversed(seen):
        previous = item.claimant
        if surname and previous.name and previous.name.split()[-1].casefold() == surname:
            return dataclasses.replace(
                claimant, name=previous.name if len(previous.name) > len(claimant.name) else claimant.name,
                side=claimant.side if claimant.side != "unknown" else previous.side,
                kind=previous.kind if claimant.kind in ("unknown", "person") or previous.kind in _SPEAKERS
                else claimant.kind,
                role=claimant.role or previous.role)
        unnamed = previous.kind not in ("person", "blogger")  # described, not named: "a spokesman for ..."
        if surname and unnamed and item.person and re.search(rf"\b{re.escape(surname)}\b", item.scope.casefold()):
            # "a spokesman ..., who gave his name only as Serhiy" and later "Serhiy said": the same person
            return dataclasses.replace(claimant, side=claimant.side if claimant.side != "unknown" else previous.side,
                                       role=claimant.role or previous.role or previous.name,
                                       kind="person" if claimant.kind == "unknown" else claimant.kind)
    return claimant


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
    located = [m for m in places if m.place is not None and m.place.country and m.kind != "demonym"]
    ctx = Context(descriptions=name_descriptions(doc), places=tuple(
        (m.evidence.start, m.evidence.end, m.place.country) for m in located), text=article.text,
        author=header_author(doc, lex), voice=voice_side(article.text, lex),
        ground=tuple((m.evidence.start, m.evidence.end, m.place.country) for m in located
                     if m.precision != "country" and m.kind != "metonym"))
    versions = Versions(pipeline=_pipeline_version(), lexicons=lex.version)
    seen: list[_Seen] = []
    out: list[Claim] = []
    for sent in doc.sents:
        found = []
        for attr in _attributions(sent, lex):
            claimant = _claimant(attr, article, lex, seen, ctx)
            if claimant is not None:
                seen.append(_seen(attr, claimant))
                found.append((attr, claimant))
        found = _one_per_statement(found)
        start, end = sent.start_char, sent.end_char
        figures = [q for q in quantities if start <= q.evidence.start and q.evidence.end <= end]
        if not found and figures and (own := _own_statement(sent, article, ctx, lex, seen)) is not None:
            found = [own]  # a bulletin's own figures ("12 settlements have been liberated"): its signer's
        owners = _owners(figures, [attr.cue_token.idx for attr, _c in found])
        for n, (attr, claimant) in enumerate(found):
            evidence = Evidence(article_id=article.id, start=start, end=end, text=article.text[start:end])
            inside = tuple(_about(q, (start, end), article.text, places, claimant, lex, speaker=attr.scope)
                           for q, owner in owners if owner == n)
            hedges = _hedges(sent.text, lex)
            if attr.cue == "claimed" and "claimed" not in hedges:
                hedges = (*hedges, "claimed")
            out.append(Claim(id=_claim_id(article.id, attr.cue_token.idx), evidence=evidence, claimant=claimant,
                             cue=attr.cue, stance=attr.stance, hedges=hedges, quantities=inside,
                             as_of=_as_of(article, (start, end)), versions=versions))
    return out


def _own_statement(sent: Any, article: Article, ctx: Context, lex: ClaimLexicon,
                   seen: list[_Seen]) -> tuple[_Attribution, Claimant] | None:
    """A sentence of a body's own signed bulletin (its name heads the article: "Summary of the
    Ministry of Defence ...", "GENERAL STAFF OF THE ARMED FORCES OF UKRAINE") is the body's
    statement even with no verb of saying; its words are the heading that signs it."""
    author = ctx.author
    if author is None or sent.start_char < author.end_char:
        return None
    entry = registry_entry(author, lex)
    kind = entry.kind if entry is not None else kind_from_words(author, author.text, lex, author.text)
    if kind not in ("institution", "military", "government"):
        return None  # a channel's post: its figures are told in its own voice, not stated for a body
    attr = _Attribution(sent.root, author, "stated", "asserts", None, sentence=sent.text,
                        sentence_span=(sent.start_char, sent.end_char), scope=(author.start_char, author.end_char),
                        how="author")
    claimant = _mentioned(author, lex, seen, ctx)
    evidence = Evidence(article_id=article.id, start=author.start_char, end=author.end_char, text=author.text)
    return attr, dataclasses.replace(claimant, evidence=evidence)


def _one_per_statement(found: list[tuple[_Attribution, Claimant]]) -> list[tuple[_Attribution, Claimant]]:
    """One claim per statement. A relative clause on a claimant ("X, who spoke on condition of
    anonymity, told ...") is no claim of its own; a cue inside another's statement by the same
    speaker ("the ministry said its forces struck what it called ...") or sharing the subject of a
    clause of that statement is part of it; of the two, the more specific cue is kept, and the inner
    one when the outer verb's object is a thing ("posted a video of what he says is ...": says)."""
    drop: set[int] = set()
    by_words: dict[tuple[int, int], int] = {}
    for n, (attr, claimant) in enumerate(found):
        key = (claimant.evidence.start, claimant.evidence.end) if claimant.evidence else (n, n)
        first = by_words.setdefault(key, n)
        if first != n:
            drop.add(n if attr.how == "relative" or found[first][0].how != "relative" else first)
    for n, (inner, inner_claimant) in enumerate(found):
        for m, (outer, outer_claimant) in enumerate(found):
            if m == n or n in drop or m in drop or outer.cue_token not in inner.cue_token.ancestors:
                continue
            # "He added X, and he said Y": two statements side by side, not one inside the other
            pronoun = inner.claimant.root.pos_ == "PRON" and inner_claimant.name == outer_claimant.name and not (
                inner.cue_token.dep_ == "conj" and inner.cue_token.head.i == outer.cue_token.i)
            clause = inner.how == "shared" and inner.cue_token.head.i != outer.cue_token.i
            if pronoun or clause:
                specific = outer.cue == "other" and inner.cue != "other"
                drop.add(m if pronoun and (specific or _shows_a_thing(outer.cue_token)) else n)
    kept = []
    for n, (attr, claimant) in enumerate(found):
        if n in drop:
            continue
        if _media_post(attr.cue_token, lexicon()):
            joined = [f for f in found if f[0].how == "shared" and f[0].cue_token.dep_ == "conj"
                      and f[0].cue_token.head.i == attr.cue_token.i]
            if not joined:
                continue  # "Residents posted videos of a fireball": shown, not said
            drop.update(m for m, f in enumerate(found) if f in joined)
            attr = dataclasses.replace(attr, cue=joined[0][0].cue, stance=joined[0][0].stance)
        kept.append((n, (attr, claimant)))
    return [f for n, f in kept if n not in drop]


def _media_post(verb: Any, lex: ClaimLexicon) -> bool:
    """"Posted photos of the freed men": a post that shows, and says nothing itself."""
    return _cue_lemma(verb, lex) is not None and any(
        c.dep_ == "dobj" and c.lemma_.lower() in lex.media_objects for c in verb.children) and not any(
        c.dep_ in ("ccomp", "xcomp") for c in verb.children)


def _shows_a_thing(verb: Any) -> bool:
    """"Posted a video of what he says is ...": the verb's object is a thing, not words; the
    statement is the inner verb's."""
    return any(c.dep_ == "dobj" and c.pos_ == "NOUN" and c.lemma_.lower() not in lexicon().document_words
               for c in verb.children)


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
           claimant: Claimant, lex: ClaimLexicon, *, speaker: tuple[int, int] = (0, 0)) -> Quantity:
    """Where a claimed figure is measured and whose it is (control, losses, prisoners): the
    side named last before it in its sentence ("Ukrainian forces hold 28 settlements"),
    the claimant's own for "our"/"we", else unknown. Words naming the speaker itself ("our
    sources say", "Ukrainian officials said") say nothing of whose the figure is."""
    before = text[sentence[0]:q.evidence.start]

    def told(m: re.Match[str]) -> bool:
        return not speaker[0] <= sentence[0] + m.start() < speaker[1]

    sides = [m for m in lex.side_words.finditer(before) if not _of_ground(before, m.end(), lex) and told(m)]
    last = max([*sides, *filter(told, _FIRST_PERSON.finditer(before)), *filter(told, lex.own_forces.finditer(before))],
               key=lambda m: m.end(), default=None)
    subject = None
    if last is not None and (_FIRST_PERSON.fullmatch(last.group()) or lex.own_forces.fullmatch(last.group())):
        subject = claimant.side if claimant.side in ("RU", "UA") else None
    elif last is not None:
        subject = lex.side_cues_map[fold(last.group())]
    region = places_mod.region_at(q.evidence.start, sentence, places, text)
    return dataclasses.replace(q, region=region, subject_side=subject)


def _of_ground(text: str, end: int, lex: ClaimLexicon) -> bool:
    """"Russian territory", "Russia's Kursk region": a side word that says whose ground it is."""
    words = re.findall(r"[\w-]+", text[end:end + 40].lower())[:3]
    return any(w in lex.land_nouns for w in words)


def _claim_id(article_id: str, offset: int) -> str:
    return hashlib.sha256(f"{article_id}:claim:{offset}".encode()).hexdigest()[:24]


def _pipeline_version() -> str:
    from . import __version__

    return __version__
