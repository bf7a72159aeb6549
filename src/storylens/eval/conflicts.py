"""``storylens eval conflicts``: conflict detection on the bundled fictional cases.

Reads ``storylens/eval/data/conflicts.jsonl`` (each case: 2-3 fictional articles and the conflicts
a careful reader finds between them — or none, when the outlets agree), annotates the articles
with the real language layer (``storylens.annotate``; when it is not importable the task is
skipped with a message), builds each case's brief and writes: the false-alarm rate (agreeing
cases with any conflict reported), the spurious share (reported conflicts that match no expected
one), and the miss rate (expected conflicts not reported), overall and per kind.

A reported conflict matches an expected one when the kind is the same and every expected value
appears (case-insensitively) in one of its evidence values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storylens.models import Article, BriefConflict

__all__ = ["CASES_PATH", "load_cases", "matches", "run"]

CASES_PATH = Path(__file__).resolve().parent / "data" / "conflicts.jsonl"


def load_cases(path: Path = CASES_PATH) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def matches(conflict: BriefConflict, expected: dict[str, Any]) -> bool:
    if conflict.kind != expected["kind"]:
        return False
    values = [ev.value.casefold() for ev in conflict.evidence]
    return all(any(want.casefold() in got for got in values) for want in expected.get("values", []))


def run(data: Path | None = None, **_: Any) -> dict[str, Any]:
    """Score conflict detection on the bundled cases (``data`` may name another cases file)."""
    from storylens.brief import build_brief
    from storylens.eval.alignment import real_annotator

    path = Path(data) if data and Path(data).is_file() else CASES_PATH
    layer = real_annotator()
    if layer is None:
        return {"skipped": "storylens.annotate is not importable: the conflict cases need the real annotator"}
    cases = load_cases(path)
    agreeing = flagged = expected_total = missed = reported = spurious = 0
    per_kind: dict[str, dict[str, int]] = {}
    failures: list[dict[str, Any]] = []
    for case in cases:
        articles = [
            Article(
                id=a["id"],
                source=a["source"],
                title=a["title"],
                text=a["text"],
                original=a["text"],
                published=a.get("published"),
                duplicate_of=a.get("duplicate_of"),
            )
            for a in case["articles"]
        ]
        annotations = layer(articles)
        import importlib

        canonicalize = importlib.import_module("storylens.annotate").canonicalize
        entities, _ = canonicalize(articles, annotations)
        brief = build_brief(articles, annotations, entities, story_id=case["id"])
        found = list(brief.conflicts)
        expected = case["expected"]
        reported += len(found)
        if not expected:
            agreeing += 1
            flagged += bool(found)
        for want in expected:
            expected_total += 1
            stats = per_kind.setdefault(want["kind"], {"expected": 0, "missed": 0})
            stats["expected"] += 1
            if not any(matches(c, want) for c in found):
                missed += 1
                stats["missed"] += 1
        extra = [c for c in found if not any(matches(c, want) for want in expected)]
        spurious += len(extra)
        if extra or any(not any(matches(c, w) for c in found) for w in expected):
            failures.append(
                {
                    "case": case["id"],
                    "expected": expected,
                    "reported": [f"{c.kind}: {c.description}" for c in found],
                }
            )
    return {
        "cases": len(cases),
        "agreeing_cases": agreeing,
        "false_alarm_rate": round(flagged / agreeing, 4) if agreeing else 0.0,
        "spurious_share": round(spurious / reported, 4) if reported else 0.0,
        "expected_conflicts": expected_total,
        "miss_rate": round(missed / expected_total, 4) if expected_total else 0.0,
        "miss_rate_by_kind": {
            kind: round(s["missed"] / s["expected"], 4) for kind, s in sorted(per_kind.items())
        },
        "failures": failures,
    }
