"""Cleaning: decoding, HTML extraction, normalisation, boilerplate, language, identity."""

from __future__ import annotations

import pytest

from fogofwar import clean
from fogofwar.config import Settings
from fogofwar.errors import InputError
from fogofwar.records import RawDocument

from ..conftest import STORY_A

SETTINGS = Settings(db=":memory:")


def raw(content: bytes | str, **meta: str | None) -> RawDocument:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return RawDocument(source="test", content=data, **meta)  # type: ignore[arg-type]


def page(body: str, head: str = "") -> str:
    return (f"<!doctype html><html><head><title>Border fighting widens</title>{head}</head><body>"
            "<nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li></ul></nav>"
            f"<article><h1>Border fighting widens</h1>{body}</article>"
            "<footer><p>Copyright 2024 Example Media. All rights reserved.</p></footer></body></html>")


def test_normalise_documented_rules() -> None:
    messy = "Caf\u0065\u0301  in\u00a0Kursk\r\n\r\n\u200bsecond\tline \u2028third\u00adline\x07"
    assert clean.normalise(messy) == "Caf\u00e9 in Kursk\nsecond line\nthirdline"


def test_boilerplate_line_is_deleted_but_similar_prose_is_kept() -> None:
    text = "Shelling hit the town.\nGIPHY App Key not set. Please check settings\nShare this story with caution, he said."
    assert clean.strip_boilerplate(text) == "Shelling hit the town.\nShare this story with caution, he said."


# site furniture that extraction keeps when it sits inside the article's own container
SITE_JUNK = ["Skip to main content", "Home | World | War in Ukraine | Opinion", "Home » World » Europe",
             "Share this article: Facebook | X | Telegram | Email", "Privacy Policy · Terms of Use · Cookie settings",
             "Read more: Kyiv says its long-range drones can now reach 1,000 km into Russia",
             "Sorry, this video is not available in your region.", "© 2024 The Lowland Courier. All rights reserved.",
             "Copyright 2024 The Lowland Courier", "This website uses cookies to improve your experience.",
             "Error: Twitter widget failed to load. Please refresh the page.", "👁 3.1K", "Subscribe 👉 @frontline_notes",
             "Support the channel: details in the pinned post", "Like, repost, subscribe to stay informed!",
             "Harbour Gazette - Europe (syndicated)", "Lowland Courier / Politics", "Source: Lowland Wire",
             "Photo credit: Olena Marchuk", "Support the guys, the link for drones is in the pinned post.",
             'Reposted from the channel "Notes from the South"', "Subscribe to our channel for more news."]
# prose that starts like it, and a list of figures between bullets
LOOKALIKE_PROSE = ["Read more than 300 pages of the report, he said.", "Copyright 2024 claims were dismissed by the court.",
                   "• 120,000 evacuated • 28 settlements • 1,000 km²", "Home guards in Sudzha said they had no water.",
                   "Sorry, the minister said, the road is not available to civilians.",
                   "The website uses cookies, the outlet's editor said, but it was not hacked.",
                   "Support the channel ended after the scandal, he said.",
                   "The video failed to load for many viewers in Kursk, residents said.",
                   "Subscribers to the channel numbered 40,000, its author said.",
                   "Sources: the ministry said 40 drones were downed, but the governor put it at 12.",
                   "Share prices fell, traders said.", "The 24/7 curfew in Sumy / Okhtyrka was lifted.",
                   "Support the guys who hold Siversk, the mayor urged residents.",
                   "Subscribers to our channel in Kherson lost power, the operator said."]


def test_site_menus_links_and_notices_are_deleted_but_lookalike_prose_is_kept() -> None:
    kept = clean.strip_boilerplate("\n".join(["Drones hit a depot.", *SITE_JUNK, *LOOKALIKE_PROSE])).split("\n")
    assert kept == ["Drones hit a depot.", *LOOKALIKE_PROSE]


def test_site_junk_inside_an_article_container_is_removed_from_a_page() -> None:
    body = "".join(f"<p>{line}</p>" for line in [STORY_A.split("\n")[0], *SITE_JUNK[:5], "Officials gave no figures."])
    article = clean.clean(raw(page(body)), settings=SETTINGS).article
    assert "Officials gave no figures." in article.text
    assert not [line for line in SITE_JUNK if line in article.text]


