"""Places end to end with the real parser and the installation's gazetteer, on articles
written for these tests (other villages, regions and homonyms than the seed's)."""

from __future__ import annotations

import pytest

from fogofwar import nlp, places
from fogofwar.clean import article_id
from fogofwar.gazetteer import open_gazetteer
from fogofwar.records import Article

from ..conftest import SEED

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def gaz():  # noqa: ANN201
    g = open_gazetteer()
    yield g
    g.close()


def mentions(text: str, gaz) -> dict[str, object]:  # noqa: ANN001
    article = Article(id=article_id(text), text=text)
    return {m.evidence.text: m for m in places.find_mentions(article, nlp.load()(text), gaz)}


PARAPHRASE = (
    "Kyiv was caught off guard by Moscow's new push along the northern border on Tuesday.\n"
    "The Russian defence ministry said 46 drones were destroyed over the Bryansk, Oryol and Lipetsk regions.\n"
    "Ukrainian troops were pushed back in the Bryansk region, including at Verkhnyaya Zarechnaya Sloboda.\n"
    "Security was tightened at the Novovoronezh nuclear power plant, the regional governor said.\n"
)


def test_paraphrase_regions_metonyms_village_and_facility(gaz) -> None:  # noqa: ANN001
    found = mentions(PARAPHRASE, gaz)
    assert [found[n].place.admin1 for n in ("Bryansk", "Oryol", "Lipetsk")] == ["RU-BRY", "RU-ORL", "RU-LIP"]
    assert all(found[n].precision == "adm1" for n in ("Bryansk", "Oryol", "Lipetsk"))
    assert found["Kyiv"].kind == "metonym" and found["Moscow"].kind == "metonym"
    village = found["Verkhnyaya Zarechnaya Sloboda"]
    assert village.place is not None and village.place.admin1 == "RU-BRY" and village.precision == "adm1"
    plant = found["Novovoronezh nuclear power plant"]
    assert plant.kind == "facility" and plant.place.admin1 == "RU-VOR"
    assert plant.place.latitude is None or plant.precision == "point"  # no town coordinates passed off as the plant's


def test_homonym_follows_context(gaz) -> None:  # noqa: ANN001
    text = ("Russian troops pressed toward Pokrovsk in the Donetsk region, Ukrainian officials said, "
            "and families were told to leave Myrnohrad.")
    assert mentions(text, gaz)["Pokrovsk"].place.admin1 == "UA-14"


def test_unknown_name_with_nothing_placing_it_is_not_invented(gaz) -> None:  # noqa: ANN001
    found = mentions("Fighting flared at Zabolotnaya Gorka, a commander said.", gaz)
    village = found["Zabolotnaya Gorka"]
    assert village.place is None and village.precision == "unknown"


@pytest.mark.skipif(not SEED.is_file(), reason="the shared seed article is not beside this checkout")
def test_seed_places(gaz) -> None:  # noqa: ANN001
    from fogofwar.clean import clean
    from fogofwar.config import Settings
    from fogofwar.records import RawDocument

    article = clean(RawDocument(source="seed", content=SEED.read_bytes()), settings=Settings()).article
    found = [m for m in places.find_mentions(article, nlp.load()(article.text), gaz)]
    by = {}
    for m in found:
        by.setdefault(m.evidence.text, []).append(m)
    assert {m.place.admin1 for n in ("Kursk", "Voronezh", "Belgorod", "Nizhny Novgorod") for m in by[n]
            if m.precision == "adm1"} >= {"RU-KRS", "RU-VOR", "RU-BEL", "RU-NIZ"}
    assert by["Moscow"][0].kind == "metonym" and any(m.kind == "metonym" for m in by["Kyiv"])
    (village,) = by["Russkoye Porechnoye"]
    assert village.place.admin1 == "RU-KRS" and village.precision in ("adm1", "adm2")
    plants = by["Kursk nuclear power plant"]
    # the plant is in the gazetteer (data/features.json): its own site, 40 km from the city it is named after
    assert all(m.kind == "facility" and m.place.admin1 == "RU-KRS" and m.precision == "point"
               and abs(m.place.latitude - 51.68) < 0.1 and abs(m.place.longitude - 35.61) < 0.1 for m in plants)


