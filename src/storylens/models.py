"""The records that flow through the storylens pipeline.

Every stage reads and returns these plain, typed dataclasses; nothing here imports a heavy
library. Character offsets (``start``/``end``) always point into the *cleaned* text of the
article they belong to. ``to_dict`` gives the JSON form used by the output contracts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "BRIEF_SCHEMA_ID",
    "Article",
    "ArticleAnnotations",
    "Assignment",
    "Brief",
    "BriefArticle",
    "BriefConflict",
    "BriefEntity",
    "BriefFact",
    "BriefQuote",
    "BriefStory",
    "CanonicalEntity",
    "ConflictEvidence",
    "DateMention",
    "EntityMention",
    "FactEvidence",
    "Quantity",
    "QuoteMention",
    "QuoteVersion",
    "RawArticle",
    "Rejection",
    "Sentence",
    "Story",
    "SummarySentence",
    "TimelineEvent",
    "TimelineEvidence",
    "content_hash",
    "derive_id",
    "from_dict",
    "normalise_text",
    "to_dict",
]


def to_dict(record: Any) -> Any:
    """JSON-ready form of a record (dataclasses → dicts, tuples → lists)."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, (list, tuple)):
        return [to_dict(item) for item in record]
    if isinstance(record, dict):
        return {key: to_dict(value) for key, value in record.items()}
    return record


def from_dict(cls: Any, data: dict[str, Any]) -> Any:
    """Rebuild a (possibly nested) record dataclass from its ``to_dict`` form; unknown keys are ignored."""
    import typing

    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        hint = hints[f.name]
        args = typing.get_args(hint)
        if typing.get_origin(hint) is tuple and args and dataclasses.is_dataclass(args[0]):
            value = tuple(from_dict(args[0], item) for item in value)
        elif typing.get_origin(hint) is tuple:
            value = tuple(value)
        elif dataclasses.is_dataclass(hint):
            value = from_dict(hint, value)
        values[f.name] = value
    return cls(**values)


_WS = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")


def normalise_text(text: str) -> str:
    """Text reduced for exact-duplicate detection: NFKC, case-folded, no punctuation, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _PUNCT.sub(" ", text)
    return _WS.sub(" ", text).strip()


def content_hash(text: str) -> str:
    """SHA-256 (hex, 32 chars) of the normalised text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:32]


def derive_id(source: str, title: str, text: str, url: str | None = None) -> str:
    """A stable id for an article that arrived without one: derived from url or content."""
    basis = url.strip() if url else f"{source}\n{title}\n{normalise_text(text)}"
    return "a-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class RawArticle:
    """One article as read from an input, before cleaning (output of ``ingest``)."""

    text: str
    origin: str  # "path:line" or "path" — where it came from, for messages
    id: str | None = None
    source: str | None = None
    title: str = ""
    url: str | None = None
    published: str | None = None  # ISO 8601
    language: str | None = None
    author: str | None = None
    html: str | None = None  # the HTML it was extracted from, when there was some
    prepared: bool = False  # text already extracted from HTML (no further boilerplate pass)


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not become an article."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article (output of ``clean``; ``dedupe`` fills ``duplicate_of``)."""

    id: str
    source: str
    title: str
    text: str  # cleaned text: every offset points here
    original: str  # the text (or HTML) as it arrived
    url: str | None = None
    published: str | None = None  # ISO 8601
    language: str | None = None
    author: str | None = None
    removed: tuple[str, ...] = ()  # boilerplate lines removed by clean, kept for audit
    content_hash: str = ""
    duplicate_of: str | None = None
    duplicate_kind: Literal["exact", "near"] | None = None
    similarity: float | None = None  # estimated Jaccard similarity to duplicate_of
    origin: str = ""

    @property
    def independent(self) -> bool:
        return self.duplicate_of is None


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class EntityMention:
    text: str
    type: str  # PERSON, ORG, GPE, LOC, NORP, EVENT, FAC, ...
    start: int
    end: int
    canonical: str | None = None  # id of the CanonicalEntity it belongs to
    role: str | None = None  # title or role stripped from the name ("Interior Minister")


@dataclass(frozen=True, slots=True)
class QuoteMention:
    text: str
    start: int
    end: int
    kind: Literal["direct", "indirect", "fragment"] = "direct"
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    speaker_entity: str | None = None  # canonical entity id of the speaker


@dataclass(frozen=True, slots=True)
class DateMention:
    text: str
    start: int
    end: int
    value: str | None  # YYYY-MM-DD, or None when vague or unanchored
    end_value: str | None = None  # for ranges ("last week")
    granularity: Literal["day", "week", "month", "year", "range", "vague"] = "day"


@dataclass(frozen=True, slots=True)
class Quantity:
    text: str
    start: int
    end: int
    value: float | None
    unit: str | None  # head noun or unit: "protesters", "%", "USD", ...
    qualifier: Literal["exact", "about", "at_least", "at_most", "more_than", "less_than"] = "exact"
    kind: Literal["cardinal", "percent", "money", "ordinal"] = "cardinal"


