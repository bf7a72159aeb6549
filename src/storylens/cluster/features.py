"""Per-article features for story clustering.

Reads ``ClusterItem`` records (title, text, entities, published, duplicate_of) and an embedder;
writes ``ArticleFeatures``: two dense vectors (title + lead, body), hashed keyword counts (words
and numbers), entity keys and the publication day. Everything the online clusterer needs later
is here, so the clustering step itself never touches text or a model.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from storylens.cluster import ClusterItem
    from storylens.embed import Embedder

__all__ = [
    "ArticleFeatures",
    "compute_features",
    "extract_names",
    "key_of",
    "number_terms",
    "parse_day",
    "tokenize",
]

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?")
_NAME = re.compile(
    r"\b(?:[A-Z][\w'’.-]*[a-zA-Z]|[A-Z]{2,})(?:\s+(?:of\s+|de\s+|van\s+)?(?:[A-Z][\w'’.-]*[a-zA-Z]))*"
)
_SENT_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)$")
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "said",
        "same",
        "says",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "new",
        "one",
        "two",
        "three",
        "last",
        "first",
        "year",
        "years",
        "told",
        "say",
        "may",
        "according",
        "mr",
        "mrs",
        "ms",
        "us",
        "like",
        "get",
        "got",
        "make",
        "made",
        "since",
        "week",
        "weeks",
        "day",
        "days",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "time",
        "still",
        "well",
        "many",
        "much",
        "even",
        "back",
        "people",
        "news",
        "report",
        "reported",
    ]
)
_NAME_STOP = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "For",
        "But",
        "And",
        "Or",
        "If",
        "When",
        "While",
        "After",
        "Before",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "He",
        "She",
        "They",
        "We",
        "I",
        "His",
        "Her",
        "Their",
        "Our",
        "Its",
        "As",
        "By",
        "From",
        "With",
        "Without",
        "Of",
        "To",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Today",
        "Yesterday",
        "According",
        "There",
        "Here",
        "What",
        "Who",
        "Why",
        "How",
    ]
)
LEAD_CHARS = 400


def key_of(text: str) -> int:
    """A stable 32-bit key for a term or entity name (crc32; the same in every process)."""
    return zlib.crc32(text.encode("utf-8"))


def tokenize(text: str) -> list[str]:
    """Lower-cased content words (stopwords and 1–2 letter words dropped, plural -s folded)."""
    return [term for term, _ in _word_terms(text)]


def _word_terms(text: str) -> Iterator[tuple[str, str]]:
    """(term, the word as written, lower-cased) for each content word of ``text`` (``tokenize``)."""
    for match in _WORD.finditer(text.lower()):
        word = match.group(0)
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        word = word.strip("'’-")
        if len(word) < 3 or word in STOPWORDS:
            continue
        written = word
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        yield word, written


def number_terms(text: str) -> list[str]:
    """The numbers of ``text`` as keyword terms ("#40000", "#6.6", "#2019"), single digits dropped.

    Numbers tell apart events of one topic that share every other word: two weeks of jobless
    claims (6.6 million, then 4.4 million), two earthquakes (magnitude 6.1 and 5.4), two tolls.
    Thousands separators and trailing decimal zeros go ("40,000" and "40000" are one term, as are
    "6.60" and "6.6"); the "#" keeps them apart from words.
    """
    return [term for term, _ in _number_terms(text)]


def _number_terms(text: str) -> Iterator[tuple[str, str]]:
    """(term, the number as written) for each number of ``text`` (``number_terms``)."""
    for match in _NUMBER.finditer(text):
        written = match.group(0).rstrip(",")
        whole, _, fraction = written.replace(",", "").partition(".")
        fraction = fraction.rstrip("0")
        number = (whole.lstrip("0") or "0") + ("." + fraction if fraction else "")
        if len(number) >= 2:
            yield "#" + number, written


def extract_names(text: str, limit: int = 40) -> list[str]:
    """Capitalised phrases ("Tara Reid", "Betty Ford Center") used as entity keys when none are given.

    A single capitalised word at the start of a sentence counts only when it also appears
    capitalised mid-sentence elsewhere in the text (so "Police" opening a sentence is ignored).
    """
    found: list[tuple[str, bool]] = []
    for match in _NAME.finditer(text):
        phrase = match.group(0).strip(".")
        words = phrase.split()
        while words and words[0] in _NAME_STOP:
            words = words[1:]
        if not words:
            continue
        phrase = " ".join(words)
        at_start = bool(_SENT_START.search(text[: match.start()])) and len(words) == 1
        found.append((phrase, at_start))
    mid = {phrase for phrase, at_start in found if not at_start}
    names: list[str] = []
    seen: set[str] = set()
    for phrase, at_start in found:
        if at_start and phrase not in mid:
            continue
        if len(phrase) < 3 or phrase.lower() in STOPWORDS:
            continue
        if phrase not in seen:
            seen.add(phrase)
            names.append(phrase)
        if len(names) >= limit:
            break
    return names


def parse_day(published: str | None) -> float | None:
    """Days since 1970-01-01 (UTC) of an ISO 8601 date or timestamp; None when absent or unreadable."""
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() / 86400.0


@dataclass(slots=True)
class ArticleFeatures:
    """What the clusterer keeps about one article (no text)."""

    id: str
    title_vec: np.ndarray  # float32, L2-normalised: title + lead
    body_vec: np.ndarray  # float32, L2-normalised: full text
    terms: dict[int, float]  # keyword key -> 1 + log(count)
    entities: tuple[int, ...]  # entity keys (unique)
    day: float | None
    duplicate_of: str | None = None


def _lead(item: ClusterItem) -> str:
    text = item.text.strip()
    if len(text) > LEAD_CHARS:
        cut = text.rfind(" ", 0, LEAD_CHARS)
        text = text[: cut if cut > 0 else LEAD_CHARS]
    return f"{item.title.strip()}. {text}" if item.title.strip() else text


def _lead_end(item: ClusterItem) -> int:
    """Characters of ``f"{title}\\n{text}"`` that make up the title and lead (as ``_lead`` cuts it)."""
    text = item.text
    if len(text) <= LEAD_CHARS:
        return len(item.title) + 1 + len(text)
    cut = text.rfind(" ", 0, LEAD_CHARS)
    return len(item.title) + 1 + (cut if cut > 0 else LEAD_CHARS)


def compute_features(
    items: Sequence[ClusterItem],
    embedder: Embedder,
    vocabulary: dict[int, str] | None = None,
    names: dict[int, str] | None = None,
) -> list[ArticleFeatures]:
    """Features of each item, in input order. ``vocabulary``/``names`` collect key -> text for explanations."""
    if not items:
        return []
    bodies = [f"{item.title}\n{item.text}" for item in items]
    embed_with_lead = getattr(embedder, "embed_with_lead", None)
    if embed_with_lead is not None:  # minilm: the transformer reads the lead, the static model the text
        title_vecs, body_vecs = embed_with_lead(bodies, [_lead_end(item) for item in items])
    else:
        title_vecs = embedder.embed([_lead(item) for item in items])
        body_vecs = embedder.embed(bodies)
    out: list[ArticleFeatures] = []
    for row, item in enumerate(items):
        text = f"{item.title} {item.title} {item.text}"
        pairs = [*_word_terms(text), *_number_terms(text)]
        counts = Counter(term for term, _ in pairs)
        # term -> its first written form, shown in explanations (only when they are collected)
        written = dict(reversed(pairs)) if vocabulary is not None else {}
        terms: dict[int, float] = {}
        for word, count in counts.items():
            key = key_of(word)
            terms[key] = 1.0 + math.log(count)
            if vocabulary is not None and key not in vocabulary:
                vocabulary[key] = written[word]
        raw_names = list(item.entities) if item.entities else extract_names(f"{item.title}.\n{item.text}")
        entity_keys: list[int] = []
        for name in raw_names:
            shown = " ".join(name.split())
            if not shown:
                continue
            key = key_of(shown.casefold())
            if key not in entity_keys:
                entity_keys.append(key)
            # shown as first written, unless that was a capitalised dateline ("KELMAR, April 18")
            # and the name is also written as a name ("Kelmar")
            if names is not None and (key not in names or (names[key].isupper() and not shown.isupper())):
                names[key] = shown
        out.append(
            ArticleFeatures(
                id=item.id,
                title_vec=title_vecs[row],
                body_vec=body_vecs[row],
                terms=terms,
                entities=tuple(entity_keys),
                day=parse_day(item.published),
                duplicate_of=item.duplicate_of,
            )
        )
    return out
