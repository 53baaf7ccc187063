"""Attribution across parser slips, quotes and continuations, with the real parser, on
sentences and short articles written for these tests."""

from __future__ import annotations

import dataclasses

import pytest
from spacy.tokens import Doc

from fogofwar import claimants, claims, nlp
from fogofwar.clean import article_id
from fogofwar.records import Article, Evidence, Place, PlaceMention

pytestmark = pytest.mark.model


def run(text: str, *, places: list[PlaceMention] = ()) -> list:
    article = Article(id=article_id(text), text=text, published="2024-09-03")
    return claims.find_claims(article, nlp.load()(text), places=places)


def who(found: list) -> list[tuple[str, str, str]]:
    return [(c.claimant.evidence.text, c.claimant.side, c.cue) for c in found]


def place(text: str, name: str, country: str) -> PlaceMention:
    start = text.index(name)
    return PlaceMention(id=name, evidence=Evidence(article_id=article_id(text), start=start, end=start + len(name),
                                                   text=name),
                        name=name, kind="toponym", precision="point",
                        place=Place(id=name, name=name, kind="populated", country=country, admin1=None))


# --- who speaks, when the parse or the layout gets in the way ---------------------------

def test_dateline_before_the_claimant_is_not_the_claimant() -> None:
    found = run("LVIV, Sept 3 (Northwind) - Defence Minister Rustem Umerov said on Tuesday that three "
                "new brigades had reached the front.")
    assert [c.claimant.evidence.text for c in found] == ["Defence Minister Rustem Umerov"]
    assert "Umerov" in found[0].claimant.name and "LVIV" not in found[0].claimant.name


def test_time_stamp_before_the_claimant_is_left_out_of_its_words() -> None:
    found = run("09:15 | Governor Ivan Fedorov wrote that a drone had damaged a grain store near Vasylivka.")
    assert [c.claimant.evidence.text for c in found] == ["Governor Ivan Fedorov"]


def test_claimant_after_the_statement_without_a_subject_link() -> None:
    # Built by hand as the parser sometimes leaves it: "said" conjoined to "risen", the governor an
    # apposition of the figure; the claimant is the noun phrase between the comma and the verb.
    words = ["The", "toll", "has", "risen", "to", "seven", ",", "governor", "Petro", "Kyrylenko", "said", "."]
    doc = Doc(nlp.load().vocab, words=words, spaces=[True] * 5 + [False] + [True] * 4 + [False, False],
              heads=[1, 3, 3, 3, 3, 4, 3, 9, 9, 5, 3, 3],
              deps=["det", "nsubj", "aux", "ROOT", "prep", "pobj", "punct", "compound", "compound", "appos",
                    "conj", "punct"],
              pos=["DET", "NOUN", "AUX", "VERB", "ADP", "NUM", "PUNCT", "NOUN", "PROPN", "PROPN", "VERB", "PUNCT"],
              tags=["DT", "NN", "VBZ", "VBN", "IN", "CD", ",", "NN", "NNP", "NNP", "VBD", "."],
              lemmas=["the", "toll", "have", "rise", "to", "seven", ",", "governor", "Petro", "Kyrylenko", "say", "."])
    found = claims.find_claims(Article(id=article_id(doc.text), text=doc.text), doc)
    assert [c.claimant.evidence.text for c in found] == ["governor Petro Kyrylenko"]


def test_statement_before_the_verb_is_not_taken_for_the_claimant() -> None:
    text = ("Drones struck Russia's Bryansk region overnight. Shelters in Bryansk are overcrowded, a nurse in "
            "Bryansk who asked not to be named told the agency.")
    found = run(text, places=[place(text, "Bryansk", "RU")])
    assert len(found) == 1
    claimant = found[0].claimant
    assert "nurse" in claimant.evidence.text and "Shelters" not in claimant.evidence.text
    assert claimant.side == "unknown"  # a private person's town gives no side, nor what is said of the town


def test_regular_forms_of_cue_verbs_the_lemmatizer_misses() -> None:
    assert who(run("Warsaw hoped the talks would resume in October.")) == [("Warsaw", "unknown", "other")]
    forms = claimants._inflections({"hope": "other", "deny": "denied", "add": "other", "stress": "other"})
    assert {forms["hoped"], forms["hoping"], forms["denies"], forms["denied"], forms["adds"], forms["stresses"]} \
        == {"hope", "deny", "add", "stress"}


