"""Timeline: dated events from the resolved time expressions of the story's claims.

Reads ``Claim`` records (their ``DateMention`` list) and the fact each claim belongs to; writes
``TimelineEvent`` records ordered by date. Only day-precise expressions count (a range counts by
its start); weeks, months, years and vague expressions ("recently") are left out. One event per
(fact, day): the articles that date that fact to that day, with the expressions they used. The
event text is the fact's text, shortened. Outlets that date one fact differently appear as two
events here and as a ``date`` conflict (see ``conflicts.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storylens.align.claims import Claim
from storylens.models import TimelineEvent, TimelineEvidence

__all__ = ["EVENT_TEXT_CHARS", "build_timeline", "shorten"]

EVENT_TEXT_CHARS = 200


def shorten(text: str, limit: int = EVENT_TEXT_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters (with an ellipsis)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def build_timeline(
    claims: Sequence[Claim], fact_of: Mapping[int, str], fact_text: Mapping[str, str]
) -> list[TimelineEvent]:
    """Timeline events, ordered by date then by first mention in the story."""
    events: dict[tuple[str, str], dict[str, object]] = {}
    order: list[tuple[str, str]] = []
    for claim in claims:
        fact = fact_of.get(claim.index, f"claim-{claim.index}")
        for mention in claim.dates:
            if not mention.value or mention.granularity not in {"day", "range"}:
                continue
            if len(mention.value) != 10:
                continue
            key = (mention.value, fact)
            if key not in events:
                events[key] = {"articles": [], "evidence": []}
                order.append(key)
            entry = events[key]
            articles = entry["articles"]
            evidence = entry["evidence"]
            assert isinstance(articles, list) and isinstance(evidence, list)
            if claim.article not in articles:
                articles.append(claim.article)
            item = TimelineEvidence(article=claim.article, expression=mention.text)
            if item not in evidence:
                evidence.append(item)
    position = {key: i for i, key in enumerate(order)}
    out = []
    for key in sorted(order, key=lambda k: (k[0], position[k])):
        day, fact = key
        entry = events[key]
        out.append(
            TimelineEvent(
                date=day,
                text=shorten(fact_text.get(fact, "")),
                articles=tuple(entry["articles"]),  # type: ignore[arg-type]
                evidence=tuple(entry["evidence"]),  # type: ignore[arg-type]
            )
        )
    return out
