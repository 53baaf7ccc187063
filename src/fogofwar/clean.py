"""Clean: raw bytes to one normalised article text with its metadata.

The cleaned text is what every offset in the ledger points into. It is made by:

1. decoding (BOM, then strict UTF-8, then the declared charset, then detection);
2. for HTML, trafilatura's main-text extraction (title, author, date, site name);
3. Unicode NFC; line breaks (CR LF, CR, U+0085, U+2028, U+2029) become ``\\n``;
   zero-width characters, soft hyphens and other control characters are removed;
   every other Unicode space and tab becomes one ASCII space; runs of spaces collapse;
   lines are stripped and empty lines dropped, so paragraphs are separated by one ``\\n``;
4. deleting whole lines that match a pattern of ``data/boilerplate.txt``.

Offsets are Unicode code points into the result. The text depends only on the
document itself: lines learned as boilerplate from the rest of the corpus are
masked later as spans (see :func:`line_hashes`), never deleted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import re
import unicodedata
from importlib import resources

from . import __version__
from .config import Settings
from .errors import InputError
from .records import Article, RawDocument, Versions

__all__ = ["clean", "Cleaned", "decode", "normalise", "strip_boilerplate", "detect_language",
           "article_id", "is_html", "normalise_date", "line_hashes", "boilerplate_patterns",
           "lexicon_version"]

_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x7fELF",
                 b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"OggS", b"RIFF", b"\x00\x00\x01\x00")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_LINE_BREAKS = re.compile(r"\r\n|[\r\u0085\u2028\u2029\x0b\x0c]")
_SPACES = re.compile(r"[^\S\n]+")
MIN_HTML_WORDS = 8
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-:.]+)""", re.I)


def article_id(text: str) -> str:
    """An article's id: the sha256 of its cleaned text alone."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def boilerplate_patterns() -> tuple[re.Pattern[str], ...]:
    source = resources.files("fogofwar").joinpath("data/boilerplate.txt").read_text("utf-8")
    return tuple(re.compile(line.strip(), re.I) for line in source.splitlines()
                 if line.strip() and not line.lstrip().startswith("#"))


@functools.cache
def lexicon_version() -> str:
    """A short hash of the data files that shape cleaning, recorded on every article."""
    digest = hashlib.sha256()
    for name in ("data/boilerplate.txt", "data/vocab.json"):
        digest.update(resources.files("fogofwar").joinpath(name).read_bytes())
    return digest.hexdigest()[:12]


def is_html(content_type: str | None, text: str) -> bool:
    if content_type:
        return "html" in content_type.lower()
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or (
        head.startswith("<") and any(tag in head for tag in ("<body", "<head", "<p>", "<article", "<div")))


def decode(content: bytes, *, content_type: str | None = None) -> str:
    """Bytes to text, or :class:`InputError` E202 (binary) / E203 (undecodable)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="strict") if _is_utf8(content[3:]) else _undecodable("bad UTF-8 after BOM")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError("E203", detail="bad UTF-16") from exc
    if content.startswith(_BINARY_MAGIC) or b"\x00" in content[:8192]:
        raise InputError("E202", detail="binary signature or NUL bytes")
    if _is_utf8(content):
        return content.decode("utf-8")
    for charset in _declared_charsets(content, content_type):
        try:
            return content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return _detect(content)


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _undecodable(detail: str) -> str:
    raise InputError("E203", detail=detail)


