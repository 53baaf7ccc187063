"""Credibility: an Admiralty-style grade for every claim, the source and the information
graded apart.

Source reliability (A-F) comes from a table the user can edit (``data/credibility.json``,
overridden entry by entry by the user's own file): the claimant's own entry, else the
outlet's for an anonymous source speaking through one, else the claimant's kind (a third
party's kinds have their own column). A belligerent's officials, bodies and forces are
capped at ``belligerent_cap``: they speak for a party to the war, so never A.

Information credibility (1-6) comes from corroboration by *independent* reports: another
claimant (not the same person or body, and not an outlet repeating it) in another article
(syndicated copies share their original's article, so they never count twice):

1 confirmed: an independent source of another side agrees;
2 probably true: an independent source of the same side agrees and none disagrees;
3 possibly true: independent sources both agree and disagree;
4 doubtful: an independent source disagrees and none agrees;
5 improbable: independent sources of two or more sides disagree and none agrees;
6 cannot be judged: no independent report of the same thing about the same time.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import ConfigError
from .records import Claimant, ClaimValue, Grade
from .timelines import agree, as_of_day, claimant_key, same_time

__all__ = ["Table", "Voice", "table", "reliability", "grade_values", "grade_reports", "combine"]

_LETTERS = "ABCDEF"
_BELLIGERENTS = ("RU", "UA")
_OFFICIAL_KINDS = frozenset({"government", "military", "institution", "person"})


@dataclass(frozen=True, slots=True)
class Table:
    version: str
    belligerent_cap: str
    kinds: dict[str, str]
    third_party_kinds: dict[str, str]
    outlets: dict[str, str]
    claimants: dict[str, str]


@dataclass(frozen=True, slots=True)
class Voice:
    """A claim as one voice among the reports of an event."""

    claim_id: str
    claimant: Claimant
    origin: str  # the canonical article


@functools.cache
def table(path: str | None = None) -> Table:
    """The packaged table, with the entries of the user's file (JSON, same keys) over it."""
    raw = json.loads(resources.files("fogofwar").joinpath("data/credibility.json").read_text("utf-8"))
    if path:
        try:
            user = json.loads(Path(path).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError("E401", detail=f"the credibility table {path} cannot be read: {exc}") from exc
        for key in ("kinds", "third_party_kinds", "outlets", "claimants"):
            raw[key] = {**raw[key], **{k.casefold(): v for k, v in user.get(key, {}).items()}}
        raw["belligerent_cap"] = user.get("belligerent_cap", raw["belligerent_cap"])
        raw["version"] = f"{raw['version']}+{Path(path).name}"
    for key in ("kinds", "third_party_kinds", "outlets", "claimants"):
        bad = [v for v in raw[key].values() if v not in _LETTERS]
        if bad:
            raise ConfigError("E401", detail=f"credibility grades are letters A-F, not {bad[0]!r} (in {key!r})")
    return Table(version=raw["version"], belligerent_cap=raw["belligerent_cap"],
                 kinds={k.casefold(): v for k, v in raw["kinds"].items()},
                 third_party_kinds={k.casefold(): v for k, v in raw["third_party_kinds"].items()},
                 outlets={k.casefold(): v for k, v in raw["outlets"].items()},
                 claimants={k.casefold(): v for k, v in raw["claimants"].items()})


def reliability(claimant: Claimant, tab: Table) -> tuple[str, str]:
    """The claimant's source reliability and why."""
    name = claimant.name.casefold()
    if name in tab.claimants:
        letter, why = tab.claimants[name], f"{claimant.name} is graded {tab.claimants[name]} in the table"
    elif claimant.via_outlet and claimant.via_outlet.casefold() in tab.outlets:
        outlet_grade = tab.outlets[claimant.via_outlet.casefold()]
        letter = _LETTERS[min(_LETTERS.index(outlet_grade) + 1, 4)]
        why = f"an unnamed source through {claimant.via_outlet} ({outlet_grade}), one grade lower"
    elif claimant.kind == "media" and name in tab.outlets:
        letter, why = tab.outlets[name], f"the outlet {claimant.name} is graded {tab.outlets[name]}"
    elif claimant.side == "third_party" and claimant.kind in tab.third_party_kinds:
        letter, why = tab.third_party_kinds[claimant.kind], f"a third-party {claimant.kind}"
    else:
        letter, why = tab.kinds.get(claimant.kind, "F"), f"a {claimant.kind} source"
    if claimant.side in _BELLIGERENTS and claimant.kind in _OFFICIAL_KINDS \
            and _LETTERS.index(letter) < _LETTERS.index(tab.belligerent_cap):
        letter, why = tab.belligerent_cap, f"{why}; capped at {tab.belligerent_cap}: speaks for a party to the war"
    return letter, why


def _independent(a: ClaimValue | Voice, b: ClaimValue | Voice) -> bool:
    return a.origin != b.origin and claimant_key(a) != claimant_key(b)


def _side(v: ClaimValue | Voice) -> str:
    return v.claimant.side if v.claimant.side != "unknown" else f"?{claimant_key(v)}"


def _credibility(own_side: str, agreeing: set[str], disagreeing: set[str]) -> tuple[int, str]:
    if agreeing and disagreeing:
        return 3, f"agreed by {len(agreeing)} and disputed by {len(disagreeing)} independent side(s)"
    if agreeing - {own_side}:
        return 1, "confirmed by an independent source of another side"
    if agreeing:
        return 2, "agreed by an independent source of the same side"
    if len(disagreeing) >= 2:
        return 5, f"disputed by independent sources of {len(disagreeing)} sides"
    if disagreeing:
        return 4, "disputed by an independent source"
    return 6, "no independent report of the same figure about the same time"


def grade_values(values: Sequence[ClaimValue], tab: Table) -> list[Grade]:
    """One grade per claim of one timeline, from the figures that agree or disagree with it."""
    # every pair is compared: each value's claimant key, side and day are worked out once
    keys = [claimant_key(v) for v in values]
    sides = [v.claimant.side if v.claimant.side != "unknown" else f"?{k}" for v, k in zip(values, keys)]
    days = [as_of_day(v) for v in values]
    best: dict[str, Grade] = {}
    for i, v in enumerate(values):
        others = [j for j, o in enumerate(values)
                  if v.origin != o.origin and keys[i] != keys[j] and same_time(v, o, days=(days[i], days[j]))
                  and not (o.quantity.subject_side and v.quantity.subject_side
                           and o.quantity.subject_side != v.quantity.subject_side)]
        agreeing = {sides[j] for j in others if agree(v, values[j])}
        disagreeing = {sides[j] for j in others if not agree(v, values[j])}
        number, why = _credibility(sides[i], agreeing, disagreeing)
        letter, source_why = reliability(v.claimant, tab)
        grade = Grade(claim_id=v.claim_id, reliability=letter, credibility=number,
                      reasons=(source_why, f"{v.quantity.evidence.text!r}: {why}"))
        held = best.get(v.claim_id)
        if held is None or number < held.credibility:
            best[v.claim_id] = grade
    return [best[k] for k in sorted(best)]


def grade_reports(reports: Sequence[Voice], tab: Table) -> list[Grade]:
    """Grades of the claims reporting one ledger event: corroborated by the independent
    claims that report the same event (an event is not disputed by being reported)."""
    out = []
    for v in reports:
        agreeing = {_side(o) for o in reports if _independent(v, o)}
        number, why = _credibility(_side(v), agreeing, set())
        if number == 6:
            why = "no independent report of the same event"
        letter, source_why = reliability(v.claimant, tab)
        out.append(Grade(claim_id=v.claim_id, reliability=letter, credibility=number,
                         reasons=(source_why, f"the event it reports: {why}")))
    return sorted({g.claim_id: g for g in out}.values(), key=lambda g: g.claim_id)


def combine(grades: Sequence[Grade], claimant: Claimant, tab: Table) -> Grade | None:
    """One claim's grade from the grades of the timelines and events it is part of: the
    least supported of its judged parts (a figure disputed while the event it reports is
    confirmed is "possibly true", not "confirmed"); 6 only when nothing could be judged."""
    if not grades:
        return None
    judged = [g for g in grades if g.credibility != 6] or list(grades)
    best = max(judged, key=lambda g: g.credibility)
    reasons = tuple(dict.fromkeys(r for g in sorted(grades, key=lambda g: g.credibility) for r in g.reasons))
    return Grade(claim_id=best.claim_id, reliability=reliability(claimant, tab)[0],
                 credibility=best.credibility, reasons=reasons)
