"""Ingest: read input files into :class:`RawArticle` records (or :class:`Rejection` for bad input).

Reads: paths (files, directories walked recursively, ``-`` for JSONL on stdin).
Writes: ``RawArticle`` (text or HTML plus metadata) and ``Rejection`` (origin + one-line reason).

Formats are chosen by extension and, when the extension says nothing, by sniffing the content:
plain text (``.txt``/``.md``), HTML (``.html``/``.htm``, extracted with trafilatura), JSON records
(``.jsonl``/``.json``, news-please files included), CSV with a header, and RSS/Atom feeds
(``.xml``/``.rss``/``.atom``, through feedparser). Encodings are detected with charset-normalizer.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from storylens.models import RawArticle, Rejection

__all__ = ["InputError", "decode_bytes", "iter_files", "normalise_date", "read_paths", "record_to_raw"]

TEXT_FIELDS = ("text", "maintext", "body", "content", "article")
SOURCE_FIELDS = ("source", "source_domain", "sitename", "outlet", "publisher")
DATE_FIELDS = ("published", "date_publish", "date", "pubdate", "published_at")
TITLE_FIELDS = ("title", "headline")
URL_FIELDS = ("url", "link", "canonical_url")

_EXTENSIONS = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}


class InputError(ValueError):
    """An input that cannot be read; the message is the one-line reason."""


# -- decoding ------------------------------------------------------------------------------------------


def decode_bytes(data: bytes) -> str:
    """Decode bytes of unknown encoding; raise InputError for binary or empty content."""
    if not data.strip():
        raise InputError("empty file")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return _check_text(data.decode(codec))
            except UnicodeDecodeError:
                raise InputError(f"undecodable content (byte order mark says {codec})") from None
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        # UTF-16 without a byte order mark: ASCII-range text has a NUL in every other byte
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        guess = "utf-16-le" if odd > 3 * even else "utf-16-be" if even > 3 * odd else None
        if guess:
            try:
                return _check_text(data.decode(guess))
            except UnicodeDecodeError:
                pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _detect(data)
    return _check_text(text)


def _check_text(text: str) -> str:
    if "\x00" in text:
        raise InputError("binary content (NUL bytes)")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:4096]) // 50):
        raise InputError("binary content (control characters)")
    if not text.strip():
        raise InputError("empty file")
    return text


# Western single-byte encodings, preferred when charset-normalizer finds them as good as its first
# guess: short Latin-1 texts score the same under cp1250, cp1252 and cp1257, and news in English
# is far more often cp1252/Latin-1.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15")


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    results = list(from_bytes(data))
    if not results:
        raise InputError("binary or undecodable content")
    best = results[0]
    for candidate in results:
        if candidate.encoding in _PREFERRED and candidate.chaos <= best.chaos + 0.01:
            best = candidate
            break
    return str(best)


# -- dates -------------------------------------------------------------------------------------------

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def normalise_date(value: Any) -> str | None:
    """An ISO 8601 string for a date given in any common form, or None when it cannot be read.

    Naive times are taken as UTC. A bare day stays a day (``2026-03-09``).
    """
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(float(value), UTC).isoformat(timespec="seconds")
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        if _ISO_DAY.match(text):
            return text
        parsed = _parse_datetime(text)  # type: ignore[assignment]
        if parsed is None:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.isoformat(timespec="seconds")


def _parse_datetime(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        from dateutil import parser as dateutil_parser

        return dateutil_parser.parse(text)
    except (ValueError, OverflowError, ImportError):
        return None


# -- records -----------------------------------------------------------------------------------------


def _first(record: Mapping[str, Any], fields: Sequence[str]) -> Any:
    for name in fields:
        value = record.get(name)
        if value not in (None, "", []):
            return value
    return None


def record_to_raw(
    record: Any, origin: str, *, source: str | None = None, published: str | None = None
) -> RawArticle:
    """One input record (dict with the accepted field names) → RawArticle; InputError if unusable."""
    if not isinstance(record, Mapping):
        raise InputError(f"record is a JSON {type(record).__name__}, not an object")
    text = _first(record, TEXT_FIELDS)
    html = record.get("html")
    if text is not None and not isinstance(text, str):
        raise InputError("field 'text' is not a string")
    if (text is None or not str(text).strip()) and not (isinstance(html, str) and html.strip()):
        raise InputError("record has no text (expected one of: text, maintext, html)")
    title = _first(record, TITLE_FIELDS) or ""
    rec_source = _first(record, SOURCE_FIELDS)
    date_value = _first(record, DATE_FIELDS)
    authors = record.get("authors") or record.get("author")
    if isinstance(authors, list):
        authors = ", ".join(str(a) for a in authors if a)
    record_id = record.get("id")
    return RawArticle(
        text=str(text) if text is not None else "",
        origin=origin,
        id=str(record_id) if record_id not in (None, "") else None,
        source=str(rec_source) if rec_source else source,
        title=str(title).strip(),
        url=str(_first(record, URL_FIELDS)) if _first(record, URL_FIELDS) else None,
        published=normalise_date(date_value) or published,
        language=str(record["language"]) if record.get("language") else None,
        author=str(authors) if authors else None,
        html=html if isinstance(html, str) and html.strip() else None,
    )


# -- formats -----------------------------------------------------------------------------------------


def _read_jsonl(text: str, origin: str, **defaults: Any) -> Iterator[RawArticle | Rejection]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejection(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        try:
            yield record_to_raw(record, where, **defaults)
        except InputError as exc:
            yield Rejection(where, str(exc))


def _read_json(text: str, origin: str, **defaults: Any) -> Iterator[RawArticle | Rejection]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # a .json file holding JSON lines is common enough to accept
        if exc.msg == "Extra data":
            yield from _read_jsonl(text, origin, **defaults)
            return
        yield Rejection(f"{origin}:{exc.lineno}", f"invalid JSON ({exc.msg} at column {exc.colno})")
        return
    if isinstance(data, Mapping) and isinstance(data.get("articles"), list):
        data = data["articles"]
    records = data if isinstance(data, list) else [data]
    for index, record in enumerate(records, start=1):
        where = f"{origin}#{index}" if isinstance(data, list) else origin
        try:
            yield record_to_raw(record, where, **defaults)
        except InputError as exc:
            yield Rejection(where, str(exc))


def _read_csv(text: str, origin: str, **defaults: Any) -> Iterator[RawArticle | Rejection]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if not any(f in fields for f in (*TEXT_FIELDS, "html")):
        yield Rejection(origin, f"CSV has no text column (expected one of: {', '.join(TEXT_FIELDS)}, html)")
        return
    for row in reader:
        where = f"{origin}:{reader.line_num}"
        record = {(k or "").strip().lower(): v for k, v in row.items() if k}
        try:
            yield record_to_raw(record, where, **defaults)
        except InputError as exc:
            yield Rejection(where, str(exc))


_HEADER_LINE = re.compile(r"^(id|source|title|published|date|url|author|language)\s*:\s*(.+)$", re.I)


def _read_text(text: str, origin: str, *, source: str | None, published: str | None) -> RawArticle:
    """Plain text: optional ``Key: value`` header lines (or a ``---`` front matter), then a headline line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta: dict[str, str] = {}
    index = 0
    fenced = lines and lines[0].strip() == "---"
    if fenced:
        index = 1
    while index < len(lines):
        match = _HEADER_LINE.match(lines[index].strip())
        if not match:
            break
        meta[match.group(1).lower()] = match.group(2).strip()
        index += 1
    if fenced and index < len(lines) and lines[index].strip() == "---":
        index += 1
    body = lines[index:]
    while body and not body[0].strip():
        body.pop(0)
    title = meta.get("title", "")
    if not title and len(body) > 1 and body[0].strip() and len(body[0]) <= 200 and not body[1].strip():
        title = body.pop(0).strip().lstrip("#").strip()
    content = "\n".join(body).strip()
    if not content:
        raise InputError("no text after the headline")
    record: dict[str, Any] = {**meta, "text": content, "title": title}
    return record_to_raw(record, origin, source=source, published=published)