def test_a_capital_that_gives_a_figure_is_its_government_not_the_place(gaz) -> None:  # noqa: ANN001
    found = mentions("The official toll from Moscow was 14 dead. A statement by Kyiv followed. "
                     "A train from Kyiv reached Lviv.", gaz)
    assert found["Moscow"].kind == "metonym"
    kyiv = [m for m in places.find_mentions(Article(id="k", text="A statement by Kyiv followed. A train from Kyiv "
                                                    "reached Lviv."), nlp.load()("A statement by Kyiv followed. "
                                                                                  "A train from Kyiv reached Lviv."),
                                            gaz) if m.evidence.text == "Kyiv"]
    assert [m.kind for m in kyiv] == ["metonym", "toponym"]


def test_a_capital_standing_for_its_government_does_not_pull_namesakes_near_it(gaz) -> None:  # noqa: ANN001
    found = mentions("Moscow said its units broke into the village of Zarechye north of Kupiansk "
                     "in the Kharkiv region on Monday.", gaz)
    assert found["Moscow"].kind == "metonym"
    village = found["Zarechye"]
    assert village.place is not None and village.place.admin1 == "UA-63" and village.precision in ("adm1", "near")


def test_suppliers_abbreviations_and_weapon_names(gaz) -> None:  # noqa: ANN001
    found = mentions("KHERSON, Ukraine, Nov 3 (Lowland Wire) - Ukraine hit a Russian radar with French-made "
                     "missiles and US and German long-range weapons, while a Pantsir battery fired back. "
                     "Russia said the strike failed. Russian missiles struck Kherson, and Russia vowed more. "
                     "Talks with the UK stalled.", gaz)
    assert found["French"].place.country == "FR" and found["French"].kind == "demonym"
    assert found["US"].place.country == "US" and found["US"].precision == "country"  # not Us, a French village
    assert found["German"].place.country == "DE"
    assert found["UK"].place.country == "GB"
    assert "Nov" not in found and "Pantsir" not in found
    # a party's own weapons name who fired, not a place
    assert all(m.evidence.text != "Russian" or m.kind != "demonym" for m in [found.get("Russian")] if m)


def test_a_listed_town_far_from_its_list_keeps_its_name_and_a_district_its_city(gaz) -> None:  # noqa: ANN001
    found = mentions("Aid convoys left for the Izium and Pokrovsk areas on Friday.\n"
                     "Kharkiv's mayor said a drone hit a house in the Kyivskyi district of the city.", gaz)
    assert found["Pokrovsk"].place.admin1 == "UA-14" and found["Pokrovsk"].precision == "point"
    assert found["Kyivskyi district"].place.admin1 == "UA-63"


def test_villages_listed_after_a_settlement_word_are_kept_in_their_region(gaz) -> None:  # noqa: ANN001
    found = mentions("Units of the Sever group fought in the Kursk region on Monday. Attacks were repelled near "
                     "the settlements of Zarechnaya Sloboda and Verkhnyaya Kamenka.", gaz)
    for name in ("Zarechnaya Sloboda", "Verkhnyaya Kamenka"):
        assert found[name].place is not None and found[name].place.admin1 == "RU-KRS", name
        assert found[name].precision in ("adm1", "adm2")


def test_common_words_and_vehicle_names_that_are_also_tiny_places_are_not_places(gaz) -> None:  # noqa: ANN001
    found = mentions("GENERAL STAFF OF THE ARMED FORCES OF UKRAINE\nSouth of Pokrovsk a Bradley was lost. "
                     "Situation Note No. 14 from the UN Human Rights Monitoring Mission.", gaz)
    assert not {"OF", "South", "Bradley", "No", "UN", "Human", "Mission"} & set(found)
    assert found["Pokrovsk"].place.admin1 == "UA-14"