# --- what is no attribution ------------------------------------------------------------------

def test_cue_inside_quoted_words_belongs_to_the_speaker_outside() -> None:
    found = run("“Our satellite count shows the brigade lost a third of its vehicles; we estimate the rest "
                "will be withdrawn,” said Tomas Berg, an analyst at a Vilnius research group.")
    assert [c.claimant.name for c in found] == ["Tomas Berg"]


def test_negated_cues_attribute_nothing() -> None:
    assert run("The regional administration did not confirm the figure.") == []
    assert run("Minsk has published no casualty figures for the exercise.") == []


def test_a_to_infinitive_is_no_attribution() -> None:
    found = run("Mayor Pavlo Shelest said he would travel to the port on Monday to assess the damage.")
    assert [(c.claimant.name, c.cue) for c in found] == [("Pavlo Shelest", "said")]


def test_relative_clause_on_a_predicate_noun_is_a_description() -> None:
    assert run("Petrenko is a retired colonel who often accuses the command of negligence.") == []


def test_relative_clause_on_the_claimant_is_not_a_second_claim() -> None:
    found = run("A Russian official, who spoke on condition of anonymity, told Kommersant that the convoy "
                "had turned back.")
    assert len(found) == 1
    assert (found[0].claimant.kind, found[0].claimant.side, found[0].cue) == ("anonymous", "RU", "told")


# --- one statement, one claim; continuations ---------------------------------------------

def test_a_participle_sharing_the_subject_is_its_own_attribution() -> None:
    found = run("Shelling continues near Vovchansk, General Naiev said, adding that two bridges were destroyed.")
    assert [c.claimant.evidence.text for c in found] == ["General Naiev", "adding"]
    assert found[0].claimant.name == found[1].claimant.name


def test_same_speaker_inside_its_own_statement_is_one_claim() -> None:
    found = run("Poland's defence ministry said its jets had intercepted what it called a hostile drone.")
    assert [c.cue for c in found] == ["said"]
    found = run("Navy spokesman Dmytro Pletenchuk has posted a clip of what he says is a burning patrol boat.")
    assert [(c.claimant.evidence.text, c.claimant.name, c.cue) for c in found] == [
        ("he", "Dmytro Pletenchuk", "said")]


def test_he_continues_a_single_anonymous_source() -> None:
    found = run("Governor Serhiy Lysak said the power plant was shut. A Ukrainian sapper who asked not to be "
                "named told Radio Dnipro that the dam was mined. “We clear a few metres a day,” he said.")
    assert [c.claimant.kind for c in found] == ["person", "anonymous", "anonymous"]
    assert found[2].claimant.evidence.text == "he" and found[2].claimant.side == "UA"


def test_it_refers_to_the_body_that_was_the_subject_before() -> None:
    found = run("Governor Serhiy Lysak said the power plant was shut. The Estonian foreign ministry summoned "
                "the chargé d'affaires. It said the drone had crossed into Estonian airspace.")
    assert [c.claimant.evidence.text for c in found] == ["Governor Serhiy Lysak", "It"]
    assert found[1].claimant.kind == "institution" and "ministry" in found[1].claimant.name


# --- sides from what the text says -------------------------------------------------------

def test_side_from_the_body_the_claimants_clause_names() -> None:
    found = run("The Dnipro Shelter Collective, an independent humanitarian group, runs six shelters. "
                "Olena Marchuk, who manages the collective's kitchens, said 300 meals were served daily.")
    assert [(c.claimant.name, c.claimant.side) for c in found] == [("Olena Marchuk", "third_party")]


def test_mayor_of_the_place_named_last_when_the_paragraph_names_none() -> None:
    text = "A missile hit a school in Nizhyn on Sunday.\nThe mayor said classes would move online."
    assert run(text, places=[place(text, "Nizhyn", "UA")])[0].claimant.side == "UA"


def test_someone_who_leads_a_unit_of_a_place_speaks_for_its_side() -> None:
    text = "Oleg Sidorov, who leads a volunteer patrol unit in Valuyki, wrote that two drones had been shot down."
    found = run(text, places=[place(text, "Valuyki", "RU")])
    assert [(c.claimant.name, c.claimant.side) for c in found] == [("Oleg Sidorov", "RU")]


