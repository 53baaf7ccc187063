"""A generator of realistic war-reporting articles for tests and benchmarks.

Sentences are built from templates with many slots (places, actors, numbers,
days), so that two generated articles share few word 5-shingles and are never
near copies of each other by accident. Every text is written for fogofwar.
"""

from __future__ import annotations

import random
from pathlib import Path

PLACES = [
    "Sudzha", "Korenevo", "Glushkovo", "Tetkino", "Lgov", "Rylsk", "Kurchatov", "Lyubimovka", "Martynovka",
    "Malaya Loknya", "Giry", "Plekhovo", "Olgovka", "Snagost", "Zelenyi Shlyakh", "Kremyanoye", "Bolshoye Soldatskoye",
    "Krasnaya Yaruga", "Shebekino", "Graivoron", "Valuyki", "Belgorod", "Sumy", "Krasnopillia", "Velyka Pysarivka",
    "Okhtyrka", "Trostianets", "Vovchansk", "Kupiansk", "Pokrovsk", "Toretsk", "Myrnohrad", "Selydove", "Novohrodivka",
    "Bryansk", "Klintsy", "Voronezh", "Lipetsk", "Oryol", "Kursk", "Zheleznogorsk", "Dmitriev", "Oboyan",
]
REGIONS = ["Kursk region", "Belgorod region", "Bryansk region", "Sumy region", "Kharkiv region", "Donetsk region",
           "Voronezh region", "Oryol region"]
ACTORS = ["Ukrainian forces", "Russian troops", "border guards", "a motorised rifle brigade", "an assault battalion",
          "air defence crews", "drone operators", "artillery units", "reconnaissance groups", "territorial defence units"]
SOURCES = ["the regional governor", "the defence ministry", "the general staff", "a military spokesman",
           "a local official", "the emergencies ministry", "an unnamed security source", "a war correspondent",
           "the regional administration", "a humanitarian coordinator", "a village head", "the border service"]
CUES = ["said", "reported", "wrote", "claimed", "told reporters", "announced", "stated"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday",
        "overnight", "early in the morning", "late in the evening", "since the start of the day"]
THINGS = ["drones", "missiles", "armoured vehicles", "tanks", "artillery pieces", "supply trucks", "glide bombs"]
QUALS = ["more than", "about", "at least", "nearly", "up to", "over", "around", "fewer than"]

TEMPLATES = [
    "{actor} advanced {n} km toward {place} {day}, {source} {cue}.",
    "{source} {cue} that {n} {thing} were shot down over {region} {day}.",
    "Fighting continued near {place} and {place2}, where {actor} tried to cut a supply road.",
    "{qual} {big} residents of {place} have left their homes, according to {source}.",
    "{source} {cue} {actor} had taken control of {n} settlements in {region}.",
    "A strike on {place} damaged {n} houses and a school, {source} {cue} {day}.",
    "Power was cut in {place} after shelling hit a substation {day}, {source} {cue}.",
    "The road between {place} and {place2} was closed to civilian traffic, {source} {cue}.",
    "{actor} reported destroying {n} {thing} near {place} in the past day.",
    "{source} {cue} that {qual} {n} prisoners had been taken around {place}.",
    "Evacuation buses left {place} for {place2} {day}, carrying {qual} {n} people.",
    "In {region}, {source} declared a local emergency after attacks on {place}.",
    "Satellite images of {place} showed burned vehicles along the river, analysts said.",
    "{source} {cue} the situation around {place} remained tense but under control.",
    "Residents of {place} described hearing explosions for {n} hours {day}.",
    "{actor} were said to be digging in along a line from {place} to {place2}.",
    "The claim about {place} could not be independently verified, and {source} gave no details.",
    "{source} denied that {actor} had entered {place}, calling the reports false.",
    "Aid workers said {qual} {big} people needed food and medicine in {region}.",
    "{n} civilians were wounded in {place}, {source} {cue}, adding that {m} were children.",
    "A bridge near {place} was hit by {actor} for the {ordinal} time this week.",
    "Officials in {place2} opened {n} temporary shelters for families from {place}.",
    "{source} {cue} that {actor} lost {qual} {n} soldiers near {place} {day}.",
    "Trains from {place} to {place2} were suspended, the railway operator said {day}.",
    "A curfew was imposed in {place} from {n} p.m., {source} {cue}.",
    "{actor} used {thing} to strike positions outside {place}, {source} {cue}.",
    "The front line near {place} moved by {qual} {n} km, according to {source}.",
    "{source} {cue} {qual} {big} square kilometres of {region} were contested.",
    "Schools in {place} will stay closed until further notice, {source} {cue}.",
    "{source} {cue} that {n} {thing} had been captured intact near {place2}.",
]

ORDINALS = ["second", "third", "fourth", "fifth"]
OUTLETS = ["Steppe Wire", "Dnipro Courier", "Border Monitor", "Northern Ledger", "Field Dispatch", "Seym Post"]


def sentence(rng: random.Random) -> str:
    template = rng.choice(TEMPLATES)
    place, place2 = rng.sample(PLACES, 2)
    text = template.format(
        actor=rng.choice(ACTORS), place=place, place2=place2, region=rng.choice(REGIONS),
        source=rng.choice(SOURCES), cue=rng.choice(CUES), day=rng.choice(DAYS), thing=rng.choice(THINGS),
        qual=rng.choice(QUALS), n=rng.randint(2, 140), m=rng.randint(1, 9), big=f"{rng.randint(2, 250) * 100:,}",
        ordinal=rng.choice(ORDINALS))
    return text[0].upper() + text[1:]


def article(rng: random.Random, *, words: int = 500) -> str:
    """One article of about ``words`` words, in paragraphs of two or three sentences."""
    paragraphs: list[str] = []
    count = 0
    while count < words:
        para = " ".join(sentence(rng) for _ in range(rng.randint(2, 3)))
        paragraphs.append(para)
        count += len(para.split())
    return "\n\n".join(paragraphs)


def html_page(text: str, *, title: str, outlet: str, published: str | None) -> str:
    date_meta = f"<meta property='article:published_time' content='{published}'>" if published else ""
    body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta property='og:site_name' content='{outlet}'>{date_meta}</head><body>"
            "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/about'>About us</a></nav>"
            f"<main><article><h1>{title}</h1>{body}</article></main>"
            "<aside><h3>Most read</h3><ul><li><a href='/a'>Markets wobble</a></li></ul></aside>"
            f"<footer><p>© 2024 {outlet}. Written for fogofwar's tests.</p></footer></body></html>")


def write_corpus(root: Path, n: int, *, seed: int = 1, words: int = 500, html_share: float = 0.5) -> list[Path]:
    """``n`` distinct articles as text and HTML files under ``root``."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        text = article(rng, words=words)
        if rng.random() < html_share:
            day = f"2024-08-{rng.randint(6, 28):02d}"
            path = root / f"{i:05d}.html"
            path.write_text(html_page(text, title=f"Dispatch {i}: {sentence(rng)[:50]}",
                                      outlet=rng.choice(OUTLETS), published=day), encoding="utf-8")
        else:
            path = root / f"{i:05d}.txt"
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
