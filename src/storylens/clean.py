"""Clean: main text out of HTML, call-to-action and repeated boilerplate lines out of text.

Reads: ``RawArticle``. Writes: ``Article`` with ``text`` (cleaned; every later offset points here),
``original`` (as it arrived) and ``removed`` (the lines taken out, kept for audit).

Fallback chain for HTML: trafilatura (precision settings) → trafilatura (recall settings) → the
text of ``<p>`` elements (fragments such as feed content only). Plain text loses whole lines that
match ``data/boilerplate.txt`` and lines that repeat across at least ``REPEATED_LINE_MIN_ARTICLES``
articles of the same source (learned from the store and the batch, see :class:`LineLearner`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from storylens.models import Article, RawArticle, content_hash, derive_id

__all__ = [
    "MAX_BOILERPLATE_CHARS",
    "REPEATED_LINE_MIN_ARTICLES",
    "LineLearner",
    "clean_article",
    "clean_text",
    "extract_html",
    "is_boilerplate",
    "line_key",
]

MAX_BOILERPLATE_CHARS = 220
"""Longer lines are never removed by pattern: a real paragraph may mention a newsletter."""

REPEATED_LINE_MIN_ARTICLES = 3
"""A short line seen in this many articles of one source is that source's boilerplate."""

MAX_REPEATED_LINE_CHARS = 300
MIN_PAGE_WORDS = 12
"""A full HTML page whose main text is shorter than this has no article (menus, error pages)."""
_UNKNOWN_SOURCE = "unknown"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    text = resources.files("storylens").joinpath("data/boilerplate.txt").read_text(encoding="utf-8")
    patterns = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            patterns.append(re.compile(line, re.IGNORECASE))
    return tuple(patterns)


def is_boilerplate(line: str) -> bool:
    """True when a whole line is a call to action, consent, sharing or copyright line."""
    stripped = line.strip().strip("*_>#|-–—•· ").strip()
    if not stripped or len(stripped) > MAX_BOILERPLATE_CHARS:
        return False
    return any(p.match(stripped) for p in _patterns())


def line_key(line: str) -> str:
    """Hash of a line for repeated-line counting (case and spacing ignored)."""
    norm = " ".join(line.casefold().split())
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:20]