def test_analysts_are_third_party_only_when_the_text_says_independent() -> None:
    found = run("Independent analysts put the losses at 400 vehicles. Later, analysts say, the pace slowed.")
    assert [c.claimant.side for c in found] == ["third_party", "unknown"]


def test_registry_name_found_whatever_label_the_tagger_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    lex = claims.lexicon()
    entry = claimants.Entry("Taras Hnatiuk", "person", "UA", "commander")
    bare = dataclasses.replace(lex, registry={"taras hnatiuk": entry, "hnatiuk": entry})
    monkeypatch.setattr(claims, "lexicon", lambda: bare)
    found = run("Commander-in-chief Taras Hnatiuk said on Friday that the bridgehead had widened.")
    assert [(c.claimant.name, c.claimant.side) for c in found] == [("Taras Hnatiuk", "UA")]


def test_a_participle_before_its_verb_is_a_circumstance_not_a_claim() -> None:
    found = run("A senior Ukrainian engineer, speaking on condition of anonymity, told the Harbour Gazette "
                "that the dam had been mined.")
    assert [(c.claimant.kind, c.claimant.side, c.cue, c.claimant.via_outlet) for c in found] == [
        ("anonymous", "UA", "told", "Harbour Gazette")]  # the outlet's whole name


def test_third_parties_named_by_acronym_or_demonym_and_pronoun_us_is_none() -> None:
    found = run("US officials said the convoy had turned back. Canadian diplomats told us nothing.")
    assert [(c.claimant.evidence.text, c.claimant.side) for c in found][0] == ("US officials", "third_party")
    found = run("Monitors from the UN's human rights mission said 12 civilians had died.")
    assert [c.claimant.side for c in found] == ["third_party"]
    from fogofwar import claimants as claimants_mod
    lex = claimants_mod.lexicon()
    assert claimants_mod.side_from_words("Russia's UN ambassador", lex) == "RU"  # a party's envoy to a body
    assert claimants.side_from_words("a source close to us", claims.lexicon()) == "unknown"


def test_installed_officials_take_the_side_that_installed_them() -> None:
    found = run("Yevgeny Balitsky, the Moscow-installed governor of the occupied part of Zaporizhzhia region, "
                "claimed that the bridge was intact.")
    assert [(c.claimant.name, c.claimant.side) for c in found] == [("Yevgeny Balitsky", "RU")]


def test_disputing_a_figure_is_a_denial() -> None:
    found = run("Kyiv disputed the figure.")
    assert [(c.claimant.side, c.cue, c.stance) for c in found] == [("UA", "denied", "denies")]


def test_a_document_speaks_for_its_author() -> None:
    found = run("Ukraine's navy said four drones were shot down. Two more fell into the sea, the statement said.")
    assert [(c.claimant.evidence.text, c.claimant.side) for c in found] == [
        ("Ukraine's navy", "UA"), ("the statement", "UA")]
    found = run("According to a statement from the Kremlin, the talks were postponed.")
    assert [(c.claimant.evidence.text, c.claimant.side) for c in found] == [("the Kremlin", "RU")]


def test_a_thing_that_shows_is_no_claimant_but_a_body_that_shows_is() -> None:
    assert run("Unverified videos circulating online showed a column of tanks near Tetkino.") == []
    found = run("Figures from the Institute for the Study of War show slower Russian gains in September.")
    assert [c.claimant.side for c in found] == ["third_party"]


def test_verbs_of_several_senses_attribute_only_in_their_reporting_sense() -> None:
    assert run("The blast put the pumping station out of action, and the army called up 5,000 reservists.") == []
    found = run("Medics put the number of wounded at 14. The mayor called the strike a war crime.")
    assert [c.cue for c in found] == ["other", "other"]


def test_outlet_named_before_its_head_noun_and_unnamed_insiders() -> None:
    found = run("A senior Russian security source told the TASS news agency that 15 saboteurs had been held.")
    assert [(c.claimant.kind, c.claimant.side, c.claimant.via_outlet) for c in found] == [
        ("anonymous", "RU", "TASS news agency")]
    found = run("A person familiar with the planning said the crossing had been prepared for months.")
    assert [(c.claimant.kind, c.claimant.side) for c in found] == [("anonymous", "unknown")]


