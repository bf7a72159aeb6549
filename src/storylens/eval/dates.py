"""``storylens eval dates``: time-expression resolution on the bundled date table.

Reads ``eval/data/dates.tsv`` (hand-written fictional sentences: publication date — empty for
none —, a kind label, the sentence, the expression, the expected ISO value and, for ranges, the
expected end; empty means ``None``), annotates each sentence as an article with that publication
date and writes a dict of figures:

- ``accuracy``: share of rows whose expression is found (a predicted date mention overlapping it)
  with the expected value — and the expected end when the row gives one, or a ``None`` value when
  the row expects none (vague or unanchored expressions);
- ``detection``: share of rows whose expression is found at all;
- ``by_kind``: accuracy per kind label (weekday-past, weekday-future, range, vague, no-anchor, ...).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_FILE", "load_rows", "run", "score"]

DEFAULT_FILE = Path(__file__).with_name("data") / "dates.tsv"


def load_rows(data: Path | None = None) -> list[dict[str, str]]:
    """Rows of ``data`` (a .tsv file, or a folder holding dates.tsv), else of the bundled table."""
    path = DEFAULT_FILE
    if data is not None:
        data = Path(data)
        if data.is_file():
            path = data
        elif (data / "dates.tsv").is_file():
            path = data / "dates.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def predict(rows: list[dict[str, str]]) -> list[list[dict[str, Any]]]:
    """storylens's date mentions of every row's sentence."""
    from storylens.annotate import get_annotator
    from storylens.models import Article

    articles = [
        Article(
            id=row["id"],
            source="eval",
            title="",
            text=row["sentence"],
            original=row["sentence"],
            published=row["published"] or None,
        )
        for row in rows
    ]
    return [
        [{"start": d.start, "end": d.end, "value": d.value, "end_value": d.end_value} for d in ann.dates]
        for ann in get_annotator().annotate(articles)
    ]


def score(rows: list[dict[str, str]], predictions: list[list[dict[str, Any]]]) -> dict[str, Any]:
    correct = found = 0
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failed: list[str] = []
    for row, dates in zip(rows, predictions, strict=True):
        start = row["sentence"].find(row["expression"])
        end = start + len(row["expression"])
        hit = next((d for d in dates if d["start"] < end and start < d["end"]), None)
        ok = False
        if hit is not None:
            found += 1
            ok = hit["value"] == (row["value"] or None)
            if ok and row["end_value"]:
                ok = hit["end_value"] == row["end_value"]
        correct += ok
        per_kind[row["kind"]][0] += ok
        per_kind[row["kind"]][1] += 1
        if not ok:
            failed.append(row["id"])
    n = len(rows)
    return {
        "rows": n,
        "accuracy": correct / n if n else 0.0,
        "detection": found / n if n else 0.0,
        "by_kind": {kind: ok / total for kind, (ok, total) in sorted(per_kind.items())},
        "failed_rows": ",".join(failed),
    }


def run(data: Path | None = None, **_: Any) -> dict[str, Any]:
    """Score the date layer on the date table (``data``: a .tsv file or folder; default bundled)."""
    rows = load_rows(data)
    return score(rows, predict(rows))