def _candidate_lines(text: str) -> dict[str, str]:
    """Short distinct lines of a text, keyed by line_key: what repeated-line learning counts."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if 3 <= len(stripped) <= MAX_REPEATED_LINE_CHARS:
            out[line_key(stripped)] = stripped
    return out


class LineLearner:
    """Finds lines that repeat across many articles of the same source.

    Counts come from the store (``Store.line_counts``) plus the batch being ingested, so the
    first batch of a new outlet is cleaned as well as later ones.
    """

    def __init__(self, store: Any | None = None, min_articles: int = REPEATED_LINE_MIN_ARTICLES) -> None:
        self.store = store
        self.min_articles = min_articles
        self._batch: dict[str, Counter[str]] = {}

    def observe(self, raws: Iterable[RawArticle]) -> None:
        for raw in raws:
            source = raw.source or _UNKNOWN_SOURCE
            self._batch.setdefault(source, Counter()).update(_candidate_lines(raw.text).keys())

    def repeated(self, source: str | None, text: str) -> set[str]:
        """Keys of the lines of ``text`` that are boilerplate for ``source``."""
        source = source or _UNKNOWN_SOURCE
        keys = _candidate_lines(text)
        stored = self.store.line_counts(source, keys) if self.store is not None else {}
        batch = self._batch.get(source, Counter())
        return {k for k in keys if stored.get(k, 0) + batch.get(k, 0) >= self.min_articles}


def clean_text(text: str, repeated: set[str] | frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """(cleaned text, removed lines): paragraphs joined by blank lines, boilerplate lines removed."""
    kept: list[str] = []
    removed: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            kept.append(" ".join(paragraph))
            paragraph.clear()

    for raw_line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw_line.split())
        if not line:
            flush()
            continue
        if is_boilerplate(line) or line_key(line) in repeated:
            flush()
            removed.append(line)
            continue
        paragraph.append(line)
    flush()
    return "\n\n".join(kept), removed


def extract_html(html: str, *, fragment: bool = False) -> dict[str, Any] | None:
    """Main text and metadata of an HTML page (title, date, author, sitename, url, language).

    Returns None when no main text is found. ``fragment`` marks HTML snippets (feed content),
    which fall back to their paragraph text when trafilatura finds no article in them.
    """
    import trafilatura

    text = ""
    meta: dict[str, Any] = {}
    for precision in (True, False):
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=not fragment,
            include_comments=False,
            include_tables=False,
            favor_precision=precision,
            favor_recall=not precision,
        )
        if doc is not None:
            data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
            text = data.get("text") or ""
            meta = data
        if len(text.split()) >= 25:
            break
    if fragment and len(text.split()) < 25:
        text = _paragraph_text(html) or text
    if not text.strip() or (not fragment and len(text.split()) < MIN_PAGE_WORDS):
        return None
    title = (meta.get("title") or "").strip()
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if title and lines and lines[0] == title:
        lines = lines[1:]
    if not lines:
        return None
    published = _meta_published(html) if not fragment else None
    return {
        "text": "\n\n".join(lines),
        "title": title,
        "date": published or meta.get("date"),
        "author": meta.get("author"),
        "sitename": meta.get("sitename") or meta.get("hostname"),
        "url": meta.get("url"),
        "language": meta.get("language"),
    }


def _paragraph_text(html: str) -> str:
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    blocks = [" ".join(p.text_content().split()) for p in root.xpath("//p|//li|//h1|//h2|//h3|//blockquote")]
    blocks = [b for b in blocks if b]
    if not blocks:
        blocks = [" ".join(root.text_content().split())]
    return "\n".join(blocks)


_PUBLISHED_META = re.compile(
    r"<meta[^>]+(?:property|name|itemprop)=[\"'](?:article:published_time|datePublished|pubdate|date)[\"'][^>]*>",
    re.I,
)
_CONTENT_ATTR = re.compile(r"content=[\"']([^\"']+)[\"']", re.I)


def _meta_published(html: str) -> str | None:
    """The full publication timestamp from the page's meta tags (trafilatura keeps only the day)."""
    match = _PUBLISHED_META.search(html[:200_000])
    if not match:
        return None
    content = _CONTENT_ATTR.search(match.group(0))
    return content.group(1) if content else None


def clean_article(
    raw: RawArticle,
    *,
    repeated: set[str] | frozenset[str] = frozenset(),
    default_source: str = _UNKNOWN_SOURCE,
) -> Article:
    """Clean one raw article; ``repeated`` holds the line keys that are its source's boilerplate.

    Raises ValueError when nothing is left after cleaning.
    """
    text = raw.text
    if raw.html and not raw.prepared:
        extracted = extract_html(raw.html)
        if extracted is None:
            raise ValueError("HTML has no main text")
        text = extracted["text"]
        raw_title = raw.title or extracted.get("title") or ""
    else:
        raw_title = raw.title
    cleaned, removed = clean_text(text, repeated)
    if not cleaned.strip():
        raise ValueError("no text left after removing boilerplate")
    source = (raw.source or default_source).strip() or default_source
    title = " ".join(raw_title.split()) or _title_from_text(cleaned)
    article_id = raw.id or derive_id(source, title, cleaned, raw.url)
    return Article(
        id=article_id,
        source=source,
        title=title,
        text=cleaned,
        original=raw.html if raw.html else raw.text,
        url=raw.url,
        published=raw.published,
        language=raw.language,
        author=raw.author,
        removed=tuple(removed),
        content_hash=content_hash(cleaned),
        origin=raw.origin,
    )


def _title_from_text(text: str, limit: int = 90) -> str:
    first = text.split("\n", 1)[0]
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def clean_batch(
    raws: Sequence[RawArticle], learner: LineLearner | None = None
) -> list[tuple[RawArticle, Article | str]]:
    """Clean a batch, learning repeated lines across it; each raw with its Article or error text."""
    learner = learner or LineLearner()
    learner.observe(raws)
    out: list[tuple[RawArticle, Article | str]] = []
    for raw in raws:
        try:
            out.append((raw, clean_article(raw, repeated=learner.repeated(raw.source, raw.text))))
        except ValueError as exc:
            out.append((raw, str(exc)))
    return out