# --- definite descriptions, titles and a body's own post -------------------------------

def test_definite_description_refers_back_to_a_fuller_mention_that_said_nothing() -> None:
    text = ("Update from the Ministry of Internal Affairs of Ukraine on the flooding\n\n"
            "Rescuers moved 40 people out of low-lying streets overnight. Water levels are falling, the ministry "
            "stated. The ministry noted that boats remain on standby.")
    found = run(text)
    assert [(c.claimant.evidence.text, c.claimant.side) for c in found] == [
        ("the ministry", "UA"), ("The ministry", "UA")]
    assert found[0].claimant.name == "Ministry of Internal Affairs of Ukraine"


def test_definite_description_takes_the_nearest_fuller_mention() -> None:
    text = ("Russia's defence ministry said it had downed 30 drones. Ukraine's defence ministry, in a separate "
            "update on its website, listed new supplies. The ministry said deliveries would continue.")
    assert who(run(text))[-1] == ("The ministry", "UA", "said")


def test_definite_description_needs_every_word_in_the_earlier_mention() -> None:
    # the emergencies ministry is not the foreign ministry met before: no side is guessed
    text = ("Ukraine's foreign ministry condemned the strike on Tuesday. Hours later, the emergencies ministry "
            "said 12 rescuers were still at the site.")
    assert who(run(text))[-1] == ("the emergencies ministry", "unknown", "said")


def test_definite_description_with_a_name_in_it_refers_back() -> None:
    text = ("Command of the Air Force of the Armed Forces of Ukraine: overnight attack repelled\n\n"
            "Crews destroyed 31 of 35 drones over the south. Debris fell on farmland, the Air Force Command "
            "said, adding that our mobile groups worked until dawn.")
    assert [(s, side) for s, side, _cue in who(run(text))] == [("the Air Force Command", "UA"), ("adding", "UA")]


def test_source_that_names_no_one_in_a_bodys_own_post_is_the_body() -> None:
    text = ("Command of the Air Force of the Armed Forces of Ukraine | 12.06.2024\n\n"
            "Our air defence worked through the night over the south. According to preliminary data, 18 drones "
            "were shot down.")
    c = one_claim(text)
    assert (c.cue, c.claimant.side, c.claimant.evidence.text) == ("according_to", "UA", "preliminary data")


def test_source_that_names_no_one_in_a_news_article_stays_unknown() -> None:
    # a headline that quotes a body does not make the article the body's post (no "we", no "our")
    text = ("Air Force of Ukraine: overnight attack repelled\n\n"
            "Drones flew over the south through the night. According to preliminary data, 18 were shot down.")
    c = one_claim(text)
    assert (c.cue, c.claimant.side) == ("according_to", "unknown")


def test_a_title_without_a_name_is_one_person_for_he_and_takes_its_sentences_place() -> None:
    text = ("Shelling from Ukraine damaged a school overnight. A state of emergency was declared in Kursk region "
            "on Monday, the governor announced. He said payments to families would come within a week.")
    found = run(text, places=[place(text, "Ukraine", "UA"), place(text, "Kursk region", "RU")])
    assert who(found) == [("the governor", "RU", "announced"), ("He", "RU", "said")]


def test_urged_is_a_cue_and_he_continues_the_named_official() -> None:
    text = ("Mykola Tkachuk, head of the town's military administration, said shelling had intensified. "
            "He urged families with children to leave within two days.")
    assert [(s, cue) for s, _side, cue in who(run(text))] == [
        ("Mykola Tkachuk, head of the town's military administration", "said"), ("He", "other")]


def test_it_does_not_stand_for_a_passive_subject_of_the_sentence_before() -> None:
    text = ("The regional military administration of Chernihiv region reports 40 explosions in border villages. "
            "Mortars and guided bombs were used. One man was injured, it says.")
    found = run(text, places=[place(text, "Chernihiv region", "UA")])
    assert [(c.claimant.evidence.text, c.claimant.side) for c in found][-1] == ("it", "UA")
    assert found[-1].claimant.name == found[0].claimant.name


def one_claim(text: str):  # noqa: ANN201
    found = run(text)
    assert len(found) == 1, who(found)
    return found[0]