def test_plain_text_article_keeps_unknown_date_unknown() -> None:
    article = clean.clean(raw(STORY_A + "\nGIPHY App Key not set. Please check settings\n"), settings=SETTINGS).article
    assert article.published is None
    assert "GIPHY" not in article.text
    assert article.language == "en" and article.status == "ok"
    assert article.id == clean.article_id(article.text)


def test_same_text_same_id_regardless_of_layout_noise() -> None:
    a = clean.clean(raw(STORY_A), settings=SETTINGS).article
    b = clean.clean(raw("\ufeff" + STORY_A.replace("\n", "\r\n\r\n") + "\n\n"), settings=SETTINGS).article
    assert a.id == b.id


def test_html_extraction_drops_navigation_and_keeps_metadata() -> None:
    head = ("<meta property='og:site_name' content='Steppe Wire'>"
            "<meta property='article:published_time' content='2024-08-09T08:00:00Z'>")
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY_A.split("\n"))
    body = paragraphs + "<p>GIPHY App Key not set. Please check settings</p>"
    result = clean.clean(raw(page(body, head)), settings=SETTINGS)
    article = result.article
    assert article.content_type == "text/html"
    assert article.title == "Border fighting widens"
    assert article.published == "2024-08-09"
    assert result.site_name == "Steppe Wire"
    assert "Home" not in article.text.split("\n") and "Copyright" not in article.text
    assert "GIPHY" not in article.text
    assert "Residents of Tetkino" in article.text


def test_html_date_is_not_guessed_from_prose() -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY_A.split("\n"))
    body = "<p>The offensive began on 6 August 2024, officials said.</p>" + paragraphs
    assert clean.clean(raw(page(body)), settings=SETTINGS).article.published is None


def test_manifest_metadata_wins() -> None:
    article = clean.clean(raw(STORY_A, published="2024-08-15", title="T", language="en"),
                          settings=SETTINGS).article
    assert (article.published, article.title) == ("2024-08-15", "T")


def test_non_english_is_stored_but_marked() -> None:
    text = ("Українські війська просунулися вглиб Курської області, повідомив головнокомандувач. "
            "За його словами, під контролем перебувають десятки населених пунктів, а евакуація триває.")
    article = clean.clean(raw(text), settings=SETTINGS).article
    assert article.language == "uk"
    assert article.status == "language_not_supported"


@pytest.mark.parametrize("content, code", [
    (b"", "E201"),
    (b"   \n\t\n", "E201"),
    (b"%PDF-1.7\n%binary", "E202"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "E202"),
    (b"abc\x00def" * 20, "E202"),
    (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "E205"),
])
def test_bad_inputs_raise_coded_errors(content: bytes, code: str) -> None:
    with pytest.raises(InputError) as err:
        clean.clean(raw(content), settings=SETTINGS)
    assert err.value.code == code


def test_too_large_is_rejected() -> None:
    with pytest.raises(InputError, match="E204"):
        clean.clean(raw("x" * 200), settings=SETTINGS.with_(max_bytes=100))


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r", "utf-16"])
def test_legacy_encodings_decode(encoding: str) -> None:
    text = ("Губернатор Курской области сообщил об эвакуации жителей приграничных районов. "
            "По его словам, из зоны боевых действий вывезены тысячи человек, работают пункты временного размещения.")
    assert clean.decode(text.encode(encoding)) == text


def test_declared_charset_is_used() -> None:
    html = "<html><head><meta charset='windows-1252'></head><body><p>Caf\u00e9 \u2013 Kursk</p></body></html>"
    assert "Caf\u00e9 \u2013 Kursk" in clean.decode(html.encode("cp1252"))


def test_line_hashes_point_at_their_lines() -> None:
    text = "A first line that is long enough\nshort\nA third line that is long enough"
    spans = clean.line_hashes(text)
    assert sorted(text[s:e] for s, e in spans.values()) == [
        "A first line that is long enough", "A third line that is long enough"]
