"""The pipeline: ingest → clean → identify → store → derived stages.

``ingest`` streams documents through the stages that exist and stores each in
one transaction; ``reprocess`` re-runs stages on stored articles and replaces
their derived records atomically. Later issues register their stages in
``STAGES`` (places, claims, events, linking), in order.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from . import __version__, clean as clean_mod, corrections, identity
from .config import Settings
from .errors import ConfigError, InputError
from .ingest import read_inputs, rejected
from .records import Article, Evidence, RawDocument, Rejected, Report, Versions
from .store import Store, StoredRaw

__all__ = ["Outcome", "Summary", "Stage", "StageContext", "Resources", "STAGES", "run_stages", "ingest", "process", "reprocess", "stage_names",
           "link_articles", "ingest_documents", "admit", "stored_document", "replace_cleaned"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one input document."""

    kind: str  # stored | near_copy | new_report | duplicate | rejected
    source: str
    article_id: str | None = None
    original_id: str | None = None
    reason: str | None = None  # error code for rejected
    detail: str | None = None


@dataclass(slots=True)
class Summary:
    counts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.kind] += 1
        if outcome.reason:
            self.reasons[outcome.reason] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Stage:
    """A derived stage: reads an article, returns (record_id, kind, record) triples.

    ``needs_nlp`` stages get the article's parsed spaCy ``Doc`` in ``ctx.doc``
    (None for articles in a language the model does not support).
    """

    name: str
    version: str
    run: Callable[[Article, StageContext], Iterable[tuple[str, str, Any]]]
    needs_nlp: bool = False
    needs_supported_language: bool = False


class Resources:
    """Shared handles, loaded once per process when a stage first needs them.

    ``on_gazetteer_build(done, total)`` reports progress when the gazetteer cache has
    to be built (once per installation); the CLI draws it as a progress bar.
    """

    def __init__(self, settings: Settings, *,
                 on_gazetteer_build: Callable[[int, int], None] | None = None) -> None:
        self.settings = settings
        self.on_gazetteer_build = on_gazetteer_build
        self._nlp: Any = None
        self._gazetteer: Any = None

    @property
    def gazetteer(self) -> Any:
        if self._gazetteer is None:
            from .gazetteer import open_gazetteer

            self._gazetteer = open_gazetteer(progress=self.on_gazetteer_build)
        return self._gazetteer

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            from . import nlp

            self._nlp = nlp.load()
        return self._nlp


@dataclass(frozen=True, slots=True)
class StageContext:
    """What a stage sees of one article besides the article: the parse, and the records
    that the stages before it produced for this article (by stage name)."""

    store: Store
    settings: Settings
    resources: Resources
    doc: Any = None
    earlier: dict[str, list[Any]] = field(default_factory=dict)


def _mask_stage(article: Article, ctx: StageContext) -> Iterator[tuple[str, str, Any]]:
    """Lines that recur across many articles of one of this article's outlets, as masks."""
    spans = clean_mod.line_hashes(article.text)
    recurring: set[str] = set()
    for outlet in ctx.store.outlets_of(article.id):
        recurring |= ctx.store.recurring_lines(outlet, list(spans),
                                               min_articles=ctx.settings.boilerplate_min_articles)
    for line_hash in sorted(recurring):
        start, end = spans[line_hash]
        yield line_hash, "boilerplate_mask", Evidence(
            article_id=article.id, start=start, end=end, text=article.text[start:end])


def _places_stage(article: Article, ctx: StageContext) -> Iterator[tuple[str, str, Any]]:
    """Place mentions resolved in the gazetteer (any language: names are matched as written)."""
    from . import places

    for mention in places.find_mentions(article, ctx.doc, ctx.resources.gazetteer):
        yield mention.id, "place_mention", mention


def _quantities_stage(article: Article, ctx: StageContext) -> Iterator[tuple[str, str, Any]]:
    """Numbers that count or measure something (numerals are matched in any language)."""
    from . import quantities

    for quantity in quantities.find_quantities(article, ctx.doc):
        yield quantities.quantity_id(quantity), "quantity", quantity


def _claims_stage(article: Article, ctx: StageContext) -> Iterator[tuple[str, str, Any]]:
    """Attributed statements (English only: the parse decides who says what)."""
    from . import claims

    places = ctx.earlier.get("places")
    if places is None:  # run alone (reprocess --stage claims): read the stored mentions
        from .records import PlaceMention, from_dict

        places = [from_dict(PlaceMention, p) for _r, k, p in ctx.store.derived(article.id, "places")
                  if k == "place_mention"]
    for claim in claims.find_claims(article, ctx.doc, places=places,
                                    quantities=ctx.earlier.get("quantities") or ()):
        yield claim.id, "claim", claim