@dataclass(frozen=True, slots=True)
class ArticleAnnotations:
    """Everything the language layer found in one article."""

    article_id: str
    sentences: tuple[Sentence, ...] = ()
    entities: tuple[EntityMention, ...] = ()
    quotes: tuple[QuoteMention, ...] = ()
    dates: tuple[DateMention, ...] = ()
    quantities: tuple[Quantity, ...] = ()


@dataclass(frozen=True, slots=True)
class CanonicalEntity:
    id: str
    name: str
    type: str
    variants: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    mentions: int = 0
    merges: tuple[dict[str, Any], ...] = ()  # {"variant", "into", "reason", "confidence"}


@dataclass(frozen=True, slots=True)
class Assignment:
    """Why an article belongs to a story."""

    article_id: str
    story_id: str
    score: float
    reason: str  # human-readable: "shares Olaf Scholz, Bundestag; title similarity 0.71; 1 day apart"
    signals: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    title: str
    articles: tuple[str, ...]
    sources: int = 0
    independent_sources: int = 0
    first_published: str | None = None
    last_published: str | None = None

    def summary_dict(self) -> dict[str, Any]:
        """The `storylens stories --format json` record."""
        return {
            "id": self.id,
            "title": self.title,
            "articles": list(self.articles),
            "sources": self.sources,
            "independent_sources": self.independent_sources,
            "first_published": self.first_published,
            "last_published": self.last_published,
        }


# --- The brief (contract ``storylens.brief/1``) -------------------------------------------------


@dataclass(frozen=True, slots=True)
class BriefStory:
    id: str
    title: str
    first_published: str | None
    last_published: str | None


@dataclass(frozen=True, slots=True)
class BriefArticle:
    id: str
    source: str
    title: str
    url: str | None
    published: str | None
    text: str
    duplicate_of: str | None
    independent: bool
    reason: str | None = None  # why it was grouped into the story


@dataclass(frozen=True, slots=True)
class BriefEntity:
    id: str
    name: str
    type: str
    variants: tuple[str, ...]
    articles: tuple[str, ...]
    mentions: int
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QuoteVersion:
    article: str
    text: str
    speaker: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class BriefQuote:
    id: str
    text: str
    speaker: str | None
    speaker_entity: str | None
    articles: tuple[str, ...]
    match: Literal["verbatim", "paraphrase", "misattributed", "single"]
    versions: tuple[QuoteVersion, ...]


@dataclass(frozen=True, slots=True)
class FactEvidence:
    article: str
    sentence: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class BriefFact:
    id: str
    text: str
    status: Literal["corroborated", "single_source", "conflicting"]
    articles: tuple[str, ...]
    independent_sources: int
    evidence: tuple[FactEvidence, ...]


@dataclass(frozen=True, slots=True)
class ConflictEvidence:
    article: str
    sentence: str
    value: str


@dataclass(frozen=True, slots=True)
class BriefConflict:
    id: str
    kind: Literal["number", "date", "attribution", "negation", "other"]
    description: str
    facts: tuple[str, ...]
    evidence: tuple[ConflictEvidence, ...]


@dataclass(frozen=True, slots=True)
class TimelineEvidence:
    article: str
    expression: str


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    date: str  # YYYY-MM-DD
    text: str
    articles: tuple[str, ...]
    evidence: tuple[TimelineEvidence, ...]


@dataclass(frozen=True, slots=True)
class SummarySentence:
    text: str
    articles: tuple[str, ...]


BRIEF_SCHEMA_ID = "storylens.brief/1"


@dataclass(frozen=True, slots=True)
class Brief:
    """The cross-source brief of one story; ``to_json``/``to_markdown``/``to_html`` render it."""

    story: BriefStory
    articles: tuple[BriefArticle, ...] = ()
    entities: tuple[BriefEntity, ...] = ()
    quotes: tuple[BriefQuote, ...] = ()
    facts: tuple[BriefFact, ...] = ()
    conflicts: tuple[BriefConflict, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    summary: tuple[SummarySentence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        body = to_dict(self)
        return {"schema": BRIEF_SCHEMA_ID, **body}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Brief:
        """Rebuild a Brief from its JSON form (``to_dict`` output)."""
        parts = {
            "articles": BriefArticle,
            "entities": BriefEntity,
            "quotes": BriefQuote,
            "facts": BriefFact,
            "conflicts": BriefConflict,
            "timeline": TimelineEvent,
            "summary": SummarySentence,
        }
        return cls(
            story=from_dict(BriefStory, data["story"]),
            **{
                name: tuple(from_dict(kind, item) for item in data.get(name, []))
                for name, kind in parts.items()
            },
        )

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_markdown(self) -> str:
        from storylens.render import brief_markdown

        return brief_markdown(self)

    def to_html(self) -> str:
        from storylens.render import brief_html

        return brief_html(self)
