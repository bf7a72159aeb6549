"""Sentence alignment of two articles for the compare page.

Reads two articles' cleaned texts (and their stored sentence spans when the language layer left
some), plus the story brief's conflicts; returns rows pairing the sentences of the left article with
those of the right one, in reading order on both sides, each marked ``shared``, ``only`` or
``conflict``.

Method (simple and inspectable): every pair of sentences is scored with rapidfuzz's
``token_set_ratio`` (0–100, word sets after lower-casing and stripping punctuation). A monotone
alignment (dynamic programming, like a diff) keeps the pairs with the highest total score among
those scoring at least :data:`MATCH_THRESHOLD`. Two sentences the brief cites as the two sides of
one conflict with different values are always paired and marked ``conflict``; a sentence cited by a
conflict is marked ``conflict`` unless the other article's evidence in that conflict gives the same
value (then the two articles agree with each other, whatever other outlets say).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["MATCH_THRESHOLD", "AlignedRow", "align_sentences", "split_sentences"]

# Calibrated with ``python -m storylens.web.calibrate_align`` on the NeuS validation stories
# (three outlets' lead texts per story): pairs of sentences from *different* stories are never the
# same statement, and 99% of 3,000 sampled pairs score below 60 (the 99th percentile, 59.6, rounded
# up), while 33.6% of each sentence's best cross-outlet match within its story scores 60 or more.
MATCH_THRESHOLD = 60.0

Status = Literal["shared", "only", "conflict"]

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-Ý])|\n\s*\n")


@dataclass(frozen=True)
class AlignedRow:
    """One line of the comparison: a left sentence, a right sentence, or both."""

    left: str | None
    right: str | None
    status: Status
    score: float | None = None  # similarity of the pair (0–100) when both sides are present
    conflict: str | None = None  # description of the brief's conflict this row shows


def split_sentences(text: str, spans: Sequence[dict[str, Any]] = ()) -> list[str]:
    """Sentences of a text: the stored spans when there are some, else a punctuation splitter."""
    if spans:
        out = [text[int(s["start"]) : int(s["end"])].strip() for s in spans]
        return [s for s in out if s]
    parts = _SENTENCE_END.split(text)
    return [" ".join(p.split()) for p in parts if p and p.strip()]


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _conflict_sentences(
    left: Sequence[str],
    right: Sequence[str],
    left_id: str,
    right_id: str,
    conflicts: Sequence[dict[str, Any]],
) -> tuple[dict[int, str], dict[int, str], dict[tuple[int, int], str]]:
    """Indices of sentences cited as conflict evidence on each side, and cited pairs."""

    def find(sentences: Sequence[str], evidence: str) -> int | None:
        wanted = _norm(evidence)
        if not wanted:
            return None
        for index, sentence in enumerate(sentences):
            have = _norm(sentence)
            if have == wanted or wanted in have or (len(have) > 20 and have in wanted):
                return index
        return None

    on_left: dict[int, str] = {}
    on_right: dict[int, str] = {}
    pairs: dict[tuple[int, int], str] = {}
    for conflict in conflicts:
        description = str(conflict.get("description", ""))
        lefts: dict[int, str] = {}
        rights: dict[int, str] = {}
        for ev in conflict.get("evidence", []):
            sentence, value = str(ev.get("sentence", "")), _norm(str(ev.get("value", "")))
            if ev.get("article") == left_id and (i := find(left, sentence)) is not None:
                lefts[i] = value
            if ev.get("article") == right_id and (j := find(right, sentence)) is not None:
                rights[j] = value
        # a sentence conflicts with the other article unless that article gives the same value
        for i, value in lefts.items():
            if not rights or any(v != value for v in rights.values()):
                on_left.setdefault(i, description)
        for j, value in rights.items():
            if not lefts or any(v != value for v in lefts.values()):
                on_right.setdefault(j, description)
        for i, left_value in lefts.items():
            for j, right_value in rights.items():
                if left_value != right_value:
                    pairs.setdefault((i, j), description)
    return on_left, on_right, pairs


def align_sentences(
    left: Sequence[str],
    right: Sequence[str],
    *,
    left_id: str = "",
    right_id: str = "",
    conflicts: Sequence[dict[str, Any]] = (),
    threshold: float = MATCH_THRESHOLD,
) -> list[AlignedRow]:
    """Align two sentence lists in order; see the module docstring for the method."""
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist
    from rapidfuzz.utils import default_process

    n, m = len(left), len(right)
    scores = (
        cdist(left, right, scorer=fuzz.token_set_ratio, processor=default_process).tolist()
        if n and m
        else [[] for _ in range(n)]
    )
    on_left, on_right, conflict_pairs = _conflict_sentences(left, right, left_id, right_id, conflicts)

    def gain(i: int, j: int) -> float:
        if (i, j) in conflict_pairs:
            return 1000.0  # the brief says these two sentences disagree: always side by side
        score = float(scores[i][j])
        return score if score >= threshold else -1.0

    # best[i][j]: best total gain aligning left[i:] with right[j:]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(m - 1, -1, -1):
            g = gain(i, j)
            options = [below[j], row[j + 1]]
            if g > 0:
                options.append(g + below[j + 1])
            row[j] = max(options)
    rows: list[AlignedRow] = []
    i = j = 0
    while i < n or j < m:
        if i < n and j < m:
            g = gain(i, j)
            if g > 0 and best[i][j] == g + best[i + 1][j + 1]:
                description = conflict_pairs.get((i, j)) or on_left.get(i) or on_right.get(j)
                status: Status = "conflict" if description else "shared"
                rows.append(AlignedRow(left[i], right[j], status, float(scores[i][j]), description))
                i += 1
                j += 1
                continue
            if best[i][j] == best[i + 1][j]:
                rows.append(_single(left[i], None, on_left.get(i)))
                i += 1
            else:
                rows.append(_single(None, right[j], on_right.get(j)))
                j += 1
        elif i < n:
            rows.append(_single(left[i], None, on_left.get(i)))
            i += 1
        else:
            rows.append(_single(None, right[j], on_right.get(j)))
            j += 1
    return rows


def _single(left: str | None, right: str | None, conflict: str | None) -> AlignedRow:
    return AlignedRow(left, right, "conflict" if conflict else "only", None, conflict)
