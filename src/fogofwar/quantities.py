"""Quantities: every number in an article that counts or measures something in the war.

Regular expressions and the lexicon ``data/quantities.json`` do the work; a spaCy
``Doc``, when given, only helps find the noun a number counts. A figure's evidence
is the number with its qualifier words and attached unit of measure, as
eval/SCHEME.md writes it ("more than 100", "from one to two km", "over 1,000
square kilometers", "less than half"), never the counted noun.

The unit comes from the noun the number counts ("117 Ukrainian drones" → drones),
changed by a casualty cue of its clause ("12 civilians were killed" →
fatalities), or, for a number that counts nothing itself, taken from its context:
a cue ("the death toll rose to seven"), "the number of settlements ... at 28", or
the figure it continues ("14 drones: eight over Kursk, four over Belgorod").
Years, dates, times, ages, durations, model names ("Su-34"), labels ("Article 5")
and phone numbers are not quantities. Relative figures ("less than half of the
1,263 square kilometres") take the unit of the figure they are a share of and
name it in ``relative_to``.

The module runs past 800 lines: its typing, relative-figure and measure rules share the private
records ``_Figure`` and ``_Context``; splitting it wants those records in a module of their own first.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

from .records import Article, Evidence, Quantity

__all__ = ["find_quantities", "quantity_id", "lexicon", "Lexicon"]

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?![\d,])|\d+(?:\.\d+)?"
_CHUNK = re.compile(r"[^\s,;:()\[\]\"“”«»!?.]+(?:\.[^\s,;:()\[\]\"“”«»!?.]+)*")
_BREAK = re.compile(r"[,;:()\[\]\u2014\u2013]|\s-\s|\s(?:and|but|while|whereas|although|though)\s")
_ENUMERATOR = re.compile(r"[.)]\s+\S")
_MODEL = re.compile(r"([^\W\d_]+|2S)-?\d")
_TIME = re.compile(r"(?<![\d.])\d{1,2}:\d{2}(?::\d{2})?(?![\d])")
_DATE = re.compile(r"(?<![\d.,])\d{4}-\d{2}-\d{2}(?!\d)|(?<![\d.,])\d{1,2}[./]\d{1,2}[./]\d{2,4}(?![\d])"
                   r"|(?<![\d.,/])\d{1,2}/\d{1,2}(?![\d/])"  # "24/7" too: not a quantity either
                   r"|(?<![\d.,])(?:[0-2]?\d|3[01])\.(?:0[1-9]|1[0-2])(?!\d|\.\d)")  # "12.08": day.month
_PHONE_STRICT = re.compile(r"(?<![\w+])\+\d[\d ().-]{7,}\d|(?<!\d)\d{3}-\d{2}-\d{2}(?!\d)")
_PHONE_LOOSE = re.compile(r"(?<!\d)\(?\d{2,4}\)?[ .-]\d{2,4}[ .-]\d{2,4}(?:[ .-]\d{2,4})?(?!\d)")


def _alt(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first, any run of spaces between words."""
    items = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in items)


