"""Geoparsing with a gazetteer and a parse built by hand (no model, no cache)."""

from __future__ import annotations

import pytest

from fogofwar import places
from fogofwar.clean import article_id
from fogofwar.records import Article, Place

KURSK_OBL = Place(id="iso3166-2:RU-KRS", name="Kursk Oblast", kind="adm1", country="RU", admin1="RU-KRS",
                  latitude=51.5, longitude=36.0)
BELGOROD_OBL = Place(id="iso3166-2:RU-BEL", name="Belgorod Oblast", kind="adm1", country="RU", admin1="RU-BEL",
                     latitude=50.7, longitude=37.0)
MOSCOW_OBL = Place(id="iso3166-2:RU-MOS", name="Moscow Oblast", kind="adm1", country="RU", admin1="RU-MOS",
                   latitude=55.5, longitude=37.5)
KURSK = Place(id="g:1", name="Kursk", kind="populated", country="RU", admin1="RU-KRS", latitude=51.73,
              longitude=36.19, population=440000)
BELGOROD = Place(id="g:2", name="Belgorod", kind="populated", country="RU", admin1="RU-BEL", latitude=50.6,
                 longitude=36.59, population=390000)
SUDZHA = Place(id="g:3", name="Sudzha", kind="populated", country="RU", admin1="RU-KRS", latitude=51.19,
               longitude=35.27, population=5000)
KORENEVO_K = Place(id="g:4", name="Korenevo", kind="populated", country="RU", admin1="RU-KRS", latitude=51.41,
                   longitude=34.91, population=5500)
KORENEVO_M = Place(id="g:5", name="Korenevo", kind="populated", country="RU", admin1="RU-MOS", latitude=55.67,
                   longitude=37.9, population=9000)
MOSCOW = Place(id="g:6", name="Moscow", kind="populated", country="RU", admin1="RU-MOW", latitude=55.75,
               longitude=37.62, population=12_000_000)
VLADIMIR = Place(id="g:7", name="Vladimir", kind="populated", country="RU", admin1="RU-VLA", latitude=56.1,
                 longitude=40.4, population=350000)
RUSSIA = Place(id="country:RU", name="Russia", kind="country", country="RU")
UKRAINE = Place(id="country:UA", name="Ukraine", kind="country", country="UA")


class FakeGazetteer:
    version = "fake-1"
    names = {
        "kursk": [KURSK, KURSK_OBL], "kursk region": [KURSK_OBL], "kursk oblast": [KURSK_OBL],
        "belgorod": [BELGOROD, BELGOROD_OBL], "belgorod region": [BELGOROD_OBL], "sudzha": [SUDZHA],
        "korenevo": [KORENEVO_M, KORENEVO_K], "moscow": [MOSCOW, MOSCOW_OBL], "moscow region": [MOSCOW_OBL],
        "vladimir": [VLADIMIR], "russia": [RUSSIA], "ukraine": [UKRAINE],
    }

    def lookup_many(self, names: list[str]) -> dict[str, list[Place]]:
        return {n: self.names[n.casefold()] for n in names if n.casefold() in self.names}

    def lookup(self, name: str) -> list[Place]:
        return self.names.get(name.casefold(), [])

    def division(self, code: str) -> Place | None:
        return {"RU-KRS": KURSK_OBL, "RU-BEL": BELGOROD_OBL, "RU-MOS": MOSCOW_OBL}.get(code)

    def country(self, code: str) -> Place | None:
        return {"RU": RUSSIA, "UA": UKRAINE}.get(code)


def doc_for(text: str, ents: list[tuple[str, str]] = (), pos: dict[str, str] | None = None):  # noqa: ANN201
    """A spaCy Doc built by hand: whitespace tokens, the given entities and POS tags."""
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    import re

    pieces = re.findall(r"\w+(?:[-'’]\w+)*|[^\w\s]|\n", text)  # a line break is a token of its own
    words, spaces, pos_tags, cursor = [], [], [], 0
    for p in pieces:
        at = text.index(p, cursor)
        cursor = at + len(p)
        words.append(p)
        spaces.append(text[cursor:cursor + 1] == " ")
        pos_tags.append((pos or {}).get(p, "PROPN" if p[:1].isupper() else "NOUN"))
    doc = Doc(Vocab(), words=words, spaces=spaces, pos=pos_tags,
              sent_starts=[i == 0 or words[i - 1] in ".\n" for i in range(len(words))])
    spans = []
    for ent_text, label in ents:
        start = doc.text.index(ent_text)
        spans.append(doc.char_span(start, start + len(ent_text), label=label))
    doc.ents = spans
    return doc


