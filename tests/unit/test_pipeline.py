"""The pipeline over a store: identity, near copies, rejection, masks, reprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogofwar import pipeline
from fogofwar.config import Settings
from fogofwar.errors import ConfigError
from fogofwar.store import Store

from ..conftest import STORY_A, STORY_B, write


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """Input files live apart from the SQLite database file."""
    return tmp_path / "in"


def run(store: Store, *inputs: str, **kw: object) -> pipeline.Summary:
    return pipeline.ingest(inputs, store=store, settings=Settings(db=store.db, **kw))  # type: ignore[arg-type]


def test_same_file_twice_stores_nothing_new(store: Store, inputs: Path) -> None:
    write(inputs / "a.txt", STORY_A)
    first = run(store, str(inputs))
    second = run(store, str(inputs))
    assert first.counts["stored"] == 1
    assert second.counts == {"duplicate": 1}
    assert store.counts()["articles"] == 1 and store.counts()["reports"] == 1


def test_identical_text_from_two_outlets_is_one_article_two_reports(store: Store, inputs: Path) -> None:
    write(inputs / "a.txt", STORY_A)
    write(inputs / "manifest.jsonl",
          '{"path": "a.txt", "outlet": "Steppe Wire", "url": "https://steppe.example/a"}\n'
          '{"path": "a.txt", "outlet": "Dnipro Courier", "url": "https://dnipro.example/a"}\n')
    summary = run(store, str(inputs))
    assert summary.counts == {"stored": 1, "new_report": 1}
    (row,) = store.articles()
    assert sorted(r.outlet for r in row.reports) == ["Dnipro Courier", "Steppe Wire"]
    assert {r.kind for r in row.reports} == {"original", "exact_copy"}


def test_near_copy_is_linked_as_report_of_original(store: Store, inputs: Path) -> None:
    write(inputs / "1-original.txt", STORY_A)
    trimmed = "KYIV, Aug 9 (Harbour Courier) -\n" + STORY_A.rsplit("\n", 1)[0]
    write(inputs / "2-copy.txt", trimmed)
    write(inputs / "3-other.txt", STORY_B)
    summary = run(store, str(inputs))
    assert summary.counts == {"stored": 2, "near_copy": 1}
    originals = store.articles(include_copies=False)
    original = next(r for r in originals if "Glushkovo" in r.article.text)
    assert [r.kind for r in original.reports] == ["original", "near_copy"]
    copy_id = original.reports[1].variant_id
    copy = store.article(copy_id)
    assert copy.canonical_id == original.article.id and copy.similarity >= 0.8
    assert copy.text.startswith("KYIV, Aug 9")  # the copy's own text is kept, not dropped


def test_bad_documents_are_stored_as_rejected_and_batch_goes_on(store: Store, inputs: Path) -> None:
    write(inputs / "empty.txt", "")
    write(inputs / "image.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    write(inputs / "good.txt", STORY_B)
    summary = run(store, str(inputs))
    assert summary.counts == {"rejected": 2, "stored": 1}
    assert summary.reasons == {"E201": 1, "E202": 1}
    assert sorted(r.reason for r in store.rejected()) == ["E201", "E202"]
    run(store, str(inputs))
    assert len(store.rejected()) == 2  # rejections are not duplicated on rerun


def test_learned_boilerplate_is_masked_not_deleted(store: Store, inputs: Path) -> None:
    footer = "Steppe Wire is an independent newsroom funded by its readers"
    stories = [STORY_A, STORY_B, STORY_A.replace("Thursday", "Friday").replace("14 drones", "9 drones")]
    for i, story in enumerate(stories):
        write(inputs / f"batch{i}" / f"s{i}.txt", story + "\n" + footer)
        write(inputs / f"batch{i}" / "manifest.jsonl",
              f'{{"path": "s{i}.txt", "outlet": "Steppe Wire", "url": "https://s.example/{i}"}}\n')
    for i in range(2):
        run(store, str(inputs / f"batch{i}"), boilerplate_min_articles=3, near_copy_threshold=0.99)
    first = store.article_ids()[0]
    assert list(store.derived(first, "mask")) == []  # the footer does not recur yet
    run(store, str(inputs / "batch2"), boilerplate_min_articles=3, near_copy_threshold=0.99)
    ids = store.article_ids()
    assert all(footer in store.text(i) for i in ids)  # text (and id) independent of the corpus
    assert [p["text"] for _r, _k, p in store.derived(ids[2], "mask")] == [footer]
    assert list(store.derived(first, "mask")) == []  # earlier articles learn it on reprocess
    done = pipeline.reprocess(store=store, settings=Settings(db=store.db, boilerplate_min_articles=3), stage="mask")
    assert done["staged"] == 3
    masks = [p for _r, _k, p in store.derived(first, "mask")]
    assert [m["text"] for m in masks] == [footer]
    text = store.text(first)
    assert text[masks[0]["start"]:masks[0]["end"]] == footer


def test_articles_stored_but_not_staged_are_caught_up(store: Store, inputs: Path) -> None:
    write(inputs / "a.txt", STORY_A)
    settings = Settings(db=store.db)
    from fogofwar.ingest import read_inputs

    (raw,) = read_inputs([str(inputs / "a.txt")], settings=settings)
    outcome, article = pipeline.process(raw, store=store, settings=settings)  # stored, as if killed before staging
    assert outcome.kind == "stored" and store.unstaged_ids(list(pipeline.STAGES)) == [article.id]
    again = run(store, str(inputs))
    assert again.counts == {"duplicate": 1}
    assert store.unstaged_ids(list(pipeline.STAGES)) == []


def test_an_article_another_process_stores_meanwhile_is_left_to_it(store: Store, inputs: Path) -> None:
    """A run catches up on what was left unstaged when it began, not on what another process
    stores while it runs (that process stages its own articles: doing it twice is waste)."""
    write(inputs / "a.txt", STORY_A)
    write(inputs / "elsewhere" / "b.txt", STORY_B)
    settings = Settings(db=store.db)
    from fogofwar.ingest import read_inputs

    (other,) = read_inputs([str(inputs / "elsewhere" / "b.txt")], settings=settings)
    theirs: list[str] = []

    def another_process_stores(_outcome: pipeline.Outcome) -> None:
        if not theirs:  # stored, not yet staged, by a process that is still running
            theirs.append(pipeline.process(other, store=store, settings=settings)[1].id)

    pipeline.ingest([str(inputs / "a.txt")], store=store, settings=settings, on_outcome=another_process_stores)
    assert store.unstaged_ids(list(pipeline.STAGES)) == theirs and store.unstaged_ids(["link"]) == theirs
    # a run that begins later finds it left over (that process was stopped) and stages it
    run(store, str(inputs / "a.txt"))
    assert store.unstaged_ids(list(pipeline.STAGES)) == [] and store.unstaged_ids(["link"]) == []


def test_reprocess_clean_after_a_boilerplate_edit(store: Store, inputs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from fogofwar import clean

    write(inputs / "a.txt", STORY_A + "\nSupport our reporting: donate today")
    write(inputs / "manifest.jsonl", '{"path": "a.txt", "outlet": "W", "url": "https://w.example/a"}\n')
    run(store, str(inputs))
    (old_id,) = store.article_ids()
    patterns = clean.boilerplate_patterns() + (re.compile("Support our reporting: donate today", re.I),)
    monkeypatch.setattr(clean, "boilerplate_patterns", lambda: patterns)
    done = pipeline.reprocess(store=store, settings=Settings(db=store.db))
    assert done["recleaned"] == 1
    (new_id,) = store.article_ids()
    assert new_id != old_id and "donate" not in store.text(new_id)
    assert [r.outlet for r in store.reports(new_id)] == ["W"]


def test_reprocess_unknown_stage(store: Store) -> None:
    with pytest.raises(ConfigError, match="E402"):
        pipeline.reprocess(store=store, settings=Settings(db=store.db), stage="nope")


def test_a_failing_stage_is_a_rejection_not_a_crash(store: Store, inputs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(article: object, ctx: object) -> list:
        raise ValueError("lexicon entry malformed")

    monkeypatch.setattr(pipeline, "STAGES", {"broken": pipeline.Stage("broken", "1", broken),
                                             "mask": pipeline.STAGES["mask"]})
    write(inputs / "a.txt", STORY_A)
    write(inputs / "b.txt", STORY_B)
    summary = run(store, str(inputs))
    assert summary.counts == {"stored": 2}
    failures = [r for r in store.rejected() if r.reason == "E214"]
    assert len(failures) == 2 and all(r.stage == "broken" and "malformed" in r.detail for r in failures)
    assert all(list(store.derived(i, "mask")) == [] for i in store.article_ids())  # later stages still ran
    assert store.unstaged_ids(["mask"]) == []