def test_posting_is_writing_and_acknowledging_is_confirming() -> None:
    text = ("Governor Ivan Fedorov posted that the bridge near Orikhiv was closed. He acknowledged that two "
            "trucks had been hit.")
    assert [cue for _s, _side, cue in who(run(text))] == ["wrote", "confirmed"]


def test_she_skips_a_government_the_tagger_took_for_a_person() -> None:
    text = ("A researcher at a Nordic institute, who requested anonymity, put the area at less than half of what "
            "Kyiv claims. The rest, she argued, is contested ground.")
    found = run(text)
    assert found[0].claimant.kind == "anonymous"
    assert who(found)[-1] == ("she", "third_party", "argued")
    assert found[-1].claimant.name == found[0].claimant.name


def test_a_body_of_a_country_outside_the_war_is_a_third_party() -> None:
    text = "Norway's armed forces said they had scrambled two jets. Hungary said it would send no weapons."
    found = run(text, places=[place(text, "Norway", "NO"), place(text, "Hungary", "HU")])
    assert [(c.claimant.evidence.text, c.claimant.side) for c in found] == [
        ("Norway's armed forces", "third_party"), ("Hungary", "third_party")]
    # a private person in such a country is no side at all
    text = "A pensioner in Oslo said the news had frightened her."
    assert run(text, places=[place(text, "Oslo", "NO")])[0].claimant.side == "unknown"


def test_two_statements_side_by_side_are_two_claims() -> None:
    text = ("Strikes hit a depot in Lutsk, Governor Ivan Fedorov wrote. He added that the fire was out, and he said "
            "those responsible would answer for it.")
    assert [(s, cue) for s, _side, cue in who(run(text))] == [
        ("Governor Ivan Fedorov", "wrote"), ("He", "other"), ("he", "said")]


def test_sources_a_first_person_post_calls_its_own_speak_for_its_side() -> None:
    # the post names only Russia in the third person and speaks as "we": its sources are Ukrainian
    text = ("STEPPE NOTES | from the front\n\nThe Russian ministry claims we lost a whole company. According to "
            "our people, we lost four men. The enemy's channels are writing about a rout, but my sources say "
            "the line held.")
    sides = {s: side for s, side, _cue in who(run(text))}
    assert (sides["our people"], sides["my sources"], sides["The enemy's channels"]) == ("UA", "UA", "RU")


def test_a_first_person_text_naming_both_sides_gives_its_sources_no_side() -> None:
    text = ("By our correspondent\n\nRussian and Ukrainian officials disagree. According to our sources, "
            "the line held.")
    assert who(run(text))[-1] == ("our sources", "unknown", "according_to")


def test_posting_photos_says_nothing_unless_a_joined_cue_does() -> None:
    assert run("Residents posted videos of a fireball over the depot.") == []
    found = run("President Volodymyr Zelenskiy posted photos of the freed men and wrote that they were home.")
    assert [(c.claimant.evidence.text, c.cue) for c in found] == [("President Volodymyr Zelenskiy", "wrote")]


def test_a_person_named_in_an_earlier_claimants_clause_keeps_its_side() -> None:
    text = ("A spokesman for a Ukrainian brigade near Kupiansk, who gave his name only as Taras, told the agency "
            "that the bridge still stood. Later Taras said that 300 civilians remained. He added that water was "
            "short.")
    assert [(s, side) for s, side, _cue in who(run(text))] == [
        ("A spokesman for a Ukrainian brigade near Kupiansk", "UA"), ("Taras", "UA"), ("He", "UA")]


def test_it_does_not_stand_for_a_figure_the_sentence_before_was_about() -> None:
    text = ("The death toll from the strike on the military academy in Kremenchuk has risen to 12, according to "
            "the Poltava regional administration. The number of injured stands at 40, it said.")
    found = run(text, places=[place(text, "Kremenchuk", "UA"), place(text, "Poltava", "UA")])
    assert who(found) == [("the Poltava regional administration", "UA", "according_to"), ("it", "UA", "said")]