def find(text: str, **kw: object) -> list:
    article = Article(id=article_id(text), text=text)
    return places.find_mentions(article, doc_for(text, **kw), FakeGazetteer())


def by_text(mentions: list) -> dict[str, object]:
    return {m.evidence.text: m for m in mentions}


def test_region_words_pick_the_division_and_bare_names_the_city() -> None:
    found = by_text(find("Fighting spread across the Kursk region. Kursk itself was calm."))
    assert found["Kursk region"].place == KURSK_OBL and found["Kursk region"].precision == "adm1"
    assert found["Kursk"].place == KURSK and found["Kursk"].precision == "point"


def test_shared_name_follows_the_article_context() -> None:
    found = by_text(find("Troops advanced in the Kursk region. Shelling hit Korenevo overnight."))
    assert found["Korenevo"].place == KORENEVO_K
    found = by_text(find("Drones were downed over the Moscow region. Debris fell on Korenevo."))
    assert found["Korenevo"].place == KORENEVO_M


def test_nested_governor_resolves_to_the_region() -> None:
    found = by_text(find("Belgorod governor Vyacheslav Gladkov declared an emergency.",
                         ents=[("Vyacheslav Gladkov", "PERSON")]))
    assert found["Belgorod"].kind == "nested" and found["Belgorod"].place == BELGOROD_OBL


def test_facility_missing_from_gazetteer_is_placed_in_its_region_not_the_town() -> None:
    found = by_text(find("Security was raised at the Kursk nuclear power plant."))
    plant = found["Kursk nuclear power plant"]
    assert plant.kind == "facility" and plant.place == KURSK_OBL and plant.precision == "adm1"


def test_facility_in_gazetteer_is_itself() -> None:
    plant = Place(id="g:9", name="Kursk Nuclear Power Plant", kind="facility", country="RU", admin1="RU-KRS",
                  latitude=51.67, longitude=35.6)

    class Gaz(FakeGazetteer):
        names = {**FakeGazetteer.names, "kursk nuclear power plant": [plant]}

    text = "Security was raised at the Kursk nuclear power plant."
    article = Article(id=article_id(text), text=text)
    (m,) = places.find_mentions(article, doc_for(text), Gaz())
    assert m.place == plant and m.precision == "point"


MILLEROVO = Place(id="g:10", name="Millerovo", kind="populated", country="RU", admin1="RU-ROS", latitude=48.92,
                  longitude=40.4, population=35000)
AZOV_SEA = Place(id="feature:sea-of-azov", name="Sea of Azov", kind="water", latitude=46.1, longitude=36.6)
DONETS = Place(id="feature:donets", name="Donets River", kind="water", country="RU", admin1="RU-BEL",
               latitude=50.5, longitude=36.7)


EUROPE = Place(id="feature:europe", name="Europe", kind="area", latitude=50.0, longitude=15.0)
RU_UA_BORDER = Place(id="feature:border-RU-UA", name="Russia-Ukraine border", kind="area", latitude=50.4,
                     longitude=36.5)
BATTLE_GB = Place(id="g:11", name="Battle", kind="populated", country="GB", admin1="GB-ESX", latitude=50.92,
                  longitude=0.48, population=6000)
ASH_COUNTY = Place(id="g:12", name="Ash County", kind="adm2", country="US", admin1="US-NC")
IVANOVKA_FAR = Place(id="g:13", name="Ivanovka", kind="populated", country="RU", admin1="RU-AMU", latitude=50.3,
                     longitude=127.9, population=4000)


LUHANSK_OBL = Place(id="iso3166-2:UA-09", name="Luhanska oblast", kind="adm1", country="UA", admin1="UA-09")
QATAR = Place(id="iso3166-1:QA", name="Qatar", kind="country", country="QA")
ROSTOV_ON_DON = Place(id="g:14", name="Rostov-on-Don", kind="populated", country="RU", admin1="RU-ROS",
                      latitude=47.23, longitude=39.72, population=1_100_000)