def _read_html(text: str, origin: str, *, source: str | None, published: str | None) -> RawArticle:
    from storylens.clean import extract_html

    extracted = extract_html(text)
    if extracted is None:
        raise InputError("HTML has no main text")
    return RawArticle(
        text=extracted["text"],
        origin=origin,
        source=source or extracted.get("sitename"),
        title=extracted.get("title") or "",
        url=extracted.get("url"),
        published=normalise_date(extracted.get("date")) or published,
        language=extracted.get("language"),
        author=extracted.get("author"),
        html=text,
        prepared=True,
    )


def _read_feed(
    text: str, origin: str, *, source: str | None, published: str | None
) -> Iterator[RawArticle | Rejection]:
    import feedparser

    from storylens.clean import extract_html

    parsed = feedparser.parse(text)
    if not parsed.entries:
        if parsed.get("bozo"):
            yield Rejection(origin, f"not a readable RSS/Atom feed ({parsed.get('bozo_exception')})")
        else:
            yield Rejection(origin, "feed has no items")
        return
    feed_title = parsed.feed.get("title") if parsed.get("feed") else None
    for index, entry in enumerate(parsed.entries, start=1):
        where = f"{origin}#{index}"
        contents = entry.get("content") or []
        html = max((c.get("value", "") for c in contents), key=len, default="")
        if not html:
            html = entry.get("summary", "") or entry.get("description", "")
        body = ""
        if html:
            extracted = extract_html(html, fragment=True)
            body = extracted["text"] if extracted else ""
        if not body.strip():
            yield Rejection(where, "feed item has no text")
            continue
        date_struct = entry.get("published_parsed") or entry.get("updated_parsed")
        date = None
        if date_struct:
            year, month, day, hour, minute, second = tuple(date_struct)[:6]
            date = datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat(timespec="seconds")
        entry_id = entry.get("id") or entry.get("guid")
        yield RawArticle(
            text=body,
            origin=where,
            id=str(entry_id) if entry_id else None,
            source=source or feed_title,
            title=(entry.get("title") or "").strip(),
            url=entry.get("link"),
            published=date or published,
            author=entry.get("author"),
            prepared=True,
        )


