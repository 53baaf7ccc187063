"""Time words: the date a sentence names, resolved against the publication date.

dateparser resolves weekdays but not "since 6 August", and guesses a year when none is
given; here nothing is guessed. A date without a year takes the publication's year (the
latest such day not more than ``FUTURE_SLACK_DAYS`` after publication); in an undated
article it stays unknown. Dates that bound a period ("since 6 August", "from 6 to 12
August", "until Friday") say when something began or ends, not when it stood, and are
skipped.
"""

from __future__ import annotations

import datetime as dt
import re

from .records import DateValue, Evidence

__all__ = ["resolve", "month_named", "FUTURE_SLACK_DAYS"]

FUTURE_SLACK_DAYS = 2  # a report dated the 19th may speak of the 20th in another time zone
_MONTHS = {m: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), 1) for m in names}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_PERIOD_START = re.compile(r"\b(?:since|from|between|until|till|before|after|by)\s+(?:early\s+|late\s+|mid-?)?$", re.I)
_WEEKDAY = re.compile(r"\b(?:on\s+|last\s+|early\s+on\s+|late\s+on\s+)?(?P<weekday>" + "|".join(_WEEKDAYS) + r")\b", re.I)
_TODAY = re.compile(r"\b(?:today|this morning|this afternoon|this evening|since the start of the day)\b", re.I)
_YESTERDAY = re.compile(r"\b(?:yesterday|last night)\b", re.I)
_OVERNIGHT = re.compile(r"\bovernight\b", re.I)


def _explicit_patterns() -> re.Pattern[str]:
    # two alternatives share group names: compile each on its own
    day_first = rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}\b"
    month_first = rf"\b{_MONTH}\s+{_DAY}(?![\d:]){_YEAR}\b"
    return re.compile(f"(?:{day_first})|(?:{month_first.replace('?P<', '?P<m_')})", re.I)


_DATES = _explicit_patterns()
_RANGE = re.compile(rf"\b(?:between|from)\s+(?P<first>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:and|to)\s+{_DAY}\s+{_MONTH}{_YEAR}\b",
                    re.I)


def _bounds_a_period(sentence: str, start: int) -> bool:
    return bool(_PERIOD_START.search(sentence[max(0, start - 24):start]))


def _year(month: int, day: int, year: int | None, published: dt.date | None, given: int | None = None) -> int | None:
    if year is not None:
        return year
    if published is None:
        return given  # no publication date: the year the text itself gave, never a guessed one
    try:
        late = dt.date(published.year, month, day) > published + dt.timedelta(days=FUTURE_SLACK_DAYS)
    except ValueError:
        return None
    return published.year - 1 if late else published.year


def _iso(year: int | None, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat() if year is not None else None
    except ValueError:
        return None


def _explicit(sentence: str, published: dt.date | None, given: int | None = None) -> tuple[DateValue, int, int] | None:
    for m in _RANGE.finditer(sentence):
        month = _MONTHS[m.group("month").lower().rstrip(".")]
        year = _year(month, int(m.group("day")), int(m.group("year")) if m.group("year") else None, published, given)
        first, last = _iso(year, month, int(m.group("first"))), _iso(year, month, int(m.group("day")))
        if first and last and first <= last:
            return DateValue(start=first, end=last, precision="days"), m.start(), m.end()
    for m in _DATES.finditer(sentence):
        if _bounds_a_period(sentence, m.start()):
            continue
        g = {k.removeprefix("m_"): v for k, v in m.groupdict().items() if v is not None}
        if g["month"] == "may":  # the verb, not the month
            continue
        month, day = _MONTHS[g["month"].lower().rstrip(".")], int(g["day"])
        when = _iso(_year(month, day, int(g["year"]) if "year" in g else None, published, given), month, day)
        if when:
            return DateValue(start=when, end=when, precision="day"), m.start(), m.end()
    return None


def resolve(sentence: str, published: str | None, *, article_id: str | None = None, offset: int = 0,
            given_year: int | None = None) -> DateValue:
    """The date the sentence names, or an unknown DateValue when it names none. With an
    article id, the date carries the words it came from (``offset`` is the sentence's).
    ``given_year``: in an undated article, the year its text gave last ("On 6 August 2024, ...");
    a day and month named later take it, relative words stay unknown."""
    day = None
    if published:
        try:
            day = dt.date.fromisoformat(published[:10])
        except ValueError:
            day = None
    found = _explicit(sentence, day, given_year)
    if found is None and day is not None:
        found = _relative(sentence, day)
    if found is None:
        return DateValue()
    value, start, end = found
    if article_id is None:
        return value
    return DateValue(start=value.start, end=value.end, precision=value.precision, evidence=Evidence(
        article_id=article_id, start=offset + start, end=offset + end, text=sentence[start:end]))


_IN_MONTH = re.compile(rf"\b(?:in|during|throughout|(?:in\s+)?(?:early|mid-?|late)|(?:at\s+)?the\s+(?:start|"
                       rf"beginning|middle|end)\s+of)\s+{_MONTH}(?:\s+(?P<year>(?:19|20)\d\d))?\b(?!\s+[0-3]?\d\b)",
                       re.I)


def month_named(sentence: str, published: str | None, *, given_year: int | None = None) -> DateValue:
    """A month the sentence names as when something happened ("captured in August", "in early
    June 2023"), with month precision; the year is the one named, else the latest such month
    by the publication date (or the year an undated text gave); unknown when there is none."""
    day = dt.date.fromisoformat(published[:10]) if published else None
    for m in _IN_MONTH.finditer(sentence):
        if m.group("month").lower() == "may" and not m.group(0).lower().startswith(("in may", "during may")):
            continue
        month = _MONTHS[m.group("month").lower().rstrip(".")]
        year = int(m.group("year")) if m.group("year") else _year(month, 1, None, day, given_year)
        if year is None:
            return DateValue()
        last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
        return DateValue(start=dt.date(year, month, 1).isoformat(), end=dt.date(year, month, last).isoformat(),
                         precision="month")
    return DateValue()


def _relative(sentence: str, day: dt.date) -> tuple[DateValue, int, int] | None:
    for m in _WEEKDAY.finditer(sentence):
        if _bounds_a_period(sentence, m.start()):
            continue
        back = (day.weekday() - _WEEKDAYS.index(m.group("weekday").lower())) % 7
        when = (day - dt.timedelta(days=back)).isoformat()
        return DateValue(start=when, end=when, precision="day"), m.start(), m.end()
    m = _TODAY.search(sentence)
    if m:
        return DateValue(start=day.isoformat(), end=day.isoformat(), precision="day"), m.start(), m.end()
    m = _YESTERDAY.search(sentence)
    if m:
        when = (day - dt.timedelta(days=1)).isoformat()
        return DateValue(start=when, end=when, precision="day"), m.start(), m.end()
    m = _OVERNIGHT.search(sentence)  # the night before the report: two days
    if m:
        return DateValue(start=(day - dt.timedelta(days=1)).isoformat(), end=day.isoformat(),
                         precision="days"), m.start(), m.end()
    return None
