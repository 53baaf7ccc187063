"""Attribution with the real parser, on sentences written for these tests."""

from __future__ import annotations

import pytest

from fogofwar import claims, nlp
from fogofwar.clean import article_id
from fogofwar.records import Article, Evidence, Place, PlaceMention

pytestmark = pytest.mark.model


def run(text: str, *, published: str | None = "2024-08-20", places: list[PlaceMention] = ()) -> list:
    article = Article(id=article_id(text), text=text, published=published)
    return claims.find_claims(article, nlp.load()(text), places=places)


def one(text: str, **kw: object):  # noqa: ANN201
    found = run(text, **kw)
    assert len(found) == 1, [(c.claimant.name, c.cue) for c in found]
    return found[0]


def test_named_person_with_role_from_registry_and_text() -> None:
    c = one("Defence Minister Andrei Belousov said on Tuesday that reinforcements had reached Lgov.")
    assert (c.claimant.name, c.claimant.side, c.claimant.kind, c.cue) == ("Andrei Belousov", "RU", "person", "said")
    assert c.claimant.role == "Defence Minister"
    assert c.claimant.evidence.text == "Defence Minister Andrei Belousov"
    assert c.as_of.start == "2024-08-20" and c.as_of.precision == "day"


def test_unknown_claimant_takes_side_and_kind_from_its_description() -> None:
    c = one("Pavel Gusev, a Crimea-born pro-Kremlin military blogger, argues that the front is collapsing.")
    assert (c.claimant.name, c.claimant.side, c.claimant.kind, c.cue) == ("Pavel Gusev", "RU", "blogger", "argued")
    assert "military blogger" in (c.claimant.role or "")


def test_unknown_claimant_without_side_stays_unknown() -> None:
    c = one("Marek Novak, a logistics consultant, said the roads were jammed.")
    assert c.claimant.side == "unknown"


def test_anonymous_source_through_an_outlet() -> None:
    c = one("A Russian defence source told Interfax on condition of anonymity that two bridges were hit.")
    assert (c.claimant.kind, c.claimant.side, c.claimant.via_outlet, c.cue) == ("anonymous", "RU", "Interfax", "told")


def test_metonym_government() -> None:
    c = one("Kyiv reported that 40 drones had been shot down overnight.")
    assert (c.claimant.name, c.claimant.kind, c.claimant.side) == ("Ukrainian government", "government", "UA")


def test_according_to_and_denial() -> None:
    found = run("According to the Institute for the Study of War, the advance had stalled. "
                "The Kremlin denied that any villages had been lost.")
    assert [(c.cue, c.claimant.side, c.stance) for c in found] == [
        ("according_to", "third_party", "asserts"), ("denied", "RU", "denies")]


def test_pronoun_continues_the_last_person_with_its_own_evidence() -> None:
    found = run("Governor Oleh Syniehubov said three people were hurt in Kupiansk. "
                "He added that the power station was damaged.")
    assert [c.claimant.name for c in found] == ["Oleh Syniehubov", "Oleh Syniehubov"]
    assert found[1].claimant.evidence.text == "He" and found[1].claimant.side == "UA"


def test_definite_description_refers_back() -> None:
    found = run("Russia's defence ministry said its units repelled four attacks. The ministry added that "
                "six tanks were destroyed.")
    assert [c.claimant.side for c in found] == ["RU", "RU"]
    assert found[1].claimant.evidence.text == "The ministry"


def test_official_of_a_place_speaks_for_its_country() -> None:
    text = "The Chernihiv regional administration said a school was hit."
    start = text.index("Chernihiv")
    chernihiv = PlaceMention(id="m", evidence=Evidence(article_id=article_id(text), start=start,
                                                        end=start + len("Chernihiv"), text="Chernihiv"),
                             name="Chernihiv", kind="nested", precision="adm1",
                             place=Place(id="x", name="Chernihiv Oblast", kind="adm1", country="UA", admin1="UA-74"))
    c = one(text, places=[chernihiv])
    assert c.claimant.side == "UA"


def test_hedges_and_undated_articles() -> None:
    c = one("Local residents reportedly said the bridge had collapsed, a claim that could not be "
            "independently verified.", published=None)
    assert set(c.hedges) == {"reportedly", "could_not_verify"}
    assert c.as_of.precision == "unknown" and c.as_of.start is None


def test_passive_report_without_agent_is_no_claim() -> None:
    assert run("Fighter jets were also reported to strike positions near the river.") == []


def test_no_doc_no_claims() -> None:
    text = "He said so."
    assert claims.find_claims(Article(id=article_id(text), text=text), None) == []


def _chernihiv(text: str) -> PlaceMention:
    start = text.index("Chernihiv")
    return PlaceMention(id="m", evidence=Evidence(article_id=article_id(text), start=start,
                                                   end=start + len("Chernihiv"), text="Chernihiv"),
                        name="Chernihiv", kind="toponym", precision="point",
                        place=Place(id="x", name="Chernihiv", kind="populated", country="UA", admin1="UA-74"))


def test_local_officials_speak_for_the_place_of_their_paragraph_but_residents_do_not() -> None:
    text = "Shelling hit a market in Chernihiv on Sunday. Local officials said four people were hurt."
    assert one(text, places=[_chernihiv(text)]).claimant.side == "UA"
    text = "Shelling hit a market in Chernihiv on Sunday. A shopkeeper, Olena, said four people were hurt."
    assert one(text, places=[_chernihiv(text)]).claimant.side == "unknown"


def test_whose_figure_it_is_comes_from_the_holder_not_whose_ground() -> None:
    from fogofwar import quantities

    def figures(text: str) -> tuple[str, set[str | None]]:
        article = Article(id=article_id(text), text=text, published="2024-08-20")
        doc = nlp.load()(text)
        (claim,) = claims.find_claims(article, doc, quantities=quantities.find_quantities(article, doc))
        return claim.claimant.side, {q.subject_side for q in claim.quantities}

    # "his troops" are the claimant's; "Russian territory" only says whose ground it is
    assert figures("Ukraine's army chief said his troops held 41 settlements of Russian territory.") == ("UA", {"UA"})
    assert figures("Ukraine's army chief said Ukrainian units held 41 Russian villages.") == ("UA", {"UA"})
    # a side named as the holder still decides
    assert figures("Russia's defence ministry said Ukrainian units held 12 villages.") == ("RU", {"UA"})
