"""The per-article language layer: ``Annotator.annotate(articles)``.

Reads cleaned :class:`~storylens.models.Article` records (text and publication date); runs spaCy
over the texts in batches (``nlp.pipe``) and writes one
:class:`~storylens.models.ArticleAnnotations` per article: sentences, entity mentions, quotes,
dates and quantities, every offset pointing into ``article.text``. Canonical ids stay empty here;
:func:`storylens.annotate.canonicalize` fills them at story level.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from storylens.models import Article, ArticleAnnotations, Sentence

__all__ = ["Annotator", "annotation_to_dict", "get_annotator"]

BATCH_SIZE = 32


class Annotator:
    """Annotates articles with a spaCy pipeline (loaded on first use, shared per process)."""

    def __init__(self, nlp: Any = None, batch_size: int = BATCH_SIZE) -> None:
        self._nlp = nlp
        self.batch_size = batch_size

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            from storylens.annotate.nlp import get_nlp

            self._nlp = get_nlp()
        return self._nlp

    def annotate(
        self, articles: Sequence[Article], progress: Callable[[int], None] | None = None
    ) -> list[ArticleAnnotations]:
        """One ArticleAnnotations per article, in order; ``progress(n)`` after each finished batch."""
        out: list[ArticleAnnotations] = []
        if not articles:
            return out
        texts = (a.text for a in articles)
        pending = 0
        for article, doc in zip(articles, self.nlp.pipe(texts, batch_size=self.batch_size), strict=True):
            out.append(annotate_doc(article, doc))
            pending += 1
            if progress is not None and pending >= self.batch_size:
                progress(pending)
                pending = 0
        if progress is not None and pending:
            progress(pending)
        return out

    def annotate_one(self, article: Article) -> ArticleAnnotations:
        return self.annotate([article])[0]


def annotate_doc(article: Article, doc: Any) -> ArticleAnnotations:
    """Annotations of one article from its spaCy doc."""
    from storylens.annotate.dates import extract_dates
    from storylens.annotate.entities import extract_entities
    from storylens.annotate.quantities import extract_quantities
    from storylens.annotate.quotes import extract_quotes, find_quote_spans

    text = article.text
    quote_spans = find_quote_spans(text)
    sentences = mend_sentences(
        text, [(s.start_char, s.end_char) for s in doc.sents if s.text.strip()], quote_spans
    )
    entities = extract_entities(doc)
    quotes = extract_quotes(text, doc, entities, quote_spans)
    dates = extract_dates(text, article.published, doc)
    date_spans = [(d.start, d.end) for d in dates]
    quantities = [
        q for q in extract_quantities(doc) if not any(s < q.end and q.start < e for s, e in date_spans)
    ]
    return ArticleAnnotations(
        article_id=article.id,
        sentences=sentences,
        entities=tuple(entities),
        quotes=tuple(quotes),
        dates=tuple(dates),
        quantities=tuple(quantities),
    )


def mend_sentences(
    text: str, spans: Sequence[tuple[int, int]], quote_spans: Sequence[tuple[int, int, int, int]]
) -> tuple[Sentence, ...]:
    """Sentence ``spans`` with each closing quotation mark in the sentence it closes
    (``quote_spans``: ``find_quote_spans(text)``).

    The parser can end a sentence at the full stop inside a quote ('... would be something.' then
    '" The dam ...'): the next sentence then opens with the mark that closes this one. The mark
    (and the space after it) moves back; a sentence left with nothing else is dropped.
    """
    closers = {close - 1 for _, close, _, end in quote_spans if close > end}
    out: list[Sentence] = []
    for start, end in spans:
        if out and start in closers:
            mark_end = start
            while mark_end < end and mark_end in closers:
                mark_end += 1
            out[-1] = Sentence(out[-1].start, mark_end)
            start = mark_end
            while start < end and text[start].isspace():
                start += 1
            if start >= end:
                continue
        out.append(Sentence(start, end))
    return tuple(out)


_LOCK = threading.Lock()
_ANNOTATOR: Annotator | None = None


def get_annotator() -> Annotator:
    """The process-wide annotator (spaCy loads on its first ``annotate`` call)."""
    global _ANNOTATOR
    with _LOCK:
        if _ANNOTATOR is None:
            _ANNOTATOR = Annotator()
        return _ANNOTATOR


def annotation_to_dict(article: Article, ann: ArticleAnnotations) -> dict[str, Any]:
    """The per-article JSON record of ``storylens annotate`` (schema ``annotations-1``)."""
    return {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "published": article.published,
        "text": article.text,
        "sentences": [{"start": s.start, "end": s.end} for s in ann.sentences],
        "entities": [
            {
                "text": e.text,
                "type": e.type,
                "start": e.start,
                "end": e.end,
                "canonical": e.canonical,
                "role": e.role,
            }
            for e in ann.entities
        ],
        "quotes": [
            {
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "kind": q.kind,
                "speaker": q.speaker,
                "speaker_start": q.speaker_start,
                "speaker_end": q.speaker_end,
                "cue": q.cue,
                "speaker_entity": q.speaker_entity,
            }
            for q in ann.quotes
        ],
        "dates": [
            {
                "text": d.text,
                "start": d.start,
                "end": d.end,
                "value": d.value,
                "end_value": d.end_value,
                "granularity": d.granularity,
            }
            for d in ann.dates
        ],
        "quantities": [
            {
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "value": q.value,
                "unit": q.unit,
                "qualifier": q.qualifier,
                "kind": q.kind,
            }
            for q in ann.quantities
        ],
    }