def _declared_charsets(content: bytes, content_type: str | None) -> list[str]:
    found = []
    if content_type and "charset=" in content_type.lower():
        found.append(content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'"))
    match = _DECLARED_CHARSET.search(content[:4096])
    if match:
        found.append(match.group(1).decode("ascii", "ignore"))
    return found


def _detect(content: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(content[:200_000]).best()
    # Above this chaos ratio charset_normalizer's guesses on our encoding fixtures
    # (cp1251, latin-1, koi8-r) were garbage; real single-byte texts scored < 0.05.
    if best is None or best.chaos > 0.2:
        raise InputError("E203", detail="no encoding fits the bytes")
    text = content.decode(best.encoding, errors="strict")
    control = sum(1 for ch in text[:20_000] if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t")
    if control > max(8, len(text[:20_000]) // 100):
        raise InputError("E202", detail="control characters")
    return text


def normalise(text: str) -> str:
    """The documented normalisation (NFC, line breaks, spaces, empty lines)."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = _LINE_BREAKS.sub("\n", text)
    text = "".join(ch for ch in text if ch == "\n" or ch == "\t" or unicodedata.category(ch) != "Cc")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def strip_boilerplate(text: str, patterns: tuple[re.Pattern[str], ...] | None = None) -> str:
    """Delete whole lines that are known scraping junk."""
    patterns = boilerplate_patterns() if patterns is None else patterns
    kept = [line for line in text.split("\n") if not any(p.fullmatch(line) for p in patterns)]
    return "\n".join(kept)


def line_hashes(text: str) -> dict[str, tuple[int, int]]:
    """Each line's hash with its first span, for learning an outlet's recurring lines."""
    out: dict[str, tuple[int, int]] = {}
    pos = 0
    for line in text.split("\n"):
        if len(line) >= 12:  # shorter lines are too often shared by chance ("Reuters")
            out.setdefault(hashlib.blake2b(line.encode(), digest_size=16).hexdigest(), (pos, pos + len(line)))
        pos += len(line) + 1
    return out


@functools.cache
def _identifier():  # noqa: ANN202 - py3langid's LanguageIdentifier
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float | None]:
    """ISO 639-1 code and probability; (None, None) when there are no letters."""
    sample = text[:5000]
    if not any(ch.isalpha() for ch in sample):
        return None, None
    code, prob = _identifier().classify(sample)
    return code, round(float(prob), 4)


def normalise_date(value: str | None) -> str | None:
    """An ISO date or datetime as given, checked; None stays None."""
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value).isoformat()
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError as exc:
        raise InputError("E211", row="?", detail=f"published {value!r} is not an ISO date") from exc


@dataclasses.dataclass(frozen=True, slots=True)
class _Extracted:
    text: str
    title: str | None
    author: str | None
    published: str | None
    sitename: str | None


def _extract_html(html: str) -> _Extracted:
    import trafilatura

    # Dates only from markup and URL, never from free-text search: a date found in a
    # sentence is a date in the story, not the publication date.
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True})
    # A page whose main text is a handful of words is a menu, a paywall or an error
    # page, not an article (the shortest bundled live-blog entry has 40 words).
    if doc is None or len((doc.text or "").split()) < MIN_HTML_WORDS:
        raise InputError("E205")
    return _Extracted(doc.text, doc.title, doc.author, doc.date, doc.sitename)


@dataclasses.dataclass(frozen=True, slots=True)
class Cleaned:
    article: Article
    site_name: str | None  # from the HTML, for a report whose outlet is not given


def clean(raw: RawDocument, *, settings: Settings) -> Cleaned:
    """One raw document to an :class:`Article` (its id is the hash of its text)."""
    if len(raw.content) > settings.max_bytes:
        raise InputError("E204", size=len(raw.content), limit=settings.max_bytes)
    if not raw.content.strip():
        raise InputError("E201")
    decoded = decode(raw.content, content_type=raw.content_type)
    html = is_html(raw.content_type, decoded)
    meta = _extract_html(decoded) if html else _Extracted(decoded, None, None, None, None)
    text = strip_boilerplate(normalise(meta.text))
    if not text.strip():
        raise InputError("E205" if html else "E201")
    language, score = detect_language(text)
    if raw.language:  # the manifest or feed says so: trust it, keep the detector's score
        language = raw.language.lower()
    supported = language in settings.supported_languages
    published = normalise_date(raw.published) or _safe_date(meta.published)
    article = Article(
        id=article_id(text), text=text,
        title=raw.title or (normalise(meta.title) if meta.title else None),
        author=normalise(meta.author) if meta.author else None,
        published=published, language=language, language_score=score,
        status="ok" if supported else "language_not_supported",
        content_type="text/html" if html else "text/plain",
        raw_sha256=hashlib.sha256(raw.content).hexdigest(),
        versions=Versions(pipeline=__version__, lexicons=lexicon_version()),
    )
    return Cleaned(article, normalise(meta.sitename) if meta.sitename else None)


def _safe_date(value: str | None) -> str | None:
    try:
        return normalise_date(value)
    except InputError:
        return None
