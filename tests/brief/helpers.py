"""Hand-built fictional articles with hand-made annotations, and a tiny deterministic embedder."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from storylens.brief import build_brief
from storylens.models import (
    Article,
    ArticleAnnotations,
    Brief,
    CanonicalEntity,
    DateMention,
    EntityMention,
    Quantity,
    QuoteMention,
)

STOP = {"the", "a", "an", "of", "to", "in", "on", "and", "that", "said", "was", "were", "by", "for", "at"}


def fake_embed(texts: Sequence[str]) -> np.ndarray:
    """Hashed bag of words (128 dims, L2-normalised): paraphrases sharing words are close."""
    out = np.zeros((len(texts), 128), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            if word in STOP:
                continue
            word = word[:-1] if len(word) > 4 and word.endswith("s") else word
            out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % 128] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def article(
    aid: str,
    source: str,
    text: str,
    *,
    published: str | None = None,
    duplicate_of: str | None = None,
    title: str | None = None,
    url: str | None = None,
) -> Article:
    return Article(
        id=aid,
        source=source,
        title=title or f"{source} report",
        text=text,
        original=text,
        url=url,
        published=published,
        duplicate_of=duplicate_of,
    )


def annotate(
    art: Article,
    *,
    entities: Sequence[tuple[str, str, str]] = (),
    quantities: Sequence[tuple[str, float, str, str]] = (),
    dates: Sequence[tuple[str, str]] = (),
    quotes: Sequence[tuple[str, str | None, str | None, str]] = (),
) -> ArticleAnnotations:
    """Annotations by hand: entities (text, type, canonical id) are found at every occurrence;
    quantities (text, value, unit, qualifier); dates (text, YYYY-MM-DD); quotes (text, speaker,
    speaker entity id, kind)."""
    ents = []
    for text, etype, cid in entities:
        for m in re.finditer(re.escape(text), art.text):
            ents.append(EntityMention(text, etype, m.start(), m.end(), canonical=cid))
    qs = [Quantity(t, *_span(art.text, t), value=v, unit=u, qualifier=q) for t, v, u, q in quantities]  # type: ignore[arg-type]
    ds = [DateMention(t, *_span(art.text, t), value=v) for t, v in dates]
    qm = [
        QuoteMention(t, *_span(art.text, t), kind=kind, speaker=s, speaker_entity=se)  # type: ignore[arg-type]
        for t, s, se, kind in quotes
    ]
    return ArticleAnnotations(
        article_id=art.id,
        entities=tuple(sorted(ents, key=lambda e: e.start)),
        quantities=tuple(qs),
        dates=tuple(ds),
        quotes=tuple(qm),
    )


def entities_for(articles: Sequence[Article], anns: Sequence[ArticleAnnotations]) -> list[CanonicalEntity]:
    """CanonicalEntity records built from the hand-made canonical ids."""
    found: dict[str, dict[str, Any]] = {}
    for ann in anns:
        for e in ann.entities:
            if e.canonical is None:
                continue
            entry = found.setdefault(
                e.canonical, {"type": e.type, "variants": [], "articles": [], "mentions": 0}
            )
            if e.text not in entry["variants"]:
                entry["variants"].append(e.text)
            if ann.article_id not in entry["articles"]:
                entry["articles"].append(ann.article_id)
            entry["mentions"] += 1
    return [
        CanonicalEntity(
            id=cid,
            name=max(v["variants"], key=len),
            type=v["type"],
            variants=tuple(v["variants"]),
            articles=tuple(v["articles"]),
            mentions=v["mentions"],
        )
        for cid, v in sorted(found.items())
    ]


def brief_of(articles: Sequence[Article], anns: Sequence[ArticleAnnotations], **kw: Any) -> Brief:
    return build_brief(
        articles, anns, entities_for(articles, anns), story_id="s-test", embed=fake_embed, **kw
    )