OSKIL_RESERVOIR = Place(id="feature:oskil-reservoir", name="Oskil Reservoir", kind="water", country="UA",
                        admin1="UA-63", latitude=49.6, longitude=37.7)
OSKIL = Place(id="g:15", name="Oskil", kind="populated", country="UA", admin1="UA-63", latitude=49.32,
              longitude=37.66, population=1500)
LUG_FAR = Place(id="g:16", name="Lug", kind="populated", country="RU", admin1="RU-LEN", latitude=59.0,
                longitude=29.0, population=900)


SUDZHA_DISTRICT = Place(id="g:17", name="Sudzhanskiy Rayon", kind="adm2", country="RU", admin1="RU-KRS")
LIPOVKA_BEL = Place(id="g:18", name="Lipovka", kind="populated", country="RU", admin1="RU-BEL", latitude=50.9,
                    longitude=37.1, population=3000)
LIPOVKA_KRS = Place(id="g:19", name="Lipovka", kind="populated", country="RU", admin1="RU-KRS", latitude=51.2,
                    longitude=35.5, population=600)


GRUSHOVO = Place(id="g:20", name="Grushovo", kind="populated", country="RU", admin1="RU-KRS", latitude=51.4,
                 longitude=34.8, population=2000)


ZARECHNOYE_AMU = Place(id="g:21", name="Zarechnoye", kind="populated", country="RU", admin1="RU-AMU",
                       latitude=50.5, longitude=128.0, population=2500)
ZARECHNOYE_NVS = Place(id="g:22", name="Zarechnoye", kind="populated", country="RU", admin1="RU-NVS",
                       latitude=55.0, longitude=82.9, population=1800)


class FeatureGazetteer(FakeGazetteer):
    names = {**FakeGazetteer.names, "millerovo": [MILLEROVO], "sea of azov": [AZOV_SEA], "donets": [DONETS],
             "battle": [BATTLE_GB], "ash": [ASH_COUNTY], "ivanovka": [IVANOVKA_FAR],
             "luhansk people's republic": [LUHANSK_OBL], "qatar": [QATAR], "rostov-on-don": [ROSTOV_ON_DON],
             "oskil reservoir": [OSKIL_RESERVOIR], "oskil": [OSKIL], "lug": [LUG_FAR],
             "sudzha district": [SUDZHA_DISTRICT], "lipovka": [LIPOVKA_BEL, LIPOVKA_KRS], "grushovo": [GRUSHOVO],
             "zarechnoye": [ZARECHNOYE_AMU, ZARECHNOYE_NVS]}

    def get(self, place_id: str) -> Place | None:
        return {p.id: p for p in (EUROPE, RU_UA_BORDER)}.get(place_id)


def find_features(text: str, **kw: object) -> dict[str, object]:
    article = Article(id=article_id(text), text=text)
    return by_text(places.find_mentions(article, doc_for(text, **kw), FeatureGazetteer()))


def test_facility_named_after_a_small_town_lies_near_it() -> None:
    found = find_features("Drones struck the Millerovo air base before dawn.")
    base = found["Millerovo air base"]
    assert base.kind == "facility" and base.place == MILLEROVO and base.precision == "near"
    assert "named after Millerovo" in base.reason


def test_seas_and_rivers_are_vague_and_a_fleet_is_nested() -> None:
    found = find_features("Patrol boats crossed the Sea of Azov. A bridge over the Donets was hit near Belgorod.")
    assert found["Sea of Azov"].place == AZOV_SEA and found["Sea of Azov"].precision == "vague"
    assert found["Donets"].place == DONETS and found["Donets"].precision == "vague"
    fleet = find_features("Ships of the Sea of Azov Flotilla fired on the coast.")["Sea of Azov"]
    assert fleet.kind == "nested" and fleet.precision == "vague"


def test_coordinated_names_before_a_plural_division_word_are_regions() -> None:
    found = by_text(find("Drones were downed over the Kursk, Belgorod and Moscow regions."))
    assert [found[n].place for n in ("Kursk", "Belgorod", "Moscow")] == [KURSK_OBL, BELGOROD_OBL, MOSCOW_OBL]


def test_capital_as_a_location_is_not_a_metonym() -> None:
    found = by_text(find("Talks were held in Moscow on Friday."))
    assert found["Moscow"].kind == "toponym"


