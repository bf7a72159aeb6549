"""Quotes across outlets: who said what, and whether outlets agree on it.

Reads the articles' ``QuoteMention`` records (direct and indirect; fragments are not quotes here)
with their canonical speakers, and a similarity function for paraphrase; writes ``BriefQuote``
groups labelled ``verbatim`` (same words once punctuation and case are normalised), ``paraphrase``
(similar content, same speaker), ``misattributed`` (same words, different speakers) or ``single``
(one independent outlet), plus an ``attribution`` ``BriefConflict`` for every misattributed group.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from storylens.models import (
    Article,
    ArticleAnnotations,
    BriefConflict,
    BriefQuote,
    ConflictEvidence,
    QuoteMention,
    QuoteVersion,
    normalise_text,
)

__all__ = ["MIN_QUOTE_WORDS", "VERBATIM_RATIO", "group_quotes", "same_words"]

MIN_QUOTE_WORDS = 3
VERBATIM_RATIO = 90.0  # rapidfuzz ratio of the normalised texts: allows a changed word or typo
MIN_CONTAINED_WORDS = 5  # a shorter excerpt of the same words counts as the same words
MIN_MISATTRIBUTED_WORDS = 6


@dataclass(frozen=True, slots=True)
class _Version:
    article: str
    source_key: str
    rank: int
    mention: QuoteMention
    norm: str
    speaker_key: str | None
    speaker_name: str | None


def same_words(a: str, b: str) -> bool:
    """Same words after normalisation: equal, a long-enough excerpt of the other, or near-equal."""
    from rapidfuzz import fuzz

    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short.split()) >= MIN_CONTAINED_WORDS and f" {short} " in f" {long} ":
        return True
    return bool(fuzz.ratio(a, b) >= VERBATIM_RATIO)


def _credited(version: _Version, persons: Collection[str] | None) -> bool:
    """A direct quote credited to a canonical speaker (a person, when ``persons`` is known)."""
    entity = version.mention.speaker_entity
    if version.mention.kind != "direct" or entity is None:
        return False
    return persons is None or entity in persons


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def group_quotes(
    articles: Sequence[Article],
    annotations: Mapping[str, ArticleAnnotations],
    source_keys: Mapping[str, str],
    entity_names: Mapping[str, str],
    similar: Callable[[Sequence[str]], list[list[bool]]],
    persons: Collection[str] | None = None,
) -> tuple[list[BriefQuote], list[BriefConflict]]:
    """Group the story's quotes; ``similar(texts)`` returns the paraphrase matrix of the texts.

    Only direct quotes (words inside quote marks) are grouped: reported speech and scare-quote
    fragments stay in the annotations and in the facts, but a brief prints quotes in quote marks,
    and a reader must be able to trust that those are the speaker's words.

    A group is ``misattributed`` only on positive evidence: two *direct* quotes of different
    outlets with the same words (at least ``MIN_MISATTRIBUTED_WORDS``) whose speakers are two
    different canonical entities — people, when ``persons`` (ids of PERSON entities) is given,
    because an outlet named as a speaker ("told the Daily News") is a parsing slip, not a claim.

    Articles are taken in the given order (the brief's chronological order); ids are stable.
    """
    versions: list[_Version] = []
    for rank, article in enumerate(articles):
        ann = annotations.get(article.id)
        if ann is None:
            continue
        for mention in sorted(ann.quotes, key=lambda q: (q.start, q.end)):
            if mention.kind != "direct" or len(mention.text.split()) < MIN_QUOTE_WORDS:
                continue
            key = mention.speaker_entity or (
                "t:" + normalise_text(mention.speaker) if mention.speaker else None
            )
            name = entity_names.get(mention.speaker_entity or "", None) or mention.speaker
            versions.append(
                _Version(
                    article.id,
                    source_keys.get(article.id, article.id),
                    rank,
                    mention,
                    normalise_text(mention.text),
                    key,
                    name,
                )
            )
    n = len(versions)
    if not n:
        return [], []
    paraphrase = similar([v.mention.text for v in versions])
    parent = list(range(n))
    verbatim_links: list[tuple[int, int]] = []
    for i in range(n):
        for j in range(i + 1, n):
            a, b = versions[i], versions[j]
            if a.article == b.article:
                continue
            words = same_words(a.norm, b.norm)
            same_speaker = a.speaker_key is not None and a.speaker_key == b.speaker_key
            if words:
                verbatim_links.append((i, j))
            if words or (same_speaker and paraphrase[i][j]):
                ri, rj = _find(parent, i), _find(parent, j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(_find(parent, i), []).append(i)
    quotes: list[BriefQuote] = []
    conflicts: list[BriefConflict] = []
    for root in sorted(groups):
        members = groups[root]
        items = [versions[k] for k in members]
        first = items[0]
        speakers = Counter(v.speaker_key for v in items if v.speaker_key is not None)
        misattributed = any(
            _credited(versions[i], persons)
            and _credited(versions[j], persons)
            and versions[i].speaker_key != versions[j].speaker_key
            and versions[i].source_key != versions[j].source_key
            and min(len(versions[i].norm.split()), len(versions[j].norm.split())) >= MIN_MISATTRIBUTED_WORDS
            for i, j in verbatim_links
            if i in members and j in members
        )
        sources = {v.source_key for v in items}
        if misattributed:
            match = "misattributed"
        elif len(sources) < 2:
            match = "single"
        elif all(same_words(first.norm, v.norm) for v in items[1:]):
            match = "verbatim"
        else:
            match = "paraphrase"
        top = min(
            speakers,
            key=lambda k: (-speakers[k], next(i for i, v in enumerate(items) if v.speaker_key == k)),
            default=None,
        )
        lead = next((v for v in items if v.speaker_key == top), first)
        quote_id = "q-" + hashlib.sha1(f"{first.article}:{first.mention.start}".encode()).hexdigest()[:10]
        quotes.append(
            BriefQuote(
                id=quote_id,
                text=first.mention.text,
                speaker=lead.speaker_name,
                speaker_entity=lead.mention.speaker_entity,
                articles=tuple(dict.fromkeys(v.article for v in items)),
                match=match,  # type: ignore[arg-type]
                versions=tuple(
                    QuoteVersion(v.article, v.mention.text, v.speaker_name, v.mention.start, v.mention.end)
                    for v in items
                ),
            )
        )
        if misattributed:
            named = [v for v in items if v.speaker_key is not None]
            names = list(dict.fromkeys(v.speaker_name or "?" for v in named))
            conflicts.append(
                BriefConflict(
                    id="c-" + hashlib.sha1(f"attribution|{quote_id}".encode()).hexdigest()[:10],
                    kind="attribution",
                    description=f"The same words are attributed to different speakers: {' vs '.join(names)}",
                    facts=(),
                    evidence=tuple(
                        ConflictEvidence(v.article, v.mention.text, v.speaker_name or "?") for v in named
                    ),
                )
            )
    return quotes, conflicts
