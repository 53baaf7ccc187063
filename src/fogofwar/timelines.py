"""Claim timelines and contradictions: every claimed figure on one measure in one region,
by as-of date and claimant, and which of them update or dispute each other.

Each figure becomes an interval, its qualifiers respected ("more than 100" is 100..∞,
"around 200,000" is ±``APPROX``, "less than half" of another figure is 0..half of that
figure). Two figures agree when their intervals meet within ``TOLERANCE``. When they do not:

- the same claimant, or one belligerent side, giving a new value is an *update* (only
  consecutive changes along that claimant's or side's line are kept, oldest first);
- different claimants of different sides (a third party counts as its own) about the
  same time (as-of dates at most ``SAME_TIME_DAYS`` apart) is a *disagreement*;
- figures whose as-of date is unknown are called a disagreement only when one article
  sets them side by side (an undated roundup); across articles nothing says they speak of
  the same moment;
- figures about different subjects (Ukraine's losses and Russia's) are never compared.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from typing import Any

from .records import Claim, ClaimValue, Disagreement, Quantity, Timeline

__all__ = ["claim_values", "interval", "timeline", "contradictions", "agree", "claimant_key",
           "APPROX", "TOLERANCE", "SAME_TIME_DAYS"]

APPROX = 0.05  # "around", "some", "roughly": ±5%: "about 1,000" and "1,050" agree, "around 420" and "about 500" do not
TOLERANCE = 0.02  # rounding between outlets ("1,263" vs "1,260")
SAME_TIME_DAYS = 7  # one reporting week: a weekly briefing and a daily one speak of the same situation


def interval(q: Quantity, ref: Quantity | None = None) -> tuple[float | None, float | None] | None:
    """The values a figure allows (None for an unbounded end), or None when it says none."""
    if q.qualifier == "relative":
        base = None if ref is None else next((v for v in (ref.best, ref.low, ref.high) if v is not None), None)
        if base is None:
            return None
        if q.low is None and q.high is None:  # "about half"
            return (q.best or 0.0) * base * (1 - APPROX), (q.best or 0.0) * base * (1 + APPROX)
        return (q.low or 0.0) * base, None if q.high is None else q.high * base
    if q.qualifier == "approximately" and q.best is not None:
        return q.best * (1 - APPROX), q.best * (1 + APPROX)
    if q.qualifier in ("less_than", "up_to"):
        return 0.0, q.high
    low = q.low if q.low is not None else q.best
    high = q.high if q.high is not None else (q.best if q.qualifier not in ("more_than", "at_least") else None)
    if low is None and high is None:
        return None
    return low, high


def agree(a: ClaimValue, b: ClaimValue) -> bool:
    a_low, a_high = a.low or 0.0, a.high if a.high is not None else float("inf")
    b_low, b_high = b.low or 0.0, b.high if b.high is not None else float("inf")
    return a_low <= b_high * (1 + TOLERANCE) and b_low <= a_high * (1 + TOLERANCE)


def claimant_key(value: Any) -> str:
    """Who speaks, whatever the article: a person or body, or an unnamed source via an outlet."""
    c = value.claimant
    return f"{c.name.casefold()}|{(c.via_outlet or '').casefold()}"


def claim_values(claim: Claim, *, origin: str, outlets: Sequence[str], article_quantities: Sequence[Quantity],
                 measure: str, unit: str, region: str | None,
                 subjects: dict[tuple[str, int], str] | None = None) -> list[ClaimValue]:
    """The claim's figures on one measure, as timeline values. A figure that another one in
    the claim is a share of ("less than half of the 1,263 km² claimed") is the other
    claimant's, not this one's, and is left out; the share is about what that figure is
    about (its subject, from ``subjects``: (article id, start) -> side, as other claims say)."""
    pool = list(article_quantities) or list(claim.quantities)
    referents = {(r.evidence.start, r.evidence.end) for q in claim.quantities if q.qualifier == "relative"
                 for r in [_referent(q, claim.quantities, nearest=True)] if r is not None and _others(r, claim)}
    out = []
    for q in claim.quantities:
        if (q.measure, q.unit, q.region) != (measure, unit, region) \
                or (q.evidence.start, q.evidence.end) in referents:
            continue
        ref = (_referent(q, claim.quantities, nearest=True) or _referent(q, pool)) if q.qualifier == "relative" else None
        if ref is not None:
            subject = ref.subject_side or (subjects or {}).get((ref.evidence.article_id, ref.evidence.start))
            if subject and q.subject_side is None:  # "Ukrainian units lost twice as many": its own subject
                q = dataclasses.replace(q, subject_side=subject)
        span = interval(q, ref)
        if span is None:
            continue
        out.append(ClaimValue(claim_id=claim.id, article_id=claim.evidence.article_id, claimant=claim.claimant,
                              quantity=q, as_of=claim.as_of, origin=origin, low=span[0], high=span[1],
                              outlets=tuple(outlets)))
    return out


_CLAIMED = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:claim(?:ed|s)?|says?|said|admit(?:s|ted)?|reported|estimated)\b", re.I)


def _others(referent: Quantity, claim: Claim) -> bool:
    """Whether a figure another one is measured against is someone else's, quoted: "less than half
    of the 1,263 km² claimed by Kyiv". Without such words it is the claimant's own ("no more than
    40, and Ukrainian units lost twice as many")."""
    at = referent.evidence.end - claim.evidence.start
    return 0 <= at <= len(claim.evidence.text) and _CLAIMED.match(claim.evidence.text[at:at + 40]) is not None