def _words(pattern: Iterable[str]) -> re.Pattern[str]:
    """Whole phrases, not parts of longer words."""
    return re.compile(rf"(?<![\w-])(?:{_alt(pattern)})(?![\w-])", re.I)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The quantities lexicon, compiled once (see data/quantities.json for each table)."""

    version: str
    raw: Mapping[str, Any]
    number_words: Mapping[str, int]
    scales: Mapping[str, int]
    qualifiers: Mapping[str, str]
    vague: Mapping[str, tuple[float, float]]
    approximate: Mapping[str, float]
    fractions: Mapping[str, float]
    multiples: Mapping[str, float]
    measure_units: Mapping[str, tuple[str, float]]
    noun_units: Mapping[str, str]
    cue_units: Mapping[str, str]
    cue_overrides: Mapping[str, frozenset[str]]
    referent_hints: Mapping[str, str]
    model_units: Mapping[str, str]
    words: Mapping[str, frozenset[str]]  # plain word sets: stops, modifiers, time nouns, ...
    year_range: tuple[int, int]
    measure_cues: tuple[tuple[str, str, re.Pattern[str]], ...]
    unit_measures: Mapping[str, str]
    re_digits: re.Pattern[str]
    re_number_words: re.Pattern[str]
    re_phrases: re.Pattern[str]  # vague and approximate amounts
    re_fraction: re.Pattern[str]
    re_multiple: re.Pattern[str]
    re_multiple_tail: re.Pattern[str]
    re_ratio: re.Pattern[str]
    re_qualifier: re.Pattern[str]  # anchored at the end of the text before a number
    re_qualifier_after: re.Pattern[str]  # anchored right after a number and its unit
    re_measure_unit: re.Pattern[str]  # anchored at the end of a number
    re_noun: re.Pattern[str]
    re_cue: re.Pattern[str]
    re_inherit: re.Pattern[str]
    re_count_of: re.Pattern[str]
    re_label: re.Pattern[str]
    re_month_before: re.Pattern[str]
    re_month_after: re.Pattern[str]
    re_currency_before: re.Pattern[str]
    re_currency_multiplier: re.Pattern[str]
    re_currency_name: re.Pattern[str]
    re_after_number: re.Pattern[str]  # a unit of measure or a multiplier: "12.05 km" is no date
    re_phone_cue: re.Pattern[str]


@functools.cache
def lexicon() -> Lexicon:
    """The lexicon, read and compiled on first use."""
    raw = json.loads(resources.files("fogofwar").joinpath("data/quantities.json").read_text("utf-8"))
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:8]
    nw = raw["number_words"]
    number_words = {**nw["units"], **nw["tens"]}
    nq = raw["not_quantity"]
    words = {name: frozenset(w.lower() for w in raw[name]) for name in (
        "modifiers", "noun_stops", "person_units", "referent_any", "definite_blockers", "change_verbs",
        "fraction_tails", "fraction_blockers", "personal_units", "locative_qualifiers", "place_nouns",
        "particle_verbs")}
    words |= {name: frozenset(w.lower() for w in nq[name])
              for name in ("time_nouns", "months", "abbreviations", "year_before")}
    return Lexicon(
        version=f"{raw['version']}-{digest}", raw=raw, number_words=number_words, scales=nw["scales"],
        qualifiers={k.lower(): v for k, v in [*raw["qualifiers"].items(), *raw["qualifiers_after"].items()]},
        vague={k: (float(v[0]), float(v[1])) for k, v in raw["vague"].items()},
        approximate=raw["approximate"], fractions=raw["fractions"], multiples=raw["multiples"],
        measure_units={k.lower(): (v[0], float(v[1])) for k, v in raw["measure_units"].items()},
        noun_units={w.lower(): unit for unit, ws in raw["unit_nouns"].items() for w in ws},
        cue_units={w.lower(): unit for unit, ws in raw["unit_cues"].items() for w in ws},
        cue_overrides={k: frozenset(v) for k, v in raw["cue_overrides"].items()},
        referent_hints=raw["referent_hints"], model_units=raw["model_prefixes"], words=words,
        year_range=(nq["year_range"][0], nq["year_range"][1]),
        measure_cues=tuple((c["measure"], c["unit"], _words(c["cues"])) for c in raw["measure_cues"]),
        unit_measures=raw["unit_measures"], **_patterns(raw, number_words))


def _patterns(raw: Mapping[str, Any], number_words: Mapping[str, int]) -> dict[str, re.Pattern[str]]:
    nq = raw["not_quantity"]
    scales = list(raw["number_words"]["scales"])
    item = rf"(?:{_alt(raw['number_words']['tens'])})[- ](?:{_alt(raw['number_words']['units'])})" \
           rf"|{_alt([*number_words, *scales])}"
    after_scale = "|".join(f"(?<={s})" for s in scales)
    months = _alt(nq["months"])
    day = r"\d{1,2}(?:st|nd|rd|th)?"
    currency = raw["currencies"]
    return {
        "re_digits": re.compile(
            rf"(?<![\d.,])(?P<n>{_NUMBER})(?!\d)(?:\s?(?P<x>{_alt(raw['digit_multipliers'])})(?!\w))?", re.I),
        "re_number_words": re.compile(
            rf"(?<![\w-])(?:an?\s+(?=(?:{_alt(scales)})\b))?(?:{item})(?:(?:(?:{after_scale})\s+and\s+|[ -]+)"
            rf"(?:{item}))*(?![\w-])", re.I),
        "re_phrases": _words([*raw["vague"], *raw["approximate"]]),
        "re_fraction": _words(raw["fractions"]),
        "re_multiple": re.compile(
            rf"(?<![\w-])(?:(?:{_alt(raw['multiples'])})|(?:{_NUMBER}|{_alt(number_words)})\s+times)"
            rf"(?=\s+(?:{_alt(raw['multiple_tails'])})(?![\w-]))", re.I),
        "re_ratio": re.compile(rf"(?<![\w-])(1|{_alt(number_words)})\s+in\s+(\d{{1,3}}|{_alt(number_words)})(?![\w-])",
                               re.I),
        "re_multiple_tail": re.compile(rf"\s+(?:{_alt(raw['multiple_tails'])})(?![\w-])", re.I),
        "re_qualifier": re.compile(rf"(?<![\w-])(?:{_alt(raw['qualifiers'])})\s+$", re.I),
        "re_qualifier_after": re.compile(rf"(?:\s+|(?=-ish)|(?=ish))(?:{_alt(raw['qualifiers_after'])})(?![\w-])",
                                         re.I),  # "1,000 at most", "120-ish"
        "re_measure_unit": re.compile(rf"[ -]?(?:{_alt(raw['measure_units'])})(?![^\W\d_])", re.I),
        "re_noun": re.compile(rf"(?:{_alt(w for ws in raw['unit_nouns'].values() for w in ws)})(?![\w-])", re.I),
        "re_cue": _words(w for ws in raw["unit_cues"].values() for w in ws),
        "re_inherit": _words(raw["inherit_cues"]),
        "re_count_of": re.compile(rf"(?<![\w-])(?:{_alt(raw['count_of_cues'])})\s+(?:the\s+)?", re.I),
        "re_label": re.compile(rf"(?:(?<![\w-])(?:{_alt([*nq['label_words'], *nq['age_before']])})|#|№)[\s(:]*$",
                               re.I),
        "re_month_before": re.compile(rf"(?<![\w-])({months})\.?\s+(?:{day}\s*(?:-|–|and|to|,)\s*)?$", re.I),
        "re_month_after": re.compile(rf"(?:st|nd|rd|th)?(?:\s*(?:-|–|—|and|to|or|,)\s*{day})*\s+(?:of\s+)?"
                                     rf"({months})(?![\w-])", re.I),
        "re_currency_before": re.compile(rf"(?:{_alt(currency['prefixes'])})\s?$", re.I),
        "re_currency_multiplier": re.compile(rf"\s?(?:{_alt(raw['currency_multipliers'])})(?!\w)", re.I),
        "re_currency_name": re.compile(rf"\s+(?:{_alt(currency['names'])})(?!\w)", re.I),
        "re_after_number": re.compile(rf"[ -]?(?:{_alt([*raw['measure_units'], *raw['digit_multipliers']])})(?!\w)",
                                      re.I),
        "re_phone_cue": _words(nq["phone_cues"]),
    }


# --- records private to this module ------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Core:
    """A number as written, before it is known to be a quantity."""

    start: int
    end: int
    value: float
    kind: str  # digits | words | vague | approx | fraction | multiple
    low: float | None = None  # vague bounds
    high: float | None = None
    scale: float = 1.0  # a multiplier written with it ("1.5 million")


@dataclass(frozen=True, slots=True)
class _Figure:
    """A quantity being built: its evidence span, values and what is known of its unit."""

    start: int
    end: int
    core_start: int
    core_end: int  # the counted noun may begin here
    qualifier: str
    low: float | None
    best: float | None
    high: float | None
    spelled: bool = False  # written in words: "two" never stands alone as a count
    unit: str | None = None
    inherited: bool = False
    bare: bool = False  # counts no noun of its own ("eight over Kursk region", "38 of 45 drones")
    relative: bool = False
    locative: bool = False  # qualified by "over"/"under", which may be a preposition of place
    measure: str | None = None
    relative_to: str | None = None


@dataclass(frozen=True, slots=True)
class _Context:
    """What the typing rules read: the text, its sentences, the lexicon and an optional Doc."""

    text: str
    lex: Lexicon
    sentence_starts: tuple[int, ...]
    doc: Any

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.sentence_starts, pos) - 1
        end = self.sentence_starts[i + 1] if i + 1 < len(self.sentence_starts) else len(self.text)
        return self.sentence_starts[i], end


def _values(qualifier: str, value: float) -> tuple[float | None, float | None, float | None]:
    """low/best/high of one value under a qualifier (eval/SCHEME.md's table)."""
    if qualifier == "approximately":
        return None, value, None
    if qualifier in ("more_than", "at_least"):
        return value, None, None
    if qualifier in ("less_than", "up_to"):
        return None, None, value
    return value, value, value


# --- finding numbers ---------------------------------------------------------------------


def _blocked(text: str, lex: Lexicon) -> frozenset[int]:
    """Where numbers are no quantities: clock times, numeric dates, phone numbers (as offsets: they are few)."""
    spans = [m.span() for m in _TIME.finditer(text)]
    spans += [m.span() for m in _DATE.finditer(text) if not lex.re_after_number.match(text, m.end())]
    spans += [m.span() for m in _PHONE_STRICT.finditer(text)]
    for m in _PHONE_LOOSE.finditer(text):
        if lex.re_phone_cue.search(text, max(0, m.start() - 80), m.start()):
            spans.append(m.span())
    return frozenset(i for start, end in spans for i in range(start, end))


def _word_value(phrase: str, lex: Lexicon) -> tuple[float, int] | None:
    """The value of spelled-out number words, and how many characters of them form one number."""
    total = current = used = 0
    last = ""  # the kind of the previous word: unit, ten or scale
    for m in re.finditer(r"[a-z]+", phrase.lower()):
        w = m.group()
        if w in ("a", "an", "and"):
            continue
        if w in lex.scales:
            if lex.scales[w] == 100:
                current = (current or 1) * 100
            else:
                total, current = total + (current or 1) * lex.scales[w], 0
            last = "scale"
        else:
            v = lex.number_words[w]
            if last == "unit" or (last == "ten" and v >= 10):
                break  # "five four" and "twenty twelve" are two numbers, not one
            current += v
            last = "ten" if v >= 20 else "unit"
        used = m.end()
    value = total + current
    return (float(value), used) if value else None


def _digit_core(m: re.Match[str], lex: Lexicon) -> _Core:
    number, multiplier = m.group("n"), (m.group("x") or "").lower()
    scale = float(lex.raw["digit_multipliers"].get(multiplier, 1))
    return _Core(m.start(), m.end(), float(re.sub(r"[, ]", "", number)) * scale, "digits", scale=scale)


def _cores(text: str, lex: Lexicon) -> list[_Core]:
    """Every number as written: digits, number words, vague amounts, fractions and multiples."""
    found = [_digit_core(m, lex) for m in lex.re_digits.finditer(text)]
    for m in lex.re_number_words.finditer(text):
        parsed = _word_value(m.group(), lex)
        if parsed is not None:
            found.append(_Core(m.start(), m.start() + parsed[1], parsed[0], "words"))
    for m in lex.re_phrases.finditer(text):
        key = " ".join(m.group().lower().split())
        if key in lex.vague:
            low, high = lex.vague[key]
            found.append(_Core(m.start(), m.end(), low, "vague", low=low, high=high))
        else:
            found.append(_Core(m.start(), m.end(), float(lex.approximate[key]), "approx"))
    for m in lex.re_fraction.finditer(text):
        if _is_share(text, m.start(), m.end(), lex):
            found.append(_Core(m.start(), m.end(), lex.fractions[" ".join(m.group().lower().split())], "fraction"))
    for m in lex.re_multiple.finditer(text):
        found.append(_Core(m.start(), m.end(), _small_number(m.group().lower().removesuffix(" times"), lex),
                           "multiple"))
    for m in lex.re_ratio.finditer(text):
        part, whole = (_small_number(g, lex) for g in m.groups())
        if part < whole:  # "one in five": a share
            found.append(_Core(m.start(), m.end(), round(part / whole, 2), "fraction"))
    return _longest(found)


def _small_number(word: str, lex: Lexicon) -> float:
    """'twice', '3', 'three' as a number (the parts of multiples and ratios)."""
    key = " ".join(word.lower().split())
    if key in lex.multiples:
        return float(lex.multiples[key])
    if key[:1].isdigit():
        return float(key.replace(",", ""))
    return float(lex.number_words[key])


def _longest(found: list[_Core]) -> list[_Core]:
    """Non-overlapping cores, the longer winning ("several hundred" over "hundred")."""
    taken: list[_Core] = []
    for c in sorted(found, key=lambda c: (c.start - c.end, c.start)):
        if not any(t.start < c.end and c.start < t.end for t in taken):
            taken.append(c)
    return sorted(taken, key=lambda c: c.start)


def _word_before(text: str, pos: int) -> str:
    m = re.search(r"([\w'’-]+)\W*$", text[max(0, pos - 40):pos])
    return m.group(1).lower() if m else ""


_NEXT_WORD = re.compile(r"\s*([\w'’-]+|\S)?")


def _word_after(text: str, pos: int) -> tuple[str, int]:
    """The next word (or punctuation mark, or "") after pos, lowercased, and where it ends."""
    m = _NEXT_WORD.match(text, pos)
    return ((m.group(1) or "").lower(), m.end()) if m else ("", pos)


def _is_share(text: str, start: int, end: int, lex: Lexicon) -> bool:
    """Whether a fraction word is a share of something ("half of", "roughly half had gone"),
    not "the second half of August" or "half an hour"."""
    qualified = lex.re_qualifier.search(text, max(0, start - 40), start) is not None
    if not qualified and _word_before(text, start) in lex.words["fraction_blockers"]:
        return False
    tail, at = _word_after(text, end)
    if tail in ("a", "an"):
        tail = _word_after(text, at)[0]
    if tail in lex.words["time_nouns"]:
        return False
    return qualified or tail in lex.words["fraction_tails"] or not tail[:1].isalnum()


# --- what is not a quantity -------------------------------------------------------------


def _not_quantity(c: _Core, text: str, lex: Lexicon, blocked: frozenset[int]) -> bool:
    """Years, dates, times, ages, labels and model names ("Su-34") are numbers, not quantities."""
    if c.start in blocked or c.end - 1 in blocked:
        return True
    if c.kind not in ("digits", "words"):
        return False
    before = text[max(0, c.start - 40):c.start]
    if c.kind == "digits":
        if re.search(r"[^\W\d_]-?$|\d{4}[-–/]$", before):
            return True  # "Su-34", "M777", "2022-23"
        attached = lex.re_measure_unit.match(text, c.end) or lex.re_currency_before.search(
            text, max(0, c.start - 6), c.start)
        if re.match(r"[^\W\d_]", text[c.end:c.end + 1]) and not attached:
            return True  # "5th", "1990s", "10pm", "22M3" (but "35km", "$5m")
        line_start = text.rfind("\n", 0, c.start) + 1
        if _ENUMERATOR.match(text, c.end) and not text[line_start:c.start].strip(" \t("):
            return True  # "1. According to the Ministry ..." numbers a paragraph
        if _is_year(c, text, lex):
            return True
    if lex.re_label.search(before):
        return True  # "Article 51", "aged 34" (times, "10 p.m.", end at their time word: _counted_noun)
    return c.value <= 31 and c.value == int(c.value) and _next_to_month(c, text, lex)


def _is_year(c: _Core, text: str, lex: Lexicon) -> bool:
    low, high = lex.year_range
    if not re.fullmatch(r"\d{4}", text[c.start:c.end]) or not low <= c.value <= high:
        return False
    if _word_before(text, c.start) in lex.words["year_before"]:
        return True
    return not (lex.re_measure_unit.match(text, c.end) or lex.re_noun.match(text, _skip_spaces(text, c.end)))


def _next_to_month(c: _Core, text: str, lex: Lexicon) -> bool:
    """'6 August', 'Aug 7', 'Between 16 and 18 August' ('may' and 'march' only capitalised)."""
    for m in (lex.re_month_before.search(text, max(0, c.start - 30), c.start), lex.re_month_after.match(text, c.end)):
        if m is not None and (m.group(1).lower() not in ("may", "march") or m.group(1)[0].isupper()):
            return True
    return False


# --- figures: numbers with their qualifiers, ranges and units of measure ------------------


def _figures(cores: list[_Core], text: str, lex: Lexicon) -> list[_Figure]:
    blocked = _blocked(text, lex)
    cores = [c for c in cores if not _not_quantity(c, text, lex, blocked)]
    out: list[_Figure] = []
    i = 0
    while i < len(cores):
        pair = _range(cores[i], cores[i + 1], text, lex) if i + 1 < len(cores) else None
        if pair is not None:
            out.append(pair)
            i += 2
            continue
        out.append(_single(cores[i], text, lex))
        i += 1
    return out


_JOINER = re.compile(r"\s*(?:[-–—]|\s(?:to|or|and)\s)\s*", re.I)
_LEAD = re.compile(r"(?<![\w-])(from|between)\s+$", re.I)


def _range(a: _Core, b: _Core, text: str, lex: Lexicon) -> _Figure | None:
    """'from one to two km', 'between 500 and 600', '2-3 km', '10 or 12' (not 'rose from 5 to 7')."""
    if a.kind not in ("digits", "words") or b.kind not in ("digits", "words"):
        return None
    unit_a = lex.re_measure_unit.match(text, a.end)
    gap = _JOINER.fullmatch(text, unit_a.end() if unit_a else a.end, b.start)
    if gap is None:
        return None
    joiner = gap.group().strip().lower()
    lead = _LEAD.search(text, max(0, a.start - 20), a.start)
    lead_word = lead.group(1).lower() if lead else ""
    if joiner == "and" and lead_word != "between" or lead_word == "between" and joiner in ("to", "or"):
        return None  # "and" joins a range only after "between"; "between" takes "and" or a dash
    if lead is not None and lead_word == "from" and _word_before(text, lead.start()) in lex.words["change_verbs"]:
        return None  # "rose from 9 to 13": an old and a new value
    low = a.value * b.scale if a.scale == 1 and b.scale > 1 and a.value * b.scale <= b.value else a.value
    if not low < b.value:
        return None
    start = lead.start() if lead else a.start
    end, unit, factor = _unit_after(b.end, text, lex)
    return _Figure(start=start, end=end, core_start=a.start, core_end=b.end, qualifier="range", low=low * factor,
                   best=None, high=b.value * factor, spelled=a.kind == "words", unit=unit)


def _unit_after(end: int, text: str, lex: Lexicon) -> tuple[int, str | None, float]:
    m = lex.re_measure_unit.match(text, end)
    if m is None:
        return end, None, 1.0
    unit, factor = lex.measure_units[" ".join(m.group().lower().lstrip(" -").split())]
    return m.end(), unit, factor


def _money(c: _Core, text: str, lex: Lexicon) -> tuple[int, int, float] | None:
    """'$1.2 billion', '€300m', '500 million roubles': the span and value of a sum of money."""
    if c.kind != "digits":
        return None
    prefix = lex.re_currency_before.search(text, max(0, c.start - 6), c.start)
    end, value = c.end, c.value
    multiplier = lex.re_currency_multiplier.match(text, end) if prefix else None
    if multiplier is not None and c.scale == 1:
        end, value = multiplier.end(), value * lex.raw["currency_multipliers"][multiplier.group().lower()]
    name = lex.re_currency_name.match(text, end)
    if prefix is None and name is None:
        return None
    return (prefix.start() if prefix else c.start), (name.end() if name else end), value


def _single(c: _Core, text: str, lex: Lexicon) -> _Figure:
    """One number with its qualifier words, currency and unit of measure."""
    money = _money(c, text, lex)
    if money is not None:
        (start, end, value), unit, factor = money, "money", 1.0
    else:
        start, value = c.start, c.value
        end, unit, factor = _unit_after(c.end, text, lex)
    qual = lex.re_qualifier.search(text, max(0, start - 40), start)
    if qual is not None and _word_before(text, qual.start()) in lex.words["particle_verbs"]:
        qual = None  # "handed over 76": a particle of the verb
    qualifier = lex.qualifiers[" ".join(qual.group().lower().split())] if qual else "exact"
    after = lex.re_qualifier_after.match(text, end) if qual is None and c.kind in ("digits", "words") else None
    noun_from = c.end
    if after is not None:  # "1,000 at most", "50 or more (troops)"
        qualifier, end = lex.qualifiers[" ".join(after.group().lower().split())], after.end()
        noun_from = end if unit is None else c.end
    if c.kind == "vague":  # "dozens", "several hundred": their own bounds, whatever precedes them
        return _Figure(start=c.start, end=end, core_start=c.start, core_end=c.end, qualifier="vague",
                       low=c.low, best=None, high=c.high, spelled=True, unit=unit)
    if c.kind == "approx" and qualifier == "exact":
        qualifier = "approximately"  # "a dozen"
    relative = c.kind in ("fraction", "multiple")
    # a factor stated plainly ("twice as many", "the same number") is a best value, not exact bounds
    low, best, high = _values("approximately" if relative and qualifier == "exact" else qualifier, value * factor)
    return _Figure(start=qual.start() if qual else start, end=end, core_start=c.start, core_end=noun_from,
                   qualifier="relative" if relative else qualifier, low=low, best=best, high=high,
                   spelled=c.kind != "digits", unit=unit, relative=relative,
                   locative=qual is not None and qual.group().split()[0].lower() in lex.words["locative_qualifiers"])


# --- what a number counts -------------------------------------------------------------------


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


_CLASSIFIER = re.compile(r"\s+(?:units|pieces|items)\s+of\s+(?=\w)", re.I)
_MAX_NOUN_WORDS = 4  # "117 Ukrainian drones", "four Russian military airfields": names and adjectives between


def _counted_noun(ctx: _Context, fig: _Figure) -> tuple[str | None, str]:
    """The unit of the noun after a number and how it was found: noun, unknown (a noun the
    lexicon lacks: a count), bare (no noun: "eight over Kursk") or skip (a duration, an age)."""
    text, lex = ctx.text, ctx.lex
    pos, seen = fig.core_end, 0
    if text[pos:pos + 1] == "-" and text[pos + 1:pos + 2].isalpha():
        pos += 1  # "a 12-hour curfew", "a 45-year-old man"
    classifier = _CLASSIFIER.match(text, pos)
    if classifier is not None:
        pos = classifier.end()  # "30 units of armoured vehicles": the vehicles are counted
    while seen < _MAX_NOUN_WORDS:
        pos = _skip_spaces(text, pos)
        hit = lex.re_noun.match(text, pos)
        if hit is not None:
            if _attributive(hit, text, lex):
                return None, "unknown"  # "two FPV drone attacks": attacks are counted, not drones
            return lex.noun_units[" ".join(hit.group().lower().split())], "noun"
        chunk = _CHUNK.match(text, pos)
        if chunk is None:
            break
        word = chunk.group().lower()
        if word in lex.words["time_nouns"]:
            return None, "skip"
        if word == "of" and seen == 0 and fig.qualifier == "vague":
            pos = chunk.end()  # "dozens of civilians"
            measured = lex.re_measure_unit.match(text, _skip_spaces(text, pos))
            if measured is not None:  # "hundreds of kilometres"
                return lex.measure_units[" ".join(measured.group().lower().lstrip(" -").split())][0], "noun"
            continue
        model = _MODEL.match(chunk.group())
        if model is not None and model.group(1).lower() in lex.model_units:
            return lex.model_units[model.group(1).lower()], "noun"
        if word in lex.words["noun_stops"] or any(ch.isdigit() for ch in word) or (
                word.endswith(("ly", "ed")) and word not in lex.words["modifiers"]):
            break
        seen, pos = seen + 1, chunk.end()
    return None, "unknown" if seen else "bare"


def _attributive(hit: re.Match[str], text: str, lex: Lexicon) -> bool:
    """A singular unit noun before a plural noun modifies it ("drone attacks", "tank crews")."""
    after = _CHUNK.match(text, _skip_spaces(text, hit.end()))
    word = after.group() if after is not None and after.start() > hit.end() else ""
    return not hit.group().lower().endswith("s") and word.isalpha() and word.islower() and word.endswith("s") \
        and word.lower() not in lex.words["noun_stops"] and not lex.re_noun.fullmatch(word)


def _doc_noun(ctx: _Context, fig: _Figure) -> str | None:
    """The noun a number modifies in the parse, when the words after it did not say."""
    span = ctx.doc.char_span(fig.core_start, fig.core_end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    token = span[-1]
    head = token.head
    if token.dep_ != "nummod" or head.i <= token.i or head.idx - fig.core_end > 40:
        return None
    return ctx.lex.noun_units.get(head.text.lower()) or ctx.lex.noun_units.get(head.lemma_.lower())


_CUE_OVERRUN = 24  # longest cue tail past a clause break: " and wounded", " or injured"


def _nearest_cue(ctx: _Context, lo: int, hi: int, fig: _Figure, allowed: frozenset[str] | None = None) -> str | None:
    """The unit of the casualty cue nearest the figure between lo and hi."""
    best: tuple[int, str] | None = None
    # a cue may run past the clause's end ("400 killed | and wounded"), but must start inside it
    for m in ctx.lex.re_cue.finditer(ctx.text, lo, min(len(ctx.text), max(lo, hi) + _CUE_OVERRUN)):
        if m.start() >= max(lo, hi):
            break
        unit = ctx.lex.cue_units[" ".join(m.group().lower().split())]
        if allowed is not None and unit not in allowed:
            continue
        distance = fig.start - m.end() if m.end() <= fig.start else m.start() - fig.end
        if best is None or distance < best[0]:
            best = (distance, unit)
    return best[1] if best else None


def _clause(ctx: _Context, fig: _Figure, sent: tuple[int, int], prev: _Figure | None,
            next_start: int) -> tuple[int, int]:
    """Where the figure's clause starts (after a comma, a conjunction or the previous figure)
    and where what follows it stops (a comma, 'and', the next figure)."""
    lo = max(sent[0], prev.end if prev else sent[0])
    for m in _BREAK.finditer(ctx.text, lo, fig.start):
        lo = m.end()
    after = _BREAK.search(ctx.text, fig.end, sent[1])
    return lo, min(after.start() if after else sent[1], next_start, sent[1])


def _type(fig: _Figure, ctx: _Context, done: list[_Figure], next_start: int) -> _Figure | None:
    """Give a figure its unit, or drop it when it turns out not to be a quantity."""
    if fig.unit is not None or fig.relative:
        return fig
    part = _partitive(ctx, fig, done)
    if part is not None:
        return replace(fig, unit=part, inherited=True)
    noun, how = _counted_noun(ctx, fig)
    if how == "skip":
        return None
    if noun is None and ctx.doc is not None:
        noun = _doc_noun(ctx, fig)
        how = "noun" if noun else how
    echo = _echoed(fig, ctx, done) if noun is None and how == "bare" else None
    if echo is not None and echo.unit:  # "raised the first figure to 1,263 km² and the second to 93"
        return replace(fig, unit=echo.unit, inherited=True, bare=True)
    sent = ctx.sentence(fig.start)
    prev = [f for f in itertools.takewhile(lambda f: f.start >= sent[0], reversed(done)) if not f.relative][::-1]
    unit, inherited = _unit_in_context(fig, noun, how, ctx, sent, prev, next_start)
    if unit == "count" and how == "bare" and not prev:
        carried = _carried_over(fig, ctx, done, sent)
        if carried is not None:  # "Five of the six missiles were shot down. ... no more than two were intercepted"
            unit, inherited = carried.unit, True
    if fig.spelled and fig.qualifier != "vague" and _pronoun(fig, ctx, how, unit, next_start):
        return None
    if fig.locative and (_word_before(ctx.text, fig.start) in ctx.lex.noun_units
                         or _word_after(ctx.text, fig.core_end)[0] in ctx.lex.words["place_nouns"]):
        value = fig.low if fig.low is not None else fig.high  # "144 drones over eight regions": a preposition
        fig = replace(fig, start=fig.core_start, qualifier="exact", low=value, best=value, high=value)
    return replace(fig, unit=unit, inherited=inherited, bare=how == "bare")


_PART_BEFORE = re.compile(r"(?<![\w-])(?:of|among)\s+(?:them|those|these)\s*,?\s*$", re.I)
_PART_AFTER = re.compile(r"\s+(?:out\s+)?of\s+(?:them|those|these|whom)(?![\w-])", re.I)


def _partitive(ctx: _Context, fig: _Figure, done: list[_Figure]) -> str | None:
    """A part of something named: "102 of the missiles" -> missiles; "115 of them", "Of those, 20 were
    shot down" -> the unit of the last figure counted before it in its paragraph ("144 drones"). One
    of them is left to the pronoun rule ("one of them" is rarely a count)."""
    text = ctx.text
    of = _OF.match(text, fig.core_end)
    if of is not None and of.group().split()[-1].lower() != "of":  # a determiner: "of the missiles"
        noun = ctx.lex.re_noun.match(text, of.end())
        if noun is not None:
            return ctx.lex.noun_units[" ".join(noun.group().lower().split())]
    sent = ctx.sentence(fig.start)
    if fig.best == 1 or not (_PART_AFTER.match(text, fig.core_end) or _PART_BEFORE.search(text, sent[0], fig.start)):
        return None
    counted = [f for f in done if not f.relative and f.unit not in (None, "count") and "\n" not in text[f.end:fig.start]]
    return counted[-1].unit if counted else None


def _pronoun(fig: _Figure, ctx: _Context, how: str, unit: str, next_start: int) -> bool:
    """A number word that counts nothing: "one of the largest", "the two sides", "no one"."""
    if how != "noun" and _word_before(ctx.text, fig.core_start) in ctx.lex.words["definite_blockers"]:
        return True  # "the one painted by Kyiv", "the two sides", "the other one", "no one"
    of = _OF.match(ctx.text, fig.end)
    if how == "bare" and of is not None:
        return of.end() != next_start or fig.best == 1  # "one of the largest", "two of them", "one of 12"
    return unit == "count" and (how == "bare" or fig.best == 1)


def _share_of_next(figures: list[_Figure], text: str) -> list[_Figure]:
    """'38 of 45 drones': a bare count takes the unit of the figure it is a part of."""
    out = list(figures)
    for i, (fig, nxt) in enumerate(zip(figures, figures[1:])):
        of = _OF.match(text, fig.end)
        part_of = of is not None and of.end() == nxt.start
        if part_of and fig.bare and (fig.unit == "count" or fig.inherited) and nxt.unit:
            out[i] = replace(fig, unit=nxt.unit)
    return out


def _unit_in_context(fig: _Figure, noun: str | None, how: str, ctx: _Context, sent: tuple[int, int],
                     prev: list[_Figure], next_start: int) -> tuple[str, bool]:
    """The unit from the noun and the clause; for a number with no noun, from its context."""
    lex = ctx.lex
    lo, hi = _clause(ctx, fig, sent, prev[-1] if prev else None, next_start)
    personal = [f for f in prev if f.unit in lex.words["personal_units"]]
    inherits = lex.re_inherit.search(ctx.text, lo, fig.start) is not None
    if noun is not None:
        if noun not in lex.words["person_units"]:
            return noun, False
        if inherits and personal:
            return personal[-1].unit, True  # "121 injured, among them 10 children"
        overridable = frozenset(u for u, nouns in lex.cue_overrides.items() if noun in nouns)
        cue = _nearest_cue(ctx, fig.end, hi, fig, overridable) or _nearest_cue(ctx, lo, fig.start, fig, overridable)
        return cue or noun, False
    if how == "unknown":
        return "count", False
    cue = _nearest_cue(ctx, fig.end, hi, fig) or _nearest_cue(ctx, lo, fig.start, fig) or _tally_label(ctx, lo, fig)
    if cue:
        return cue, False
    counted = [f for f in prev if f.unit != "count"]
    if inherits and counted:
        return counted[-1].unit, True  # "144 drones ..., including 20 over the Moscow region"
    cue = _nearest_cue(ctx, sent[0], fig.start, fig) or _count_of(ctx, sent[0], fig.start) or _label(ctx, sent[0], fig)
    if cue:
        return cue, False  # "the death toll ... had risen to five, up from four"
    if counted:
        return counted[-1].unit, True  # "14 drones: eight over Kursk region, four over ..."
    return "count", False


def _carried_over(fig: _Figure, ctx: _Context, done: Sequence[_Figure], sent: tuple[int, int]) -> _Figure | None:
    """A bare number with nothing counted in its own sentence speaks of what the sentence before
    counted ("Five of the six missiles were shot down. The source said no more than two were
    intercepted"), when its own words measure that kind of thing (a cue of that unit's measures)."""
    if sent[0] <= 0 or "\n" in ctx.text[max(0, sent[0] - 2):sent[0]]:
        return None  # a new paragraph starts a new subject
    before = ctx.sentence(sent[0] - 1)
    counted = [f for f in done if before[0] <= f.start < before[1] and not f.relative
               and f.unit not in (None, "count")]
    if not counted:
        return None
    last = counted[-1]
    return last if _measure(replace(fig, unit=last.unit), ctx, fallback=False) is not None else None


_FIGURE_NOUN = re.compile(r"(?<![\w-])(?:the|that|this)\s+(?:same\s+|latest\s+|new\s+|real\s+)?"
                          r"(?:figure|number|total|estimate|tally)"
                          r"(?!\s+of)(?![\w-])", re.I)


_ORDINAL = re.compile(r"(?<![\w-])(?:the\s+)?(first|second|third|fourth|former|latter)"
                      r"(?:\s+(?:figure|number|one|estimate|count|total|tally))?\s+(?:to|at|from|as)\s+$", re.I)
_ORDINAL_INDEX = {"first": 0, "second": 1, "third": 2, "fourth": 3, "former": 0, "latter": -1}
_ECHO_SENTENCES = 3  # how far back "the first figure" may point: the report it revises is close by


def _echoed(fig: _Figure, ctx: _Context, figures: Sequence[_Figure]) -> _Figure | None:
    """The earlier figure that "the first (figure) to", "the second to" points at: that one of the
    figures listed together in the nearest earlier sentence that lists several; or the one "the
    figure" names again."""
    m = _ORDINAL.search(ctx.text, max(0, fig.start - 40), fig.start)
    if m is None:
        return _figure_meant(fig, ctx, figures)
    lo = ctx.sentence(fig.start)[0]
    for _ in range(_ECHO_SENTENCES):
        if lo <= 0:
            break
        before = ctx.sentence(lo - 1)[0]
        listed = [f for f in figures if before <= f.start < lo and not f.relative]
        if len(listed) >= 2:
            index = _ORDINAL_INDEX[m.group(1).lower()]
            return listed[index] if index < len(listed) else None
        lo = before
    return None


def _figure_meant(fig: _Figure, ctx: _Context, figures: Sequence[_Figure]) -> _Figure | None:
    """"Bloggers put the figure at less than 400", "rejected that figure, saying ... no more than 40":
    the last figure of a real unit before it in its paragraph or the one before, which "the
    figure" names again."""
    lo = ctx.sentence(fig.start)[0]
    if not _FIGURE_NOUN.search(ctx.text, lo, fig.start):
        return None
    paragraph = _paragraph_before(ctx.text, ctx.text.rfind("\n", 0, lo) + 1)
    earlier = [f for f in figures if paragraph <= f.start and f.end <= fig.start and not f.relative
               and f.unit not in (None, "count")]
    return earlier[-1] if earlier else None


def _paragraph_before(text: str, start: int) -> int:
    """Where the paragraph before the one starting at ``start`` starts (blank lines skipped)."""
    end = start
    while end > 0 and text[end - 1] in "\n \t":
        end -= 1
    return text.rfind("\n", 0, end) + 1


def _count_of(ctx: _Context, lo: int, hi: int) -> str | None:
    """'put the number of settlements under Ukrainian control at 28' -> settlements."""
    unit = None
    for m in ctx.lex.re_count_of.finditer(ctx.text, lo, hi):
        noun = ctx.lex.re_noun.match(ctx.text, m.end())
        if noun is not None:
            unit = ctx.lex.noun_units[" ".join(noun.group().lower().split())]
    return unit


def _label(ctx: _Context, lo: int, fig: _Figure) -> str | None:
    """'Drones shot down: 42' -> drones (the last noun of a label before a colon); 'tanks 9,790',
    'tanks – 9,790' in a tally -> vehicles (the noun right before the number)."""
    label = re.search(r"([^.;:]*):\s*$", ctx.text[lo:fig.start])
    nouns = list(ctx.lex.re_noun.finditer(label.group(1))) if label else []
    return ctx.lex.noun_units[" ".join(nouns[-1].group().lower().split())] if nouns else _tally_label(ctx, lo, fig)


def _tally_label(ctx: _Context, lo: int, fig: _Figure) -> str | None:
    """'…; tanks 9,790, including 11', 'tanks – 9,790': the unit of the noun right before the number."""
    tally = _TALLY_LABEL.search(ctx.text[max(lo, fig.start - 40):fig.start])
    nouns = [n for n in ctx.lex.re_noun.finditer(tally.group(1)) if n.end() == len(tally.group(1))] if tally else []
    return ctx.lex.noun_units[" ".join(nouns[-1].group().lower().split())] if nouns else None


_TALLY_LABEL = re.compile(r"(?:^|[,;(])\s*([^\W\d_][\w -]*?)\s*[–—-]?\s*$")  # "…; tanks – 9,790"


# --- relative figures ------------------------------------------------------------------------

_OF = re.compile(r"\s+(?:out\s+)?of\s+(?:(?:the|that|this|those|these|its|their|his|her)(?:\s+|(?=\W)))?", re.I)


def _relate(fig: _Figure, ctx: _Context, figures: list[_Figure]) -> _Figure | None:
    """A share or multiple takes the unit of the figure it is a share of; without one it is dropped."""
    ref = _referent(fig, ctx, figures)
    if ref is None:
        return _compared_to_words(fig, ctx)
    measure = _measure(replace(fig, unit=ref.unit), ctx, fallback=False) or ref.measure
    return replace(fig, unit=ref.unit, relative_to=ctx.text[ref.start:ref.end], measure=measure)


_AS_MANY = re.compile(r"\s+as\s+(?:many|much)\s+([^\W\d_][\w-]*)\s+((?:as|than)\s+[^,.;:]+)", re.I)


def _compared_to_words(fig: _Figure, ctx: _Context) -> _Figure | None:
    """"twice as many people as it did in the autumn": a multiple of no figure, kept with the unit of
    its own noun and the words it is compared with as what it is relative to."""
    m = _AS_MANY.match(ctx.text, fig.end)
    unit = ctx.lex.noun_units.get(m.group(1).lower()) if m else None
    if unit is None:
        return None
    fig = replace(fig, unit=unit, relative_to=" ".join(m.group(2).split()))
    return replace(fig, measure=_measure(fig, ctx))


def _referent(fig: _Figure, ctx: _Context, figures: list[_Figure]) -> _Figure | None:
    text, lex = ctx.text, ctx.lex
    of = _OF.match(text, fig.end)
    if of is not None:
        direct = next((f for f in figures if not f.relative and f.start == of.end()), None)
        if direct is not None:
            return direct  # "less than half of the 1,263 square kilometres claimed"
        word, _ = _word_after(text, of.end())
        unit = _hint(word, lex) if word[:1].isalnum() else "any"  # "less than a third of that."
        if unit is None:  # "the same number of Ukrainian soldiers": a counted noun after its adjectives
            ahead = re.findall(r"[^\W\d_][\w'’-]*", text[of.end():of.end() + 60])[:3]
            unit = next((lex.noun_units.get(w.lower()) or lex.referent_hints[w.lower()] for w in ahead
                         if w.lower() in lex.noun_units or w.lower() in lex.referent_hints), None)
        if unit is None:
            return None  # "half of August"
    else:
        tail = lex.re_multiple_tail.match(text, fig.end)
        unit = _hint(_word_after(text, tail.end() if tail else fig.end)[0], lex)
    if unit in (None, "any"):
        unit = _sentence_hint(fig, ctx)
    found = _figure_with_unit(unit, fig, ctx, figures) if unit else None
    if found is None:  # "40 homes in Sumy, twice as many as in Kharkiv": the figure just before, in its
        # sentence or else in the sentence before ("... 70 percent. X held less than a third of the area claimed")
        lo = ctx.sentence(fig.start)[0]
        lo = ctx.sentence(lo - 1)[0] if lo > 0 and not any(lo <= f.start < fig.start for f in figures) else lo
        found = next((f for f in reversed(figures) if not f.relative and lo <= f.start and f.end <= fig.start
                      and "\n" not in ctx.text[f.end:fig.start]), None)
    if found is None and of is not None and _word_after(text, of.end())[0] in lex.words["referent_any"]:
        # "less than a third of what they say": the figure they said, in this paragraph or the one before
        since = _paragraph_before(text, text.rfind("\n", 0, fig.start) + 1)
        found = next((f for f in reversed(figures) if not f.relative and since <= f.start and f.end <= fig.start
                      and f.unit not in (None, "count")), None)
    return found


def _hint(word: str, lex: Lexicon) -> str | None:
    if word in lex.words["referent_any"]:
        return "any"
    return lex.referent_hints.get(word) or lex.noun_units.get(word)


def _sentence_hint(fig: _Figure, ctx: _Context) -> str | None:
    """The unit named nearest the figure in its sentence ('the area ... at roughly half of that figure')."""
    lo, hi = ctx.sentence(fig.start)
    best: tuple[int, str] | None = None
    for m in re.finditer(r"[\w'’-]+", ctx.text[lo:hi]):
        unit = ctx.lex.referent_hints.get(m.group().lower())
        start, end = lo + m.start(), lo + m.end()
        if unit is None or fig.start <= start < fig.end:
            continue
        distance = fig.start - end if end <= fig.start else start - fig.end
        if best is None or distance < best[0]:
            best = (distance, unit)
    return best[1] if best else None


def _figure_with_unit(unit: str, fig: _Figure, ctx: _Context, figures: list[_Figure]) -> _Figure | None:
    """The last figure of that unit before this one, else the next in its sentence."""
    same = [f for f in figures if not f.relative and f.unit == unit]
    before = [f for f in same if f.end <= fig.start]
    if before:
        return before[-1]
    sent_end = ctx.sentence(fig.start)[1]
    return next((f for f in same if fig.end <= f.start < sent_end), None)


# --- measures --------------------------------------------------------------------------------


def _measure(fig: _Figure, ctx: _Context, *, fallback: bool = True) -> str | None:
    """What a figure measures, from the cue nearest it in its sentence among those its unit allows."""
    lo, hi = ctx.sentence(fig.start)
    best: tuple[int, str] | None = None
    for measure, unit, pattern in ctx.lex.measure_cues:
        if unit != fig.unit:
            continue
        for m in pattern.finditer(ctx.text, lo, hi):
            if m.start() < fig.end and fig.start < m.end():
                continue  # "from" in "from one to two km" is the range, not a distance cue
            distance = fig.start - m.end() if m.end() <= fig.start else max(0, m.start() - fig.end)
            if best is None or distance < best[0]:
                best = (distance, measure)
    if best is not None:
        return best[1]
    return _default_measure(fig.unit, ctx.lex) if fallback else None


def _default_measure(unit: str | None, lex: Lexicon) -> str | None:
    """The measure a unit implies when no cue says more ("121 injured"); a figure of a real unit that
    fits no measure of the vocabulary is "other" ("about 70 percent of the town"); a bare count none."""
    if unit in (None, "count"):
        return None
    return lex.unit_measures.get(unit, "other")


def _measured(figures: list[_Figure], ctx: _Context) -> list[_Figure]:
    """Each figure's measure; one that revises an earlier figure ("raised the first figure to
    1,263 km²") without a cue of its own measures what that figure did; the whole that a part is
    "of" ("38 of 45 drones were downed") is not what the verb counts, and is "other"."""
    out: list[_Figure] = []
    wholes = {nxt.start for fig, nxt in zip(figures, figures[1:])
              if (of := _OF.match(ctx.text, fig.end)) is not None and of.end() == nxt.start}
    for f in figures:
        if f.start in wholes and not f.relative:  # "five of the six missiles were shot down": six were fired
            out.append(replace(f, measure=None if f.unit in (None, "count") else "other"))
            continue
        if not f.relative:
            echo = _echoed(f, ctx, out)
            own = _measure(f, ctx, fallback=echo is None)
            f = replace(f, measure=own or (echo.measure if echo is not None and echo.unit == f.unit else None)
                        or _default_measure(f.unit, ctx.lex))
        out.append(f)
    return out


# --- the stage ---------------------------------------------------------------------------------


def _sentence_starts(text: str, lex: Lexicon) -> tuple[int, ...]:
    """Sentence starts: after a line break, or after . ! ? that does not end an abbreviation."""
    starts = [0]
    for m in re.finditer(r"\n+|[.!?]+[\"”’»)]*\s+", text):
        if "\n" not in m.group():
            word = _word_before(text, m.start() + 1).strip(".")
            if word in lex.words["abbreviations"] or (len(word) == 1 and word.isalpha()):
                continue
            if m.end() < len(text) and text[m.end()].islower():
                continue
        starts.append(m.end())
    return tuple(starts)


def find_quantities(article: Article, doc: Any = None) -> list[Quantity]:
    """Every quantity of ``article`` in text order; ``doc`` (a spaCy Doc of its text) is optional."""
    lex = lexicon()
    text = article.text
    ctx = _Context(text=text, lex=lex, sentence_starts=_sentence_starts(text, lex), doc=doc)
    figures = _figures(_cores(text, lex), text, lex)
    typed: list[_Figure] = []
    for i, fig in enumerate(figures):
        next_start = figures[i + 1].start if i + 1 < len(figures) else len(text)
        kept = _type(fig, ctx, typed, next_start)
        if kept is not None:
            typed.append(kept)
    typed = _measured(_share_of_next(typed, text), ctx)
    related = [_relate(f, ctx, typed) if f.relative else f for f in typed]
    return [Quantity(evidence=Evidence(article_id=article.id, start=f.start, end=f.end, text=text[f.start:f.end]),
                     unit=f.unit or "count", qualifier=f.qualifier, low=f.low, best=f.best, high=f.high,
                     measure=f.measure, relative_to=f.relative_to) for f in related if f is not None]


def quantity_id(quantity: Quantity) -> str:
    """A stable id for a stored quantity: its article and span."""
    ev = quantity.evidence
    return hashlib.sha256(f"{ev.article_id}:{ev.start}:{ev.end}".encode()).hexdigest()[:24]