def test_village_missing_from_gazetteer_is_placed_in_its_region() -> None:
    text = "Russian forces repelled attacks in the Kursk region, including at Russkoye Porechnoye."
    found = by_text(find(text, ents=[("Russkoye Porechnoye", "ORG"), ("Russian", "NORP")]))
    village = found["Russkoye Porechnoye"]
    assert village.place == KURSK_OBL and village.precision == "adm1"


def test_village_missing_from_gazetteer_takes_the_region_its_paragraph_opened_with() -> None:
    text = ("Army units kept up the pressure in the Belgorod direction over the past day, the ministry said.\n"
            "According to the ministry, an assault group was destroyed near Dubovka overnight.\n"
            "Separately, officials in Kursk said a drone had fallen near Ivnitsa.")
    found = by_text(find(text, ents=[("Dubovka", "GPE"), ("Ivnitsa", "GPE")]))
    assert found["Dubovka"].place == BELGOROD_OBL and found["Dubovka"].precision == "adm1"
    assert "the text places it in RU-BEL" in found["Dubovka"].reason
    # a place its own sentence names comes first
    assert found["Ivnitsa"].place == KURSK_OBL


def test_unplaceable_village_stays_unresolved() -> None:
    found = by_text(find("Fighting was reported at Zvannoye and in Belgorod and Kursk.",
                         ents=[("Zvannoye", "GPE")]))
    assert found["Zvannoye"].place is None and found["Zvannoye"].precision == "unknown"


def test_common_word_opening_a_sentence_is_not_a_place() -> None:
    class Gaz(FakeGazetteer):
        names = {**FakeGazetteer.names, "police": [VLADIMIR]}

    text = "Police said the road to Sudzha was closed."
    article = Article(id=article_id(text), text=text)
    found = by_text(places.find_mentions(article, doc_for(text, pos={"Police": "NOUN"}), Gaz()))
    assert "Police" not in found and "Sudzha" in found


@pytest.mark.parametrize("text", ["", "no capitalised words here at all."])
def test_no_places(text: str) -> None:
    assert find(text) == []


def test_evidence_and_versions() -> None:
    (m,) = find("Sudzha was shelled.")
    assert m.evidence.text == "Sudzha" and m.versions.gazetteer == "fake-1"
    assert m.versions.lexicons == places.lexicon().version


def test_each_resolution_says_why_it_won() -> None:
    found = by_text(find("Troops advanced in the Kursk region. Shelling hit Korenevo overnight. "
                         "Fighting was reported at Zvannoye.", ents=[("Zvannoye", "GPE")]))
    assert "the text names a region" in found["Kursk region"].reason
    assert "in a region the article names (RU-KRS)" in found["Korenevo"].reason
    assert "best of 2 candidates" in found["Korenevo"].reason
    assert found["Zvannoye"].reason == "not in the gazetteer; the text places it in RU-KRS"


def test_demonym_before_adjectives_and_a_place_word_names_the_country() -> None:
    found = find_features("Drones struck Russian strategic airfields; Russian military bloggers were furious.",
                          pos={"strategic": "ADJ", "military": "ADJ"})
    (demonym,) = [m for m in found.values() if m.kind == "demonym"]
    assert demonym.evidence.start == 14 and demonym.place == RUSSIA
    text = "The freighter left Ukrainian territorial waters with Ukrainian grain and Ukrainian crew."
    mentions = places.find_mentions(Article(id=article_id(text), text=text),
                                    doc_for(text, pos={"territorial": "ADJ"}), FeatureGazetteer())
    assert [(m.evidence.start, m.place) for m in mentions] == [(19, UKRAINE), (53, UKRAINE)]  # not the crew
    assert find_features("An analyst at a European think tank said so.")["European"].place == EUROPE


def test_the_border_is_the_one_between_the_articles_two_countries() -> None:
    text = ("Ukraine shelled the Belgorod region and Kursk. Villages near the border were emptied; "
            "the border area is closed.")
    found = find_features(text, pos={"were": "AUX", "is": "AUX", "area": "NOUN"})
    border = found["the border"]
    assert border.place.id == RU_UA_BORDER.id and border.precision == "vague"
    assert border.place.country == "RU"  # the Belgorod side: the article names Russia's places most
    assert border.evidence.start == text.index("the border")  # "the border area" is not taken
    assert len([m for m in found.values() if m.place and m.place.id == RU_UA_BORDER.id]) == 1
    assert "the border" not in find_features("Villages near the border in the Belgorod region were emptied.",
                                             pos={"in": "ADP"})  # one country named: which border?