def _referent(q: Quantity, quantities: Sequence[Quantity], *, nearest: bool = False) -> Quantity | None:
    """The figure a relative one is a share of: the one whose words it names, nearest before
    it (or, within one sentence, nearest on either side: "less than half of the 1,263")."""
    if not q.relative_to:
        return None
    named = [r for r in quantities if r.qualifier != "relative"
             and (r.evidence.text in q.relative_to or q.relative_to in r.evidence.text)]
    if nearest:
        return min(named, key=lambda r: abs(r.evidence.start - q.evidence.start), default=None)
    before = [r for r in named if r.evidence.start < q.evidence.start]
    pool = before or named
    return max(pool, key=lambda r: r.evidence.start) if pool else None


def _order(v: ClaimValue) -> tuple[str, str, str, int]:
    return (v.as_of.start or "9999-12-31", claimant_key(v), v.article_id, v.quantity.evidence.start)


def timeline(values: Sequence[ClaimValue], *, measure: str, unit: str, region: str | None) -> Timeline:
    """The values in order; one figure found twice (two cues of one claimant in one
    sentence) is kept once."""
    key = f"{measure}|{unit}|{region}"
    unique: dict[tuple[str, str, int], ClaimValue] = {}
    for v in sorted(values, key=lambda v: (_order(v), v.claim_id)):
        unique.setdefault((claimant_key(v), v.article_id, v.quantity.evidence.start), v)
    values = list(unique.values())
    return Timeline(id="tl" + hashlib.sha256(key.encode()).hexdigest()[:22], measure=measure, unit=unit,
                    region=region, values=tuple(sorted(values, key=_order)))


def as_of_day(v: ClaimValue) -> dt.date | None:
    """The day a value speaks of (None when its as-of date is unknown or not a date)."""
    try:
        return dt.date.fromisoformat(v.as_of.start[:10]) if v.as_of.start else None
    except ValueError:
        return None


def _same_line(a: ClaimValue, b: ClaimValue, *, keys: tuple[str, str] | None = None) -> bool:
    """One claimant, or one belligerent side: a new value is an update, not a dispute.
    ``keys``: the two claimant keys, when the caller has them already."""
    ka, kb = keys if keys is not None else (claimant_key(a), claimant_key(b))
    if ka == kb:
        return True
    return a.claimant.side == b.claimant.side and a.claimant.side in ("RU", "UA")