def _stored(ctx: StageContext, article: Article, stage: str, kind: str, cls: type) -> list[Any]:
    """Records of an earlier stage: from this run, or from the store when run alone."""
    if stage in ctx.earlier:
        return ctx.earlier[stage]
    from .records import from_dict

    return [from_dict(cls, p) for _r, k, p in ctx.store.derived(article.id, stage) if k == kind]


def _events_stage(article: Article, ctx: StageContext) -> Iterator[tuple[str, str, Any]]:
    """ACLED-coded events and flagged statements (English only)."""
    from . import events
    from .records import Claim, PlaceMention, Quantity

    found = events.find_events(
        article, ctx.doc, places=_stored(ctx, article, "places", "place_mention", PlaceMention),
        claims=_stored(ctx, article, "claims", "claim", Claim),
        quantities=_stored(ctx, article, "quantities", "quantity", Quantity))
    for event in found:
        yield event.id, "event", event


STAGES: dict[str, Stage] = {
    "mask": Stage("mask", "1", _mask_stage),
    "places": Stage("places", "1", _places_stage, needs_nlp=True),
    "quantities": Stage("quantities", "1", _quantities_stage, needs_nlp=True),
    "claims": Stage("claims", "1", _claims_stage, needs_nlp=True, needs_supported_language=True),
    "events": Stage("events", "1", _events_stage, needs_nlp=True, needs_supported_language=True),
}


LINK_VERSION = "1"  # the link stage runs after these, across articles (link.py)


def stage_names() -> list[str]:
    return ["clean", *STAGES, "link"]


def _report_id(variant_id: str, raw: RawDocument) -> str:
    key = f"{variant_id}\0{raw.url or raw.source}\0{raw.outlet or ''}"
    return hashlib.sha256(key.encode()).hexdigest()


def process(raw: RawDocument, *, store: Store, settings: Settings) -> tuple[Outcome, Article | None]:
    """Clean, identify and store one raw document; returns the article when it is new."""
    try:
        cleaned = clean_mod.clean(raw, settings=settings)
    except InputError as exc:
        store.put_rejected(rejected(raw.source, exc, stage="clean", content=raw.content))
        return Outcome("rejected", raw.source, reason=exc.code, detail=str(exc)), None
    return admit(raw, cleaned, store=store, settings=settings)


def admit(raw: RawDocument, cleaned: clean_mod.Cleaned, *, store: Store,
          settings: Settings) -> tuple[Outcome, Article | None]:
    """Identify and store one cleaned document (cleaned here or on a Dask worker)."""
    article = cleaned.article
    outlet = raw.outlet or cleaned.site_name
    report = Report(id=_report_id(article.id, raw), article_id=article.id, variant_id=article.id,
                    kind="original", outlet=outlet, url=raw.url, source=raw.source,
                    published=article.published, title=article.title)
    stored_raw = StoredRaw(article.raw_sha256 or "", raw.content, raw.content_type, {
        k: getattr(raw, k) for k in ("url", "outlet", "published", "language", "title", "note")})
    existing = _existing(store, article.id)
    if existing is not None:  # the same text again: maybe from another outlet
        canonical = existing.canonical_id or article.id
        kind = "exact_copy" if canonical == article.id else "near_copy"
        report = _replace(report, article_id=canonical, kind=kind)
        _new, new_report = store.put_document(article=existing, report=report, raw=None)
        return Outcome("new_report" if new_report else "duplicate", raw.source, article.id, canonical), None
    items = identity.shingles(article.text)
    bands = identity.bands(items)
    candidates = [cid for cid, _hits in store.near_copy_candidates(bands)]
    original = identity.find_original(items, candidates, store.text, threshold=settings.near_copy_threshold)
    if original is not None:
        article = _replace(article, canonical_id=original[0], similarity=original[1])
        report = _replace(report, article_id=original[0], kind="near_copy")
    new_article, _ = store.put_document(
        article=article, report=report, raw=stored_raw,
        bands=bands if original is None else (), outlet_lines=list(clean_mod.line_hashes(article.text)))
    staged = article if new_article else None
    if original is not None:
        return Outcome("near_copy", raw.source, article.id, original[0]), staged
    return Outcome("stored" if new_article else "duplicate", raw.source, article.id), staged


def _existing(store: Store, article_id: str) -> Article | None:
    return store.article(article_id) if store.has_article(article_id) else None


