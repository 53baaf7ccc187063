"""The seed's claims, with the seed's people removed from the registry: attribution and sides
come from the text; the registry only adds what the text does not say."""

from __future__ import annotations

import dataclasses

import pytest

from fogofwar import claims

from ..conftest import SEED
from .seed import parsed_seed

pytestmark = [pytest.mark.model,
              pytest.mark.skipif(not SEED.is_file(), reason="the shared seed article is not beside this checkout")]


@pytest.fixture
def without_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    lex = claims.lexicon()
    bare = dataclasses.replace(lex, registry={})
    monkeypatch.setattr(claims, "lexicon", lambda: bare)


def seed_claims() -> list:
    article, doc, mentions = parsed_seed()
    return claims.find_claims(article, doc, places=mentions)


def by_evidence(found: list) -> dict[str, object]:
    return {c.claimant.evidence.text: c for c in found}


def test_seed_claims_from_the_text_alone(without_registry: None) -> None:
    found = by_evidence(seed_claims())
    expect = {
        "Zelenskiy": ("UA", "wrote"),
        "Russian President Vladimir Putin": ("RU", None),
        "Yuri Podolyaka, a Ukrainian-born pro-Russian military blogger": ("RU", "argued"),
        "Moscow": ("RU", "reported"),
        "a Ukrainian security source": ("UA", "told"),
        "Ukrainian Deputy Prime Minister Iryna Vereshchuk": ("UA", "announced"),
    }
    for words, (side, cue) in expect.items():
        claim = found[words]
        assert claim.claimant.side == side, words
        if cue:
            assert claim.cue == cue, words
    # declaring a state of emergency is an act the outlet reports (an event), not a statement attributed to him
    assert "Belgorod governor Vyacheslav Gladkov" not in found
    assert found["Yuri Podolyaka, a Ukrainian-born pro-Russian military blogger"].claimant.kind == "blogger"
    source = found["a Ukrainian security source"].claimant
    assert (source.kind, source.via_outlet) == ("anonymous", "Reuters")
    assert found["Ihor Klymenko" if "Ihor Klymenko" in found else "Interior Minister Ihor Klymenko"].claimant.side \
        == "unknown"  # the text never says which country's minister: no side is guessed


def test_registry_adds_what_the_text_does_not_say() -> None:
    found = by_evidence(seed_claims())
    klymenko = found["Interior Minister Ihor Klymenko"].claimant
    assert (klymenko.side, klymenko.registry_id) == ("UA", "Ihor Klymenko")
    assert klymenko.role == "Interior Minister"  # the text's own words first


def test_every_seed_claim_has_its_span() -> None:
    for claim in seed_claims():
        assert claim.evidence.text and claim.claimant.evidence is not None
        assert claim.as_of.precision == "unknown"  # the seed is undated: nothing resolved
