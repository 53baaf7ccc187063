"""Time words resolved against the publication date; nothing guessed."""

from __future__ import annotations

import pytest

from fogofwar.dates import month_named, resolve


@pytest.mark.parametrize(("sentence", "published", "expected"), [
    ("On 3 March the governor said the figure had doubled.", "2023-03-09", ("2023-03-03", "2023-03-03", "day")),
    ("The council met on March 3rd, officials said.", "2023-03-09", ("2023-03-03", "2023-03-03", "day")),
    ("A report dated Oct. 14, 2022 put it at 40.", "2024-01-02", ("2022-10-14", "2022-10-14", "day")),
    ("Strikes between 16 and 18 June cut power.", "2023-06-20", ("2023-06-16", "2023-06-18", "days")),
    ("He said on Thursday that the line held.", "2023-06-20", ("2023-06-15", "2023-06-15", "day")),
    ("Shelling resumed yesterday.", "2023-06-20", ("2023-06-19", "2023-06-19", "day")),
    ("In late December, he said, the unit withdrew.", "2023-01-05", (None, None, "unknown")),
])
def test_dates_named_by_a_sentence(sentence: str, published: str, expected: tuple) -> None:
    d = resolve(sentence, published)
    assert (d.start, d.end, d.precision) == expected


def test_a_date_without_a_year_takes_the_latest_one_not_after_publication() -> None:
    assert resolve("On 28 December the bridge was hit.", "2024-01-03").start == "2023-12-28"


def test_dates_that_open_a_period_are_not_when_things_stood() -> None:
    assert resolve("Losses since 6 August exceed 400.", "2024-08-20").precision == "unknown"
    assert resolve("From Monday, trains will stop.", "2024-08-20").precision == "unknown"


def test_undated_articles_get_no_year_and_no_weekday() -> None:
    assert resolve("On 3 March the governor spoke.", None).precision == "unknown"
    assert resolve("He spoke on Thursday.", None).precision == "unknown"
    assert resolve("On 3 March 2022 the governor spoke.", None).start == "2022-03-03"


def test_the_modal_may_is_not_a_month_and_the_date_carries_its_words() -> None:
    assert resolve("Officials may 5 times revise it.", "2024-08-20").precision == "unknown"
    d = resolve("Figures from 2 May show it.", "2024-08-20", article_id="a1", offset=100)
    assert d.precision == "unknown"  # "from 2 May" opens a period
    d = resolve("As of 2 May, 30 had left.", "2024-08-20", article_id="a1", offset=100)
    assert (d.start, d.evidence.start, d.evidence.text) == ("2024-05-02", 106, "2 May")


def test_a_month_named_as_when_gives_month_precision() -> None:
    d = month_named("The brigade withdrew from the village in March.", "2025-06-11")
    assert (d.start, d.end, d.precision) == ("2025-03-01", "2025-03-31", "month")
    assert month_named("Heavy losses came in late November.", "2025-02-01").start == "2024-11-01"  # last year's
    assert month_named("In early July 2023 the bridge fell.", "2025-02-01").end == "2023-07-31"
    assert month_named("Officials may revise it.", "2025-06-11").precision == "unknown"
    assert month_named("Shelling has gone on since March.", "2025-06-11").precision == "unknown"
    assert month_named("On 4 March the bridge fell.", "2025-06-11").precision == "unknown"  # a day: resolve's
    assert month_named("The town fell in March.", None).precision == "unknown"  # undated: no year guessed
    assert month_named("The town fell in March.", None, given_year=2023).start == "2023-03-01"