def test_far_namesake_without_a_place_cue_is_dropped_even_when_a_region_is_known() -> None:
    found = find_features("Troops advanced in the Kursk region, as in the Battle of Prokhorovka in 1943.")
    assert "Battle" not in found and found["Kursk region"].place == KURSK_OBL
    found = find_features("Troops advanced in the Kursk region. Shelling was reported at Ivanovka.")
    assert found["Ivanovka"].place == KURSK_OBL and found["Ivanovka"].precision == "adm1"
    found = find_features("Troops advanced in the Kursk region. In the area of Ivanovka, guns hit a column.",
                          ents=[("Ivanovka", "ORG")])  # the parser's label loses to the text's cue
    assert found["Ivanovka"].place == KURSK_OBL


def test_far_district_named_by_a_bare_word_is_not_a_place() -> None:
    found = find_features("Residents of the Kursk region marked Ash Wednesday quietly.")
    assert "Ash" not in found and "Kursk region" in found


def test_names_across_a_possessive_and_before_a_hyphened_word() -> None:
    found = find_features("Troops entered Stakhanov in the Luhansk People's Republic after a Qatar-brokered pause. "
                          "Trains left Rostov-on-Don.")
    assert found["Luhansk People's Republic"].place == LUHANSK_OBL
    assert found["Luhansk People's Republic"].precision == "adm1"
    assert found["Qatar"].place == QATAR and found["Rostov-on-Don"].place == ROSTOV_ON_DON


def test_a_reservoir_the_gazetteer_knows_is_water_not_a_site_by_its_namesake() -> None:
    found = find_features("Shelling was reported across the Oskil reservoir on Sunday.")
    water = found["Oskil reservoir"]
    assert water.place == OSKIL_RESERVOIR and water.kind == "toponym" and water.precision == "vague"


def test_a_place_naming_an_institution_is_kept_a_word_of_an_unknown_name_is_not() -> None:
    found = find_features("Missiles hit the Belgorod Military Institute, the governor said.")
    assert found["Belgorod"].place == BELGOROD
    found = find_features("Troops in the Kursk region shelled Zelyony Lug overnight.")
    assert "Lug" not in found
    found = find_features("Whether Ukraine can hold the Kursk region is unclear.")
    assert found["Ukraine"].place == UKRAINE


def test_the_division_after_a_name_decides_among_its_namesakes() -> None:
    found = find_features("Belgorod was quiet. Drones hit Lipovka, Sudzha district, overnight.")
    assert found["Lipovka"].place == LIPOVKA_KRS  # not the bigger one in the region the article names
    found = find_features("Belgorod was quiet. Drones hit Ivanovka in the Sudzha district overnight.",
                          ents=[("Ivanovka", "GPE")])
    assert found["Ivanovka"].place == KURSK_OBL and found["Ivanovka"].precision == "adm1"  # no namesake there


def test_a_name_keeps_its_place_through_the_article() -> None:
    text = ("Shelling was reported at Ivanovka in the Kursk region.\n"
            "Later, the Belgorod governor said drones had hit Ivanovka again.")
    mentions = places.find_mentions(Article(id=article_id(text), text=text), doc_for(text), FeatureGazetteer())
    assert [m.place for m in mentions if m.name == "Ivanovka"] == [KURSK_OBL, KURSK_OBL]


def test_a_region_past_a_clause_break_does_not_place_a_name_before_it() -> None:
    text = ("Troops in the Kursk region advanced.\n"
            "Shelling hit positions at Ivanovka, while the enemy pulled back towards the Belgorod region.")
    assert find_features(text)["Ivanovka"].place == KURSK_OBL