def _sniff(text: str) -> str:
    head = text.lstrip()[:2048].lower()
    if head.startswith("{") or head.startswith("["):
        first = text.lstrip().split("\n", 1)[0].strip()
        return "jsonl" if first.startswith("{") and first.endswith("}") else "json"
    if "<rss" in head or "<feed" in head or "<rdf:rdf" in head:
        return "feed"
    if "<html" in head or "<!doctype html" in head or "<body" in head:
        return "html"
    return "text"


# -- paths ---------------------------------------------------------------------------------------------


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | Rejection]:
    """Files named by ``paths`` (directories walked recursively, hidden files skipped, sorted)."""
    for item in paths:
        path = Path(item)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(
                    part.startswith(".") for part in child.relative_to(path).parts
                ):
                    yield child
        elif path.is_file():
            yield path
        else:
            yield Rejection(str(path), "no such file or directory")


def read_paths(
    paths: Sequence[str | Path], *, source: str | None = None, published: str | None = None
) -> Iterator[RawArticle | Rejection]:
    """Every article in ``paths`` (``-`` reads JSONL from stdin), or a Rejection per bad input.

    ``source`` names the outlet when the input does not; ``published`` dates undated articles.
    """
    published = normalise_date(published) if published else None
    for item in paths:
        if str(item) == "-":
            yield from _read_jsonl(sys.stdin.read(), "<stdin>", source=source, published=published)
            continue
        for path in iter_files([item]):
            if isinstance(path, Rejection):
                yield path
            else:
                yield from read_file(path, source=source, published=published)


def read_file(
    path: Path, *, source: str | None = None, published: str | None = None
) -> Iterator[RawArticle | Rejection]:
    origin = str(path)
    try:
        text = decode_bytes(path.read_bytes())
    except OSError as exc:
        yield Rejection(origin, f"cannot read ({exc.strerror})")
        return
    except InputError as exc:
        yield Rejection(origin, str(exc))
        return
    kind = _EXTENSIONS.get(path.suffix.lower()) or _sniff(text)
    if kind == "feed" and _sniff(text) == "html":
        kind = "html"
    try:
        if kind == "jsonl":
            yield from _read_jsonl(text, origin, source=source, published=published)
        elif kind == "json":
            yield from _read_json(text, origin, source=source, published=published)
        elif kind == "csv":
            yield from _read_csv(text, origin, source=source, published=published)
        elif kind == "feed":
            yield from _read_feed(text, origin, source=source, published=published)
        elif kind == "html":
            yield _read_html(text, origin, source=source, published=published)
        else:
            yield _read_text(text, origin, source=source, published=published)
    except InputError as exc:
        yield Rejection(origin, str(exc))