def test_raising_a_figure_to_and_boasting_are_cues_a_figure_reported_by_someone_is_theirs() -> None:
    text = ("Commander Oleksandr Tarnavskyi first put the toll at 20. Days later he raised the figure to 31. Kyiv "
            "has boasted of 900 square km. The death toll stands at 12, up from the 9 reported by Governor Ivan "
            "Fedorov on Monday.")
    assert [(s, cue) for s, _side, cue in who(run(text))][1:] == [
        ("he", "other"), ("Kyiv", "other"), ("Governor Ivan Fedorov", "reported")]
    # raising a flag, or a report raised to another level, is no statement
    assert run("Soldiers raised a flag over the school. Russian flags raised in the district were filmed.") == []


def test_supposed_rare_and_bidden_cues_say_nothing() -> None:
    assert run("Let them deny it, the video speaks for itself.") == []
    found = run("If the General Staff confirms what the soldiers say, the town has fallen.")
    assert [c.claimant.evidence.text for c in found] == ["the soldiers"]
    found = run("Polish officials rarely confirm single flights, but have said patrols will go on.")
    assert [(c.claimant.evidence.text, c.cue) for c in found] == [("said", "said")]


def test_an_aid_groups_we_is_no_side() -> None:
    # "our teams" is no combatant's voice: naming only Russian strikes does not make its sources Ukrainian
    text = ("Field note | Kharkiv region\n\nRussian strikes hit two villages this week. Our teams delivered water "
            "to 300 families. According to our staff, shelters are full.")
    assert who(run(text))[-1] == ("our staff", "unknown", "according_to")


# --- whose figure: a figure noun from someone, and the other side of a comparison ----------

def test_a_figure_from_someone_is_their_claim() -> None:
    found = run("The official toll from Kherson's governor is 9 dead. Moscow's count stood at 30 on Monday.")
    assert [(c.claimant.evidence.text, c.cue) for c in found] == [("Kherson's governor", "other"), ("Moscow", "other")]
    assert found[1].claimant.side == "RU"


def test_a_figure_noun_without_a_source_or_a_number_is_no_claim() -> None:
    assert run("The figure is 30. The count from the ministry was delayed.") == []


def test_the_term_of_a_comparison_says_nothing_itself() -> None:
    found = run("Our scouts say 120 were killed. That is three times as many as the governor admits. "
                "It is far more than Kyiv claims.")
    assert [c.claimant.evidence.text for c in found] == ["Our scouts"]
    # "as X said" that frames a statement still attributes it
    assert who(run("As the governor said on Monday, nine people were hurt.")) == [("the governor", "unknown", "said")]


def test_by_my_count_is_the_signed_authors_and_by_someones_estimate_theirs() -> None:
    text = ("Yuzhny Veter | front notes\n"
            "Our guys pushed on again. By my count the ukry still hold some 30 villages there, and by the "
            "General Staff's estimate the enemy lost 300 men this week.")
    found = run(text)
    by = {c.claimant.name: c for c in found}
    assert by["Yuzhny Veter"].cue == "estimated" and by["Yuzhny Veter"].claimant.side == "RU"
    assert any("General Staff" in name for name in by)


def test_a_count_cue_needs_a_figure_and_a_future_cue_says_nothing_yet() -> None:
    assert who(run("The monitoring group counts 14 villages lost since June.")) == [
        ("The monitoring group", "unknown", "estimated")]
    assert run("At the front every shell counts.") == []
    assert run("If it holds, the brigade will say thank you.") == []


def test_voice_of_a_post_ignores_whose_ground_and_where_but_counts_names() -> None:
    from fogofwar import claimants

    lex = claimants.lexicon()
    # the other side named as fighters twice, its own side only as ground and a place near a capital
    post = ("Our lads took the ridge. The ukry ran, the VSU left its guns. "
            "Not one metre of Russian land will be given, said a man from a village outside Moscow.")
    assert claimants.voice_side(post, lex) == "RU"
    # both sides named as fighters about as often: no side can be told
    assert claimants.voice_side("Our lads held. Russian troops and Ukrainian troops both shelled it.", lex) == "unknown"


