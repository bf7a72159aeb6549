"""Claims: the units that are aligned across outlets.

Reads cleaned ``Article`` records and their ``ArticleAnnotations`` (sentences, canonical entities,
quotes, resolved dates, quantities) and writes ``Claim`` records: one per clause, each carrying the
normalised content the aligner compares (canonical entity ids, quantities, resolved dates, the
polarity of the statement) and the independent source it counts for. The language layer's
sentences are used as they are; a plain regular-expression splitter is only a fallback for
annotations without sentences.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storylens.models import (
    Article,
    ArticleAnnotations,
    DateMention,
    Quantity,
    QuoteMention,
    Sentence,
    normalise_text,
)

__all__ = [
    "Claim",
    "claim_from_span",
    "content_words",
    "extract_claims",
    "independent_source_keys",
    "is_negated",
    "join_quoted",
    "split_sentences",
]

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)\]]))\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n+")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "lt",
        "st",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "vs",
        "no",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
    ]
)
# Clause boundaries inside one sentence; sentences with a reporting verb are never split so that the
# attribution stays with the claim it attributes.
_CLAUSE_BREAK = re.compile(r";\s+|,\s+(?:but|while|whereas|although|though)\s+", re.IGNORECASE)
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|according to|announced|stated|added|confirmed|confirms|denied|denies|"
    r"claimed|claims|insisted|reported|reports|wrote|tweeted|argued|warned)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
_NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "denied",
        "denies",
        "deny",
        "denying",
        "refuted",
        "refutes",
        "refute",
        "dismissed",
        "rejected",
        "false",
        "untrue",
        "without",
    }
)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "into",
        "onto",
        "over",
        "under",
        "than",
        "then",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "it's",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "done",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "not",
        "no",
        "nor",
        "never",
        "none",
        "also",
        "just",
        "only",
        "very",
        "so",
        "too",
        "more",
        "most",
        "less",
        "least",
        "about",
        "after",
        "before",
        "during",
        "since",
        "until",
        "while",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "why",
        "how",
        "there",
        "here",
        "their",
        "them",
        "they",
        "he",
        "him",
        "his",
        "she",
        "her",
        "we",
        "our",
        "us",
        "you",
        "your",
        "i",
        "me",
        "my",
        "mine",
        "said",
        "says",
        "say",
        "told",
        "tells",
        "according",
        "announced",
        "added",
        "stated",
        "confirmed",
        "denied",
        "reported",
        "including",
        "include",
        "includes",
        "up",
        "down",
        "out",
        "off",
        "again",
        "further",
        "once",
        "all",
        "any",
        "both",
        "each",
        "few",
        "other",
        "some",
        "such",
        "own",
        "same",
        "s",
        "t",
        "don't",
        "didn't",
        "doesn't",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
        "won't",
        "wouldn't",
        "can't",
        "couldn't",
        "n't",
        "mr",
        "mrs",
        "ms",
        "one",
        "two",
        "new",
    ]
)
_MIN_CLAUSE_WORDS = 4
# A wire dateline opening an article: "VELGRAD, March 16 (Meridian Wire) -", "DRAVIK (Reuters) —".
# It says where the copy was filed, not a fact about the story, so claims start after it.
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’-]+(?:\s[A-Z][A-Z.'’-]+){0,3}"
    r"(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2}(?:\s*\([^()\n]{1,40}\))?|\s*\([^()\n]{1,40}\))\s*[-–—]+\s*"
)


@dataclass(frozen=True, slots=True)
class Claim:
    """One clause of one article, normalised for alignment."""

    index: int  # position in the story's claim list
    article: str
    source_key: str  # the independent source it counts for (wire copies share their original's key)
    sentence_index: int
    start: int  # clause offsets in the article's cleaned text
    end: int
    text: str
    sentence: str  # the whole sentence the clause belongs to
    sentence_start: int
    sentence_end: int
    entities: frozenset[str]  # canonical entity ids (or normalised surface forms when not canonical)
    quantities: tuple[Quantity, ...]
    dates: tuple[DateMention, ...]
    negated: bool
    attributed: bool  # carries a reporting verb ("X said")
    fragment_share: float  # share of the sentence covered by quote fragments
    position: int  # rank of the sentence in its article (0 = lead)
    entity_spans: tuple[tuple[int, int, str], ...] = ()  # (start, end, canonical id) of entity mentions
    quote_spans: tuple[tuple[int, int], ...] = ()  # direct quotes overlapping the claim (absolute offsets)


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Fallback sentence splitter (used only when the annotations carry no sentences)."""
    spans: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start : match.start()]
        last = candidate.rstrip().rsplit(None, 1)[-1].lower().rstrip(".") if candidate.strip() else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        spans.append(Sentence(start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append(Sentence(start, len(text)))
    out: list[Sentence] = []
    for span in spans:
        chunk = text[span.start : span.end]
        left = len(chunk) - len(chunk.lstrip())
        right = len(chunk.rstrip())
        if right > left:
            out.append(Sentence(span.start + left, span.start + right))
    return tuple(out)


def join_quoted(sentences: Sequence[Sentence], quotes: Sequence[QuoteMention]) -> tuple[Sentence, ...]:
    """``sentences`` with those that one direct quote runs across joined into one.

    '"We lost a week of water. Nobody warned us," said a farmer.' is one statement with its
    speaker; split at the full stop, its first half would stand alone with an open quotation mark
    and its second would lose what the speaker said first.
    """
    spans = [(q.start, q.end) for q in quotes if q.kind == "direct"]
    out: list[Sentence] = []
    for sentence in sentences:
        if out and any(start < out[-1].end and end > sentence.start for start, end in spans):
            out[-1] = Sentence(out[-1].start, sentence.end)
        else:
            out.append(sentence)
    return tuple(out)


def content_words(text: str) -> frozenset[str]:
    """Lower-cased content words (no stop words), crudely singularised, for lexical overlap."""
    words: set[str] = set()
    for token in _WORD.findall(text.lower()):
        token = token.strip("'’-.,")
        if (
            not token
            or token in STOPWORDS
            or token in _NEGATIONS
            or (len(token) < 3 and not token[0].isdigit())
        ):
            continue
        if len(token) > 4 and token.endswith("s") and not token.endswith("ss"):
            token = token[:-1]
        words.add(token)
    return frozenset(words)


def is_negated(text: str) -> bool:
    """Polarity of a clause: True when it carries an odd number of negation cues."""
    lowered = text.lower().replace("n't", " not")
    tokens = re.findall(r"[a-z]+", lowered)
    count = sum(1 for token in tokens if token in _NEGATIONS)
    count += lowered.count("ruled out")
    return count % 2 == 1


def independent_source_keys(articles: Sequence[Article]) -> dict[str, str]:
    """Article id -> the key of the independent source it counts for.

    An article with ``duplicate_of`` set counts as its original (followed to the root); distinct
    outlets are distinct sources, and two articles of the same outlet count once.
    """
    by_id = {a.id: a for a in articles}
    keys: dict[str, str] = {}
    for article in articles:
        root = article
        seen = {root.id}
        missing: str | None = None
        while root.duplicate_of is not None:
            parent = by_id.get(root.duplicate_of)
            if parent is None:
                missing = root.duplicate_of
                break
            if parent.id in seen:
                break
            seen.add(parent.id)
            root = parent
        if missing is not None:
            keys[article.id] = "article:" + missing
        else:
            keys[article.id] = "source:" + (normalise_text(root.source) or root.id)
    return keys


def _clauses(text: str, offset: int) -> list[tuple[int, int]]:
    """Clause spans (absolute offsets) of one sentence."""
    if _SPEECH.search(text):
        return [(offset, offset + len(text))]
    pieces: list[tuple[int, int]] = []
    start = 0
    for match in _CLAUSE_BREAK.finditer(text):
        pieces.append((start, match.start()))
        start = match.end()
    pieces.append((start, len(text)))
    merged: list[tuple[int, int]] = []
    for begin, end in pieces:
        words = len(text[begin:end].split())
        if merged and (words < _MIN_CLAUSE_WORDS or len(text[merged[-1][0] : merged[-1][1]].split()) < 4):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((begin, end))
    return [(offset + b, offset + e) for b, e in merged]


def claim_from_span(
    article: Article,
    ann: ArticleAnnotations,
    start: int,
    end: int,
    *,
    index: int = 0,
    sentence_index: int = 0,
    sentence: Sentence | None = None,
    source_key: str | None = None,
    fragment_share: float = 0.0,
) -> Claim | None:
    """The claim for the span ``start:end`` of ``article`` (whitespace trimmed); None when empty."""
    chunk = article.text[start:end]
    text = chunk.strip()
    if not text:
        return None
    start += len(chunk) - len(chunk.lstrip())
    end = start + len(text)
    sentence = sentence or Sentence(start, end)
    mentions = [
        e
        for e in ann.entities
        if e.start >= start and e.end <= end and e.type not in {"DATE", "TIME", "CARDINAL"}
    ]
    entities = frozenset(e.canonical or "t:" + normalise_text(e.text) for e in mentions)
    return Claim(
        index=index,
        article=article.id,
        source_key=source_key or article.id,
        sentence_index=sentence_index,
        start=start,
        end=end,
        text=text,
        sentence=article.text[sentence.start : sentence.end].strip(),
        sentence_start=sentence.start,
        sentence_end=sentence.end,
        entities=entities,
        quantities=tuple(q for q in ann.quantities if q.start >= start and q.end <= end),
        dates=tuple(d for d in ann.dates if d.start >= start and d.end <= end),
        negated=is_negated(text),
        attributed=bool(_SPEECH.search(text)),
        fragment_share=fragment_share,
        position=sentence_index,
        entity_spans=tuple((e.start, e.end, e.canonical or "t:" + normalise_text(e.text)) for e in mentions),
        quote_spans=tuple(
            (q.start, q.end) for q in ann.quotes if q.kind == "direct" and q.start < end and q.end > start
        ),
    )


def extract_claims(
    articles: Sequence[Article],
    annotations: Mapping[str, ArticleAnnotations],
    source_keys: Mapping[str, str] | None = None,
) -> list[Claim]:
    """Split every article's sentences into claims, in article order (deterministic)."""
    keys = dict(source_keys) if source_keys is not None else independent_source_keys(articles)
    claims: list[Claim] = []
    for article in articles:
        ann = annotations.get(article.id) or ArticleAnnotations(article_id=article.id)
        sentences = join_quoted(ann.sentences or split_sentences(article.text), ann.quotes)
        for s_index, sentence in enumerate(sentences):
            s_text = article.text[sentence.start : sentence.end]
            skip = 0
            if s_index == 0 and (dateline := _DATELINE.match(s_text)):
                skip = dateline.end()
            if not s_text[skip:].strip():
                continue
            fragment = sum(
                max(0, min(q.end, sentence.end) - max(q.start, sentence.start))
                for q in ann.quotes
                if q.kind == "fragment"
            )
            share = fragment / max(1, sentence.end - sentence.start)
            for raw_start, raw_end in _clauses(s_text[skip:], sentence.start + skip):
                claim = claim_from_span(
                    article,
                    ann,
                    raw_start,
                    raw_end,
                    index=len(claims),
                    sentence_index=s_index,
                    sentence=sentence,
                    source_key=keys.get(article.id, article.id),
                    fragment_share=share,
                )
                if claim is not None:
                    claims.append(claim)
    return claims