def test_unknown_villages_placed_by_the_fighting_a_list_or_an_apposition() -> None:
    text = ("Troops in the Kursk region advanced.\n"
            "Clashes were reported around Verkhnyaya Grunka, a small border hamlet. "
            "Fighting continues for Olkhovka and Zaoleshenka, and the enemy is retreating towards the Belgorod region.")
    found = find_features(text, ents=[("Olkhovka", "ORG"), ("Zaoleshenka", "GPE"), ("Verkhnyaya Grunka", "PERSON")])
    for name in ("Olkhovka", "Zaoleshenka", "Verkhnyaya Grunka"):
        assert found[name].place == KURSK_OBL and found[name].precision == "adm1", name
    # a person after a place and a comma is not a listed place; nothing cues a name opening a sentence
    text = "Officials in the Kursk region, Pavel Gromov said, were calm. Sumkino said nothing."
    found = find_features(text, ents=[("Pavel Gromov", "PERSON"), ("Sumkino", "ORG")])
    assert "Pavel Gromov" not in found and "Sumkino" not in found


def test_a_ukrainian_spelling_two_rules_away_from_the_gazetteer_form() -> None:
    found = find_features("Strikes hit a bridge near Hrushove in the Kursk region.")
    assert found["Hrushove"].place == GRUSHOVO and found["Hrushove"].precision == "near"


def test_an_ambiguous_name_in_a_list_takes_the_namesake_by_its_neighbours() -> None:
    found = find_features("In the Belgorod region and beyond, shelling hit Sudzha, Lipovka and Korenevo.",
                          ents=[("Sudzha", "GPE"), ("Korenevo", "GPE")])
    assert found["Lipovka"].place == LIPOVKA_KRS and found["Korenevo"].place == KORENEVO_K
    assert "nearest namesake to the places listed with it" in found["Lipovka"].reason


def test_an_ambiguous_name_listed_far_from_all_its_namesakes_is_an_unlisted_village() -> None:
    text = ("Officials in the Kursk region said shelling hit Sudzha and Zarechnoye overnight.\n"
            "By noon Zarechnoye had no power.")
    mentions = places.find_mentions(Article(id=article_id(text), text=text), doc_for(text), FeatureGazetteer())
    assert [(m.place, m.precision) for m in mentions if m.name == "Zarechnoye"] == [(KURSK_OBL, "adm1")] * 2


def test_a_name_opening_a_line_is_kept_when_the_article_capitalises_it_inside_a_sentence() -> None:
    text = "Sudzha direction: attacks near Sudzha were repelled.\nPolice said the road was closed."

    class Gaz(FeatureGazetteer):
        names = {**FeatureGazetteer.names, "police": [VLADIMIR]}

    doc = doc_for(text, pos={"Sudzha": "NOUN", "Police": "NOUN"})
    found = places.find_mentions(Article(id=article_id(text), text=text), doc, Gaz())
    assert [m.evidence.start for m in found if m.name == "Sudzha"] == [0, text.index("Sudzha", 5)]
    assert all(m.name != "Police" for m in found)


def test_an_unknown_name_said_to_lie_near_a_town_is_near_that_town() -> None:
    text = "Drones struck airfields at Millerovo and Kamenka near Belgorod, and Ivanovka in the Kursk region."
    found = find_features(text, ents=[("Kamenka", "ORG"), ("Millerovo", "GPE")])
    assert found["Kamenka"].place == BELGOROD and found["Kamenka"].precision == "near"
    assert "near Belgorod" in found["Kamenka"].reason
    # a far namesake qualified by a division it is not in is a village of that division, kept
    assert found["Ivanovka"].place == KURSK_OBL and found["Ivanovka"].precision == "adm1"


def test_a_people_in_the_plural_is_its_country_unless_it_is_a_party() -> None:
    poland = Place(id="iso3166-1:PL", name="Poland", kind="country", country="PL")
    finland = Place(id="iso3166-1:FI", name="Finland", kind="country", country="FI")

    class Gaz(FeatureGazetteer):
        def country(self, code: str) -> Place | None:
            return {"PL": poland, "FI": finland}.get(code) or super().country(code)

    text = ("Ukraine said Poles and Finns were among the volunteers near Kursk, "
            "while Russians and Ukrainians traded fire.")
    found = by_text(places.find_mentions(Article(id=article_id(text), text=text), doc_for(text), Gaz()))
    assert found["Poles"].place == poland and found["Poles"].kind == "demonym"
    assert found["Finns"].place == finland
    assert "Russians" not in found and "Ukrainians" not in found