def test_a_spokesman_named_later_by_surname_is_one_person_whom_he_continues() -> None:
    text = ("Troops repelled 30 assaults, the spokesman for a Ukrainian operational-tactical group covering the "
            "sector, Major Petro Levchuk, told a briefing.\n"
            "A spokesman for the Russian Vostok group, Colonel Oleg Sivtsov, rejected that figure.\n"
            "Levchuk denied that. \"Nobody holds the village,\" he said.")
    found = run(text)
    last = found[-1]
    assert last.claimant.evidence.text == "he" and last.claimant.side == "UA"
    assert [c.claimant.side for c in found if c.claimant.evidence.text == "Levchuk"] == ["UA"]


def test_local_officials_speak_for_the_ground_named_before_not_a_country_acting() -> None:
    from fogofwar.records import Place
    text = ("A missile hit a block of flats in Konotop on Sunday.\n"
            "Russia said it had struck a military target. Local officials denied this.")
    konotop = place(text, "Konotop", "UA")
    start = text.index("Russia said")
    russia = PlaceMention(id="ru", evidence=Evidence(article_id=article_id(text), start=start, end=start + 6,
                                                     text="Russia"),
                          name="Russia", kind="toponym", precision="country",
                          place=Place(id="ru", name="Russia", kind="country", country="RU"))
    found = run(text, places=[konotop, russia])
    assert [(c.claimant.evidence.text, c.claimant.side) for c in found][-1] == ("Local officials", "UA")


def test_a_claim_that_someone_else_made_is_theirs_and_a_time_is_no_part_of_a_name() -> None:
    found = run("A Ukrainian spokesman on Monday rejected a Russian Defence Ministry claim that Ukraine had "
                "lost 900 servicemen, saying the real figure was far lower. He also dismissed Moscow's claim "
                "that two villages had fallen.")
    by = {c.claimant.evidence.text.removeprefix("a "): c for c in found}
    assert by["Russian Defence Ministry"].cue == "claimed" and by["Russian Defence Ministry"].claimant.side == "RU"
    assert by["Moscow"].claimant.side == "RU" and by["Moscow"].cue == "claimed"
    assert any(c.claimant.evidence.text == "A Ukrainian spokesman" and c.claimant.side == "UA" for c in found)


def test_an_international_body_naming_where_it_works_is_no_belligerent() -> None:
    found = run("At least 40 civilians were killed in March, according to the UN Human Rights Monitoring Mission "
                "in Ukraine.")
    assert [c.claimant.side for c in found] == ["third_party"]


def test_an_unqualified_defence_ministry_in_a_signed_bulletin_is_its_signers() -> None:
    text = ("GENERAL STAFF OF THE ARMED FORCES OF UKRAINE\nOperational update\n"
            "Our troops repelled 40 attacks, the General Staff said. The Ministry of Defence said 12 drones were "
            "delivered.")
    assert {c.claimant.side for c in run(text)} == {"UA"}


def test_records_and_lists_with_a_figure_are_claims_and_swearing_is_claiming() -> None:
    assert who(run("The regional administration recorded 61 explosions in border communities.")) == [
        ("The regional administration", "unknown", "reported")]
    assert [c.cue for c in run("It falls short of the 38 settlements listed by the defence ministry.")] == ["reported"]
    assert run("He recorded a video of the strike.") == []
    assert [c.cue for c in run("Pro-war channels swore that the town had fallen.")] == ["claimed"]


def test_a_signed_bulletins_own_figures_are_its_statements() -> None:
    text = ("Summary of the Ministry of Defence of the Russian Federation (as of 3 September)\n"
            "In total, 9 settlements have been liberated since the start of the offensive. "
            "Units of the Zapad group repelled four counterattacks.")
    from fogofwar import quantities as quantities_mod
    article = Article(id=article_id(text), text=text, published="2024-09-03")
    doc = nlp.load()(text)
    found = claims.find_claims(article, doc, quantities=quantities_mod.find_quantities(article, doc))
    assert [(c.claimant.side, c.cue) for c in found] == [("RU", "stated")] * 2  # each sentence with a figure
    assert found[0].claimant.evidence.text.startswith("the Ministry of Defence")
    # a news story whose headline names a body is not the body's bulletin
    text = "Defence ministry reports gains\nRussian troops took 9 settlements, analysts said."
    article = Article(id=article_id(text), text=text, published="2024-09-03")
    doc = nlp.load()(text)
    found = claims.find_claims(article, doc, quantities=quantities_mod.find_quantities(article, doc))
    assert found and all(c.cue != "stated" for c in found)
