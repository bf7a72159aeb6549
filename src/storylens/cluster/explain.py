"""Human-readable reasons for story assignments.

Reads the signal values of one (article, story) decision and the shared entity names and
keywords; writes the ``reason`` string stored with every ``Assignment`` ("shares Olaf Scholz,
Bundestag; title similarity 0.71; 1 day apart").
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["days_text", "distinct_names", "join_reason", "new_story_reason", "wire_reason"]


def days_text(days: float | None) -> str | None:
    if days is None:
        return None
    whole = round(days)
    if whole <= 0:
        return "same day"
    return f"{whole} day apart" if whole == 1 else f"{whole} days apart"


def join_reason(
    signals: dict[str, float], shared_names: Sequence[str], shared_terms: Sequence[str], gap: float | None
) -> str:
    """Why an article joined a story: shared entities, then the strongest similarity signals."""
    parts: list[str] = []
    names = distinct_names(shared_names)
    if names:
        parts.append("shares " + ", ".join(names[:4]))
    parts.append(f"title similarity {signals.get('title', 0.0):.2f}")
    parts.append(f"text similarity {signals.get('body', 0.0):.2f}")
    if shared_terms:
        parts.append(f"keywords {', '.join(shared_terms[:4])} ({signals.get('keywords', 0.0):.2f})")
    when = days_text(gap)
    if when:
        parts.append(when)
    parts.append(f"p={signals.get('probability', 0.0):.2f}")
    return "; ".join(parts)


def distinct_names(names: Sequence[str]) -> list[str]:
    """``names`` with each one that another of them contains word for word ("Benvenar" beside
    "Lucia Benvenar") given as the longest such name, in the place of the first of them, once."""
    padded = [f" {' '.join(name.casefold().split())} " for name in names]  # whole words match
    out: list[str] = []
    for name, short in zip(names, padded, strict=True):
        longer = [i for i, other in enumerate(padded) if len(other) > len(short) and short in other]
        shown = names[max(longer, key=lambda i: (len(padded[i]), -i))] if longer else name  # longest, first
        if shown not in out:
            out.append(shown)
    return out


def new_story_reason(best_probability: float | None, best_story: str | None) -> str:
    """Why an article started a story: no candidate was likely enough (and which came closest)."""
    if best_story is None or best_probability is None:
        return "first article of the story (no active story to compare with)"
    return f"first article of the story (closest story {best_story} at p={best_probability:.2f})"


def wire_reason(original: str) -> str:
    return f"wire copy of {original}"