def _subjects_differ(a: ClaimValue, b: ClaimValue) -> bool:
    sa, sb = a.quantity.subject_side, b.quantity.subject_side
    return sa is not None and sb is not None and sa != sb and "unknown" not in (sa, sb)


def _comparable(line: Timeline, a: ClaimValue, b: ClaimValue) -> bool:
    """Figures of the "other" measure (none of the vocabulary's) speak of one thing only when one
    report sets them side by side; across reports nothing says they count the same thing."""
    return line.measure != "other" or a.origin == b.origin


def same_time(a: ClaimValue, b: ClaimValue, *, days: tuple[dt.date | None, dt.date | None] | None = None) -> bool:
    """As-of dates at most a reporting week apart, or both unknown in one article (an
    undated roundup sets the two sides' figures side by side, as they stand).
    ``days``: the two as-of days (:func:`as_of_day`), when the caller has them already."""
    da, db = days if days is not None else (as_of_day(a), as_of_day(b))
    if da is None and db is None:
        return a.origin == b.origin
    return da is not None and db is not None and abs((da - db).days) <= SAME_TIME_DAYS


def contradictions(line: Timeline) -> list[Disagreement]:
    """Updates along each claimant's or side's line, and disagreements between lines."""
    values = line.values
    # every pair is compared: each value's claimant key and day are worked out once
    keys = [claimant_key(v) for v in values]
    days = [as_of_day(v) for v in values]
    out: dict[str, Disagreement] = {}
    for i, a in enumerate(values):
        for j in range(i + 1, len(values)):
            b = values[j]
            if agree(a, b) or _subjects_differ(a, b) or not _comparable(line, a, b):
                continue
            if _same_line(a, b, keys=(keys[i], keys[j])):
                continue
            if same_time(a, b, days=(days[i], days[j])):
                _add(out, line, "disputed", a, b, f"{_who(a)} and {_who(b)} give values that do not meet "
                     f"within {SAME_TIME_DAYS} day(s) of each other")
    for a, b in (step for step in _updates(values) if _comparable(line, *step)):
        _add(out, line, "updated", a, b, f"{_who(b)} gives a new value after {_who(a)}")
    return sorted(out.values(), key=lambda d: (d.status, _order(d.a), _order(d.b)))


def _updates(values: Sequence[ClaimValue]) -> list[tuple[ClaimValue, ClaimValue]]:
    """Consecutive changes of value along each line (copies of one figure are one step)."""
    lines: dict[str, list[ClaimValue]] = {}
    for v in values:
        if as_of_day(v) is None:  # a figure that cannot be placed in time updates nothing
            continue
        side = v.claimant.side
        lines.setdefault(side if side in ("RU", "UA") else claimant_key(v), []).append(v)
    steps = []
    for line in lines.values():
        previous: ClaimValue | None = None
        for v in line:
            if previous is not None and not agree(previous, v) and not _subjects_differ(previous, v):
                steps.append((previous, v))
            previous = v
    return steps


def _who(v: ClaimValue) -> str:
    return f"{v.claimant.name} ({v.claimant.side}, {v.as_of.start or 'date unknown'}: {v.quantity.evidence.text!r})"


def _add(out: dict[str, Disagreement], line: Timeline, status: str, a: ClaimValue, b: ClaimValue, reason: str) -> None:
    # copies of one figure (the same claimant, value and day) are one disagreement
    key = "|".join((status, claimant_key(a), str(a.low), str(a.high), a.as_of.start or "",
                    claimant_key(b), str(b.low), str(b.high), b.as_of.start or ""))
    if key not in out:
        out[key] = Disagreement(id="dg" + hashlib.sha256(f"{line.id}|{key}".encode()).hexdigest()[:22],
                                status=status, measure=line.measure, unit=line.unit, region=line.region,
                                a=a, b=b, reason=reason)