def _replace(record: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(record, **changes)


def run_stages(articles: list[Article], *, store: Store, settings: Settings, resources: Resources,
               only: Iterable[str] | None = None) -> None:
    """Run the derived stages over a batch of articles (parsed together when a stage needs it)."""
    names = list(only) if only is not None else list(STAGES)
    stages = [STAGES[name] for name in names]
    docs: list[Any] = [None] * len(articles)
    if any(stage.needs_nlp for stage in stages):
        from . import nlp

        parseable = [i for i, a in enumerate(articles) if a.status == "ok"]
        for i, doc in zip(parseable, nlp.parse(resources.nlp, (articles[i].text for i in parseable)), strict=True):
            docs[i] = doc
    writes = []  # stored together: one transaction per batch, not one per article and stage
    for article, doc in zip(articles, docs, strict=True):
        ctx = StageContext(store=store, settings=settings, resources=resources, doc=doc)
        fixes = corrections.for_article(store, article.id)  # an analyst's, applied again to what is found again
        for stage in stages:
            skip = stage.needs_supported_language and article.status != "ok"
            try:
                records = [] if skip else _unique(stage.run(article, ctx))
            except Exception as exc:  # noqa: BLE001 - one article's failure must not stop the batch
                store.put_rejected(Rejected(
                    id=hashlib.sha256(f"{article.id}\0{stage.name}\0{type(exc).__name__}".encode()).hexdigest(),
                    source=f"article:{article.id}", stage=stage.name, reason="E214",
                    detail=str(InputError("E214", stage=stage.name, detail=f"{type(exc).__name__}: {exc}"))[:500]))
                records = []
            if fixes:
                records = corrections.apply(records, fixes)
            ctx.earlier[stage.name] = [record for _rid, _kind, record in records]
            writes.append((article.id, stage.name, records, Versions(pipeline=__version__, lexicons=stage.version)))
    store.replace_derived_many(writes)


def _unique(records: Iterable[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
    """A stage's records with each id once (the first wins)."""
    seen: set[str] = set()
    out = []
    for rid, kind, record in records:
        if rid not in seen:
            seen.add(rid)
            out.append((rid, kind, record))
    return out


def ingest(inputs: Iterable[str], *, store: Store, settings: Settings, manifests: Iterable[str] = (),
           stdin: BinaryIO | None = None, resources: Resources | None = None,
           on_outcome: Callable[[Outcome], None] | None = None) -> Summary:
    """Read, clean and store every document, then run the derived stages on new articles
    in batches; one bad document never stops the batch."""
    return ingest_documents(read_inputs(inputs, settings=settings, manifests=manifests, stdin=stdin),
                            store=store, settings=settings, resources=resources, on_outcome=on_outcome)


def ingest_documents(items: Iterable[RawDocument | Rejected], *, store: Store, settings: Settings,
                     resources: Resources | None = None,
                     on_outcome: Callable[[Outcome], None] | None = None) -> Summary:
    """Clean and store documents already read (the API's bodies, or ``read_inputs``), stage
    the new articles in batches and link them."""
    resources = resources or Resources(settings)
    summary = Summary()
    pending: list[Article] = []
    touched: set[str] = set()  # articles to link: new ones, and old ones with a new report
    left = leftover(store)
    for item in items:
        if isinstance(item, Rejected):
            store.put_rejected(item)
            outcome = Outcome("rejected", item.source, reason=item.reason, detail=item.detail)
        else:
            outcome, new = process(item, store=store, settings=settings)
            if new is not None:
                pending.append(new)
            if outcome.kind in ("stored", "near_copy", "new_report") and outcome.article_id:
                touched.update(i for i in (outcome.article_id, outcome.original_id) if i)
        if len(pending) >= settings.batch_size:
            run_stages(pending, store=store, settings=settings, resources=resources)
            pending = []
        summary.add(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    if pending:
        run_stages(pending, store=store, settings=settings, resources=resources)
    _catch_up(store=store, settings=settings, resources=resources, touched=touched, left=left)
    return summary


@dataclass(frozen=True, slots=True)
class Leftover:
    """Articles an earlier run stored but did not stage, or did not link (it was stopped),
    as they stood when this run began."""

    unstaged: frozenset[str]
    unlinked: frozenset[str]


def leftover(store: Store) -> Leftover:
    """What a run picks up after its own work. Taken when it begins, so that the articles
    another process stores meanwhile, and is about to stage itself, are left to it."""
    return Leftover(frozenset(store.unstaged_ids(list(STAGES))), frozenset(store.unstaged_ids(["link"])))


def _catch_up(*, store: Store, settings: Settings, resources: Resources, touched: set[str] | None = None,
              left: Leftover | None = None) -> None:
    """Stage articles stored by an earlier run that was stopped before staging them, then
    link them with every article touched since (the link stage runs once per call: its
    blocks span articles, so relinking them batch by batch would redo the same work)."""
    left = left or leftover(store)
    ids = [i for i in store.unstaged_ids(list(STAGES)) if i in left.unstaged]
    for start in range(0, len(ids), settings.batch_size):
        batch = [store.article(i) for i in ids[start:start + settings.batch_size]]
        run_stages(batch, store=store, settings=settings, resources=resources)
    unlinked = (i for i in store.unstaged_ids(["link"]) if i in left.unlinked)
    link_articles({*(touched or ()), *unlinked}, store=store, settings=settings)


def link_articles(article_ids: Iterable[str], *, store: Store, settings: Settings) -> None:
    """Run the link stage over these articles' blocks and record that it ran."""
    from . import link

    ids = sorted(set(article_ids))  # gone ones too (re-cleaned away): their links are dropped
    if ids:
        link.update(store, settings, ids)
        store.mark_stage([i for i in ids if store.has_article(i)], "link",
                         Versions(pipeline=__version__, lexicons=LINK_VERSION))


def reprocess(*, store: Store, settings: Settings, stage: str | None = None, since: str | None = None,
              resources: Resources | None = None,
              on_article: Callable[[str, int], None] | None = None) -> Counter[str]:
    """Re-run one stage (or all, re-cleaning first) on stored articles, in batches."""
    if stage is not None and stage not in stage_names():
        raise ConfigError("E402", name=stage, known=", ".join(stage_names()))
    resources = resources or Resources(settings)
    only = None if stage is None else [stage]
    ids = store.article_ids(since=since)
    done: Counter[str] = Counter()
    batch: list[Article] = []
    touched: set[str] = set()
    for n, article_id in enumerate(ids, 1):
        current: str | None = article_id
        if stage in (None, "clean"):
            current = _reclean(article_id, store=store, settings=settings, done=done)
        touched.update(i for i in (article_id, current) if i)
        if stage not in ("clean", "link") and current is not None:
            batch.append(store.article(current))
            done["staged"] += 1
        if len(batch) >= settings.batch_size:
            run_stages(batch, store=store, settings=settings, resources=resources, only=only)
            batch = []
        if on_article is not None:
            on_article(article_id, n)
    if batch:
        run_stages(batch, store=store, settings=settings, resources=resources, only=only)
    if stage != "clean":
        link_articles(touched, store=store, settings=settings)
        done["linked"] = len(touched)
    lost = len(corrections.orphans(store))
    if lost:  # reported, never dropped: `fogofwar audit --orphans` lists them
        done["orphaned_corrections"] = lost
    return done


def _reclean(article_id: str, *, store: Store, settings: Settings, done: Counter[str]) -> str | None:
    doc = stored_document(article_id, store=store)
    if doc is None:
        done["no_raw"] += 1
        return article_id
    try:
        article = clean_mod.clean(doc, settings=settings).article
    except InputError:
        done["clean_failed"] += 1  # kept as it was: nothing stored is lost
        return article_id
    return replace_cleaned(article_id, article, store=store, done=done)


def stored_document(article_id: str, *, store: Store) -> RawDocument | None:
    """The raw document an article was cleaned from, to clean again (None when not kept)."""
    raws = store.raw_for(article_id)
    if not raws:
        return None
    raw = raws[0]
    return RawDocument(source=f"raw:{raw.sha256}", content=raw.content, content_type=raw.content_type,
                       **{k: raw.meta.get(k) for k in ("url", "outlet", "published", "language", "title", "note")})


def replace_cleaned(article_id: str, article: Article, *, store: Store, done: Counter[str]) -> str:
    """Put an article cleaned again in place of the stored one; returns its (maybe new) id."""
    if article.id == article_id:
        done["unchanged"] += 1
        return article_id
    old = store.article(article_id)
    article = _replace(article, canonical_id=old.canonical_id, similarity=old.similarity)
    if store.has_article(article.id):  # the new text is one already stored: merge into it
        done["merged"] += 1
    else:
        done["recleaned"] += 1
    store.replace_article(article_id, article=article,
                          bands=identity.bands(identity.shingles(article.text)) if old.canonical_id is None else (),
                          outlet_lines=list(clean_mod.line_hashes(article.text)))
    return article.id
