"""Quantities found by rules and the lexicon, on sentences written for these tests."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from fogofwar import quantities, vocab
from fogofwar.clean import article_id
from fogofwar.records import Article, Quantity

from ..conftest import SEED


def find(text: str, doc: object = None) -> list[Quantity]:
    return quantities.find_quantities(Article(id=article_id(text), text=text), doc)


def by_text(text: str, doc: object = None) -> dict[str, Quantity]:
    return {q.evidence.text: q for q in find(text, doc)}


def values(q: Quantity) -> tuple[str, str, float | None, float | None, float | None]:
    return q.unit, q.qualifier, q.low, q.best, q.high


def doc_for(text: str, heads: dict[str, str]):  # noqa: ANN201
    """A spaCy Doc built by hand: whitespace tokens, each word of ``heads`` a nummod of its value."""
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    words = text.replace(".", " .").split()
    index = {w: i for i, w in enumerate(words)}
    head_ids = [index.get(heads.get(w, ""), i) for i, w in enumerate(words)]
    deps = ["nummod" if w in heads else "dep" for w in words]
    return Doc(Vocab(), words=words, spaces=[w != words[-1] and words[i + 1] != "." for i, w in enumerate(words)],
               heads=head_ids, deps=deps)


# --- what is counted --------------------------------------------------------------------------


def test_the_counted_noun_after_names_and_adjectives_gives_the_unit() -> None:
    found = by_text("Air defences downed 86 Ukrainian drones and missiles over the Bryansk region, "
                    "and four Russian military airfields were hit.")
    assert values(found["86"]) == ("drones", "exact", 86, 86, 86)
    assert found["86"].measure == "drones_downed"
    assert found["four"].unit == "airfields"


@pytest.mark.parametrize(("sentence", "unit"), [
    ("Kyiv said 240 Russian prisoners of war were exchanged.", "prisoners"),
    ("The ministry said 19 settlements had been retaken.", "settlements"),
    ("Gunners destroyed 31 armoured vehicles near Toretsk.", "vehicles"),
    ("The enemy lost 680 servicemen in a day.", "soldiers"),
    ("Two Su-25s were shot down over Kherson region.", "aircraft"),
    ("Officials counted 23 damaged houses in Lyman.", "count"),
])
def test_nouns_map_to_units(sentence: str, unit: str) -> None:
    (q,) = find(sentence)
    assert q.unit == unit


def test_casualty_cues_in_the_clause_turn_persons_into_fatalities_and_injured() -> None:
    found = by_text("Eight civilians were killed and 19 injured, among them four children, the governor said. "
                    "A missile hit a bus stop in Nikopol, injuring three women.")
    assert values(found["Eight"]) == ("fatalities", "exact", 8, 8, 8)
    assert found["Eight"].measure == "civilian_fatalities"
    assert found["19"].unit == "injured" and found["four"].unit == "injured"
    assert found["three"].unit == "injured"


def test_soldiers_who_surrendered_are_prisoners() -> None:
    (q,) = find("A Ukrainian official said more than 60 Russian conscripts surrendered near Lgov.")
    assert values(q) == ("prisoners", "more_than", 60, None, None)
    assert q.evidence.text == "more than 60" and q.measure == "prisoners_taken"


def test_a_bare_number_takes_the_unit_of_the_figure_it_continues() -> None:
    found = find("The ministry said 52 drones were destroyed overnight: 30 over Oryol region, 12 over Tula "
                 "region and ten over Lipetsk region.")
    assert [(q.evidence.text, q.unit) for q in found] == [
        ("52", "drones"), ("30", "drones"), ("12", "drones"), ("ten", "drones")]


def test_a_bare_number_reads_its_context() -> None:
    found = by_text("The death toll from the strike on Lozova rose to nine on Sunday, up from six.")
    assert found["nine"].unit == "fatalities" and found["six"].unit == "fatalities"
    found = by_text("The governor put the number of villages under Ukrainian control at 41.")
    assert found["41"].unit == "settlements"
    found = by_text("Ukrainian forces intercepted 17 of 21 drones launched at Odesa, and nine out of 12 missiles.")
    assert found["17"].unit == "drones" and found["nine"].unit == "missiles"


def test_the_doc_helps_only_where_the_words_do_not() -> None:
    text = "Officials counted 12 badly burned tanks ."
    assert find(text)[0].unit == "count"
    assert find(text, doc_for(text, {"12": "tanks"}))[0].unit == "vehicles"


# --- qualifiers, ranges, vague and relative figures -------------------------------------------


@pytest.mark.parametrize(("sentence", "text", "expected"), [
    ("Moscow said more than 250 soldiers were killed.", "more than 250", ("fatalities", "more_than", 250, None, None)),
    ("Moscow said up to 250 soldiers were killed or wounded.", "up to 250", ("soldiers", "up_to", None, None, 250)),
    ("Their own channel admits 90 or more troops were lost.", "90 or more", ("soldiers", "at_least", 90, None, None)),
    ("The area they still hold is 400 square km at most.", "400 square km at most", ("km2", "up_to", None, None, 400)),
    ("At least 7 people died.", "At least 7", ("fatalities", "at_least", 7, None, None)),
    ("Fewer than 40 residents remain.", "Fewer than 40", ("people", "less_than", None, None, 40)),
    ("Kyiv lost up to 600 troops.", "up to 600", ("soldiers", "up_to", None, None, 600)),
    ("Around 15,000 people fled.", "Around 15,000", ("people", "approximately", None, 15000, None)),
    ("They held some 42 villages.", "some 42", ("settlements", "approximately", None, 42, None)),
    ("Russia occupies over 2,000 square kilometres there.", "over 2,000 square kilometres",
     ("km2", "more_than", 2000, None, None)),
    ("The rouble lost more than 6% this week.", "more than 6%", ("percent", "more_than", 6, None, None)),
])
def test_qualifiers_follow_the_scheme(sentence: str, text: str, expected: tuple) -> None:
    (q,) = find(sentence)
    assert q.evidence.text == text and values(q) == expected


@pytest.mark.parametrize(("sentence", "text", "low", "high", "unit"), [
    ("Units advanced from three to four km on Monday.", "from three to four km", 3, 4, "km"),
    ("They hold between 200 and 300 square kilometres.", "between 200 and 300 square kilometres", 200, 300, "km2"),
    ("Troops pushed 5-7 km toward Selydove.", "5-7 km", 5, 7, "km"),
    ("Between 3,000 and 3,500 people left.", "Between 3,000 and 3,500", 3000, 3500, "people"),
    ("Crews advanced 6 to 9 kilometres.", "6 to 9 kilometres", 6, 9, "km"),
])
def test_ranges(sentence: str, text: str, low: float, high: float, unit: str) -> None:
    (q,) = find(sentence)
    assert q.evidence.text == text and values(q) == (unit, "range", low, None, high)


def test_a_change_from_one_value_to_another_is_two_figures() -> None:
    found = by_text("The toll rose from 9 to 13 overnight.")
    assert values(found["9"]) == ("fatalities", "exact", 9, 9, 9)
    assert values(found["13"]) == ("fatalities", "exact", 13, 13, 13)


@pytest.mark.parametrize(("sentence", "text", "low", "high"), [
    ("Dozens of residents were hurt.", "Dozens", 24, 99),
    ("Several hundred troops crossed.", "Several hundred", 300, 900),
    ("Hundreds of drones were launched.", "Hundreds", 200, 999),
    ("Tens of thousands of people fled.", "Tens of thousands", 20000, 99999),
])
def test_vague_amounts(sentence: str, text: str, low: float, high: float) -> None:
    (q,) = find(sentence)
    assert q.evidence.text == text and (q.qualifier, q.low, q.best, q.high) == ("vague", low, None, high)


def test_relative_figures_name_the_figure_they_are_a_share_of() -> None:
    text = ("Syrskyi said his forces held 1,800 square kilometres. Analysts say they hold less than half "
            "of the 1,800 square kilometres claimed.")
    (_, rel, _) = find(text)
    assert rel.evidence.text == "less than half"
    assert values(rel) == ("km2", "relative", None, None, 0.5)
    assert rel.relative_to == "1,800 square kilometres" and rel.measure == "area_controlled_km2"


def test_a_bare_share_finds_its_figure_by_what_the_sentence_names() -> None:
    found = by_text("Authorities told about 8,000 residents of 14 villages to leave. "
                    "By Friday roughly half had gone.")
    assert values(found["roughly half"]) == ("people", "relative", None, 0.5, None)
    assert found["roughly half"].relative_to == "about 8,000"
    found = by_text("Kyiv claims 900 square kilometres and 60 villages. Critics put the area at about "
                    "a third of that figure.")
    assert found["about a third"].unit == "km2" and found["about a third"].best == 0.33


def test_multiples_and_shares_without_a_figure() -> None:
    found = by_text("Drones hit 40 homes in Sumy, twice as many as in Kharkiv.")
    assert found["twice"].relative_to == "40" and found["twice"].best == 2
    assert find("Half of August was quiet; the second half was not, and half an hour later it rained.") == []


# --- how numbers are written --------------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "text", "value"), [
    ("Some 2.5 million people live there.", "Some 2.5 million", 2_500_000),
    ("A total of 340,000 residents left.", "340,000", 340_000),
    ("Officials evacuated 1 500 people.", "1 500", 1500),
    ("Twenty-three drones were downed.", "Twenty-three", 23),
    ("The aid is worth $1.2 billion.", "$1.2 billion", 1_200_000_000),
    ("Kyiv registered two hundred and forty refugees.", "two hundred and forty", 240),
])
def test_number_formats(sentence: str, text: str, value: float) -> None:
    (q,) = find(sentence)
    assert q.evidence.text == text and value in (q.best, q.low)


@pytest.mark.parametrize("sentence", [
    "The invasion began in February 2022 and the talks failed in 2023.",
    "Fighting flared on 9 May and again on Sept 14 and 14.09.",
    "Sirens sounded at 11 p.m. and again at 21:40.",
    "The 3rd Assault Brigade held the line for a second week.",
    "A 61-year-old woman, aged 61, was among them.",
    "Russia used Tu-95 bombers, S-300 launchers and Ka-52 gunships.",
    "Ukraine invoked Article 51 of the charter.",
    "Residents can call the hotline on +380 44 555 1234 or 0 800 500 225.",
    "The offensive lasted three days and two weeks of shelling followed.",
    "1. According to the ministry, the attack was repelled.\nComments (412)",
    "It was one of the heaviest attacks, and the two sides traded blame; no one was hurt.",
])
def test_numbers_that_are_not_quantities(sentence: str) -> None:
    assert find(sentence) == []


# --- measures --------------------------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "measure"), [
    ("About 3,000 people were evacuated from Vovchansk.", "evacuated_people"),
    ("Ukraine controls 450 square kilometres of the region.", "area_controlled_km2"),
    ("The hryvnia fell 3% against the dollar.", "currency_change_percent"),
    ("The town lies 18 km from the border.", "distance_km"),
    ("Russian units advanced 4 km near Avdiivka.", "advance_km"),
    ("The army said it had lost 220 troops.", "losses_soldiers"),
    ("Nine missiles were intercepted overnight.", "missiles_downed"),
])
def test_measures_come_from_cues(sentence: str, measure: str) -> None:
    (q,) = find(sentence)
    assert q.measure == measure


def test_no_cue_no_measure_of_the_vocabulary() -> None:
    (q,) = find("A column of 15 trucks was seen near Izium.")
    assert q.unit == "vehicles" and q.measure == "other"  # not losses: nothing says they were hit
    (q,) = find("The brigade counted 15 of them near Izium.")
    assert q.unit == "count" and q.measure is None


def test_over_before_a_place_count_is_a_preposition() -> None:
    found = by_text("Russia said it downed 57 drones over six regions.")
    assert values(found["six"]) == ("count", "exact", 6, 6, 6)


# --- records ---------------------------------------------------------------------------------


def test_evidence_is_the_article_text_at_the_span() -> None:
    text = "Kupiansk was shelled.\nAt least 12 people were hurt, officials said."
    (q,) = find(text)
    assert q.evidence.article_id == article_id(text)
    assert text[q.evidence.start:q.evidence.end] == q.evidence.text == "At least 12"
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.unit = "count"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "No numbers here at all."])
def test_nothing_to_find(text: str) -> None:
    assert find(text) == []


def test_the_lexicon_is_loaded_once_and_versioned() -> None:
    assert quantities.lexicon() is quantities.lexicon()
    assert quantities.lexicon().version.startswith(quantities.lexicon().raw["version"] + "-")


def test_nothing_is_loaded_at_import() -> None:
    code = "from fogofwar import quantities; print(quantities.lexicon.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_every_unit_and_measure_of_the_lexicon_is_a_vocabulary_code() -> None:
    raw = quantities.lexicon().raw
    units = {u for u, _f in raw["measure_units"].values()} | set(raw["unit_nouns"]) | set(raw["unit_cues"])
    units |= set(raw["model_prefixes"].values()) | set(raw["referent_hints"].values())
    units |= {c["unit"] for c in raw["measure_cues"]} | set(raw["unit_measures"])
    assert units <= vocab.values("units")
    measures = {c["measure"] for c in raw["measure_cues"]} | set(raw["unit_measures"].values())
    assert measures <= vocab.values("measures")
    assert set(raw["qualifiers"].values()) <= vocab.values("qualifiers")


def test_ids_are_stable_and_distinct() -> None:
    a, b = find("Officials said 40 drones and 12 missiles were downed.")
    assert quantities.quantity_id(a) == quantities.quantity_id(find("Officials said 40 drones and 12 missiles "
                                                                     "were downed.")[0])
    assert quantities.quantity_id(a) != quantities.quantity_id(b)


@pytest.mark.skipif(not SEED.is_file(), reason="the shared seed article is not beside this checkout")
def test_seed_figures() -> None:
    text = SEED.read_text("utf-8").split("\nGIPHY")[0]
    found = by_text(text)
    assert values(found["over 1,000 square kilometers"]) == ("km2", "more_than", 1000, None, None)
    assert values(found["from one to two km"]) == ("km", "range", 1, None, 2)
    assert values(found["more than 100"]) == ("prisoners", "more_than", 100, None, None)
    assert values(found["less than half"]) == ("km2", "relative", None, None, 0.5)
    assert found["less than half"].relative_to == "over 1,000 square kilometers"
    assert values(found["117"]) == ("drones", "exact", 117, 117, 117)
    assert found["117"].measure == "drones_downed"
    assert values(found["35 km"]) == ("km", "exact", 35, 35, 35)
    assert values(found["around 200,000"]) == ("people", "approximately", None, 200000, None)
    assert found["around 200,000"].measure == "evacuated_people"
    assert values(found["more than 8%"]) == ("percent", "more_than", 8, None, None)
    assert found["four"].unit == "airfields"
    assert not {"2022", "34", "Su-34"} & set(found)


# --- parts of something counted, and factors of another figure ------------------------------------


def test_a_part_of_named_things_counts_those_things() -> None:
    found = by_text("The air force said crews downed 41 of the missiles and 33 of the drones over the west.")
    assert values(found["41"]) == ("missiles", "exact", 41, 41, 41)
    assert values(found["33"]) == ("drones", "exact", 33, 33, 33)


def test_a_part_of_them_counts_what_the_figure_before_counted() -> None:
    found = by_text("The number of injured in Pavlohrad has risen to nine. Four of them remain in hospital.")
    assert values(found["Four"]) == ("injured", "exact", 4, 4, 4)
    found = by_text("The ministry said it destroyed 87 Ukrainian drones overnight. Of those, 31 were shot down "
                    "over Kursk region and 12 over Oryol region.")
    assert values(found["31"])[:2] == ("drones", "exact") and found["12"].unit == "drones"
    found = by_text("Kyiv says it has captured hundreds of Russian troops. Last month 64 of them were swapped.")
    assert found["64"].unit == "prisoners"


def test_one_of_them_and_a_part_with_nothing_counted_before_are_no_quantities() -> None:
    assert "One" not in by_text("Officials said 12 drones were launched. One of them fell on a school.")
    assert "Two" not in by_text("Two of them said the road was closed.")


def test_the_same_number_is_a_factor_of_one() -> None:
    found = by_text("Russia handed over 76 prisoners of war and received the same number of Russian servicemen.")
    assert values(found["the same number"]) == ("prisoners", "relative", None, 1, None)
    assert found["the same number"].relative_to == "76"
    found = by_text("Shells hit 30 homes in Vovchansk, twice as many as in Kupiansk.")
    assert values(found["twice"]) == ("count", "relative", None, 2, None)


def test_a_unit_noun_before_a_plural_noun_only_describes_it() -> None:
    found = by_text("The village was hit by two FPV drone attacks and 14 artillery shells on Monday.")
    assert values(found["two"]) == ("count", "exact", 2, 2, 2)
    assert by_text("Crews shot down 12 Shahed drones.")["12"].unit == "drones"
    assert values(by_text("Kupiansk came under 14 artillery strikes.")["14"]) == ("count", "exact", 14, 14, 14)


def test_counted_nouns_of_supply_and_sea() -> None:
    found = by_text("Several thousand consumers are without power after the strike. The navy sank three uncrewed "
                    "boats near Ochakiv. Before the war Vuhledar had a population of about 14,000.")
    assert found["Several thousand"].unit == "people"
    assert values(found["three"]) == ("vehicles", "exact", 3, 3, 3)
    assert values(found["about 14,000"]) == ("people", "approximately", None, 14000, None)


@pytest.mark.parametrize(("text", "share", "expected", "of"), [
    ("Kyiv says its troops hold 640 square kilometres. Analysts put the area at less than half of what Kyiv claims.",
     "less than half", ("km2", "relative", None, None, 0.5), "640 square kilometres"),
    ("A pro-Russian blogger claimed that Russian forces held about 60 percent of Chasiv Yar. A Ukrainian officer "
     "said they held less than a third of the area the blogger claimed.",
     "less than a third", ("percent", "relative", None, None, 0.33), "about 60 percent"),
])
def test_a_share_of_what_someone_claimed_finds_their_figure(text: str, share: str, expected: tuple, of: str) -> None:
    found = by_text(text)
    assert values(found[share]) == expected and found[share].relative_to == of


def test_a_share_finds_no_figure_across_a_paragraph() -> None:
    found = find("10:40\nDrones hit 40 homes in Izium.\n\n11:15\nHalf of them were never found, a rescuer wrote.")
    assert [q.evidence.text for q in found if q.qualifier == "relative"] == []


def test_the_first_and_the_second_point_back_at_a_listed_pair() -> None:
    found = by_text("The general said his units held 610 square kilometres and 31 villages. "
                    "A week later he raised the first figure to 780 and the second to 44.")
    assert (found["780"].unit, found["780"].measure) == ("km2", "area_controlled_km2")
    assert (found["44"].unit, found["44"].measure) == ("settlements", "settlements_controlled")
    # with no pair listed before, an ordinal points at nothing and the number keeps its own reading
    found = by_text("The second to arrive was 12 minutes late.")
    assert all(q.measure != "settlements_controlled" for q in found.values())


def test_people_who_remain_are_not_evacuees_and_a_figure_of_no_measure_is_other() -> None:
    found = by_text("About 800 residents remained in the town, most of them too frail to leave. "
                    "Some 4,000 people were evacuated last week. Russian units hold 60 percent of the town.")
    assert found["About 800"].measure == "other" and found["Some 4,000"].measure == "evacuated_people"
    assert found["60 percent"].measure == "other"


def test_a_bare_figure_takes_what_the_sentence_before_counted_when_its_verb_fits() -> None:
    found = by_text("The ministry said 14 of the 16 drones were shot down. A local source said no more than "
                    "three were intercepted.")
    assert (found["no more than three"].unit, found["no more than three"].measure) == ("drones", "drones_downed")
    assert found["16"].measure == "other"  # the whole the downed ones are part of
    # nothing carried over when its own words measure something else, or a paragraph starts
    found = by_text("The ministry said 14 drones were shot down.\n\nThree were enough to close the road.")
    assert "Three" not in found or found["Three"].unit != "drones"


def test_the_figure_named_again_and_killed_and_wounded_as_a_tally() -> None:
    found = by_text("Officials said the brigade held about 700 square kilometres. Bloggers put the figure "
                    "at less than 300. The enemy lost more than 250 killed and wounded there.")
    assert (found["less than 300"].unit, found["less than 300"].measure) == ("km2", "area_controlled_km2")
    assert (found["more than 250"].unit, found["more than 250"].measure) == ("soldiers", "losses_soldiers")


@pytest.mark.parametrize(("sentence", "text", "expected"), [
    ("The unit lost maybe 40 men near the river.", "maybe 40", ("people", "approximately", None, 40, None)),
    ("They saw 150-ish armoured vehicles.", "150-ish", ("vehicles", "approximately", None, 150, None)),
    ("A few dozen residents refused to leave.", "A few dozen", ("people", "vague", 24, None, 99)),
])
def test_hedged_and_suffixed_amounts(sentence: str, text: str, expected: tuple) -> None:
    (q,) = find(sentence)
    assert q.evidence.text == text and values(q) == expected


def test_a_share_of_a_population_named_with_its_adjectives() -> None:
    found = by_text("Some 9,000 people remain, less than a fifth of its pre-war population.")
    assert (found["less than a fifth"].unit, found["less than a fifth"].qualifier) == ("people", "relative")


def test_tallies_bombs_classifiers_and_verbs_of_exceeding() -> None:
    found = by_text("Enemy losses: personnel about 640,000, including 1,200 over the past day; tanks 8,100, "
                    "including 9 over the past day.")
    assert found["8,100"].unit == "vehicles" and found["about 640,000"].unit == "soldiers"
    assert by_text("Three guided aerial bombs hit the plant.")["Three"].unit == "missiles"
    assert by_text("The enemy lost 25 units of armoured vehicles.")["25"].unit == "vehicles"
    q = by_text("Its losses had exceeded 31,000 servicemen by then.")["exceeded 31,000"]
    assert (q.unit, q.qualifier, q.low) == ("soldiers", "more_than", 31000)


def test_a_share_of_what_the_other_side_says_reaches_back_a_paragraph() -> None:
    text = ("Moscow said Ukraine had lost more than 40,000 troops in the region.\n\n"
            "\"Our losses are heavy, but they are less than a third of what they say,\" the colonel said.")
    found = by_text(text)
    assert found["less than a third"].unit == "soldiers" and found["less than a third"].relative_to == "more than 40,000"


def test_a_multiple_of_words_and_a_qualified_count_after_that() -> None:
    q = by_text("The shelter now houses twice as many people as it did in the autumn.")["twice"]
    assert (q.unit, q.qualifier, q.best, q.relative_to) == ("people", "relative", 2, "as it did in the autumn")
    assert "at least three" in by_text("A source said that at least three explosions were heard there.")
    assert by_text("The two sides met in Istanbul.") == {}  # "the two" counts nothing
