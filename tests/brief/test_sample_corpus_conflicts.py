"""Held-out check of the brief's conflicts on the bundled sample corpus, through the real pipeline.

The corpus's ``expected.json`` lists the conflicts it was written to contain (number conflicts,
quote attribution conflicts, denials). Every conflict a brief reports must be one of them
(precision: a false conflict is worse than a missed one); most of them must be found (recall floor).
No rule of ``storylens.align`` knows any word of this corpus: it is scored, never tuned on.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

MIN_RECALL = 0.5  # measured: 4 of 4 listed conflicts found (number x2, attribution, negation)

_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


def _numbers(text: str) -> set[float]:
    out = {float(m.replace(",", "")) for m in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}
    out |= {float(v) for w, v in _WORDS.items() if re.search(rf"\b{w}\b", text, re.IGNORECASE)}
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    pytest.importorskip("storylens.annotate")
    from storylens.cli.demo_cmd import corpus_dir, sample_dir
    from storylens.pipeline import ingest_paths, story_brief
    from storylens.store import Store

    root = corpus_dir()
    expected = json.loads((sample_dir() / "expected.json").read_text(encoding="utf-8"))
    with Store(tmp_path_factory.mktemp("briefs") / "sample.db") as store:
        ingest_paths(store, [root])
        articles = store.articles()
        briefs = [story_brief(store, story.id, use_cache=False) for story in store.stories()]
    listed = {key for keys in expected["stories"].values() for key in keys}
    key_of: dict[str, str] = {}
    for article in articles:  # expected.json names an article by its id, or by its file when it has no id
        key_of[article.id] = article.id
        path = Path(article.origin.split(":")[0].split("#")[0])
        if article.id not in listed and path.is_absolute() and path.is_relative_to(root):
            key_of[article.id] = path.relative_to(root).as_posix()
    return {"expected": expected, "briefs": briefs, "key_of": key_of}


def _expected_conflicts(expected: dict[str, Any]) -> list[dict[str, Any]]:
    """The listed conflicts, each as kind + articles involved + the values that differ."""
    out: list[dict[str, Any]] = []
    for line in expected.get("number_conflicts", []):
        story, _, rest = line.partition(":")
        quoted = re.findall(r"'([^']+)'", rest)
        out.append({"kind": "number", "articles": set(expected["stories"][story.strip()]), "quoted": quoted})
    for item in expected.get("quote_attribution_conflicts", []):
        articles = {a for group in item["speakers"].values() for a in group}
        out.append({"kind": "attribution", "articles": articles, "speakers": set(item["speakers"])})
    for item in expected.get("denials", []):
        out.append({"kind": "negation", "articles": set(item["asserted_by"]) | set(item["denied_by"])})
    return out


def _corresponds(conflict: Any, want: dict[str, Any], key_of: dict[str, str]) -> bool:
    if conflict.kind != want["kind"]:
        return False
    involved = {key_of.get(ev.article, ev.article) for ev in conflict.evidence}
    if not involved <= want["articles"]:
        return False
    if want["kind"] == "number":
        # every reported value is one of the figures the listed conflict is about, and they differ
        sides = [_numbers(q) for q in want["quoted"]]
        allowed = set().union(*sides)
        values = [_numbers(ev.value) for ev in conflict.evidence]
        return all(v and v <= allowed for v in values) and len(set().union(*values)) >= 2
    if want["kind"] == "attribution":
        return all(any(name in ev.value for name in want["speakers"]) for ev in conflict.evidence)
    return True


def test_every_reported_conflict_is_listed_and_most_are_found(corpus: dict[str, Any]) -> None:
    wanted = _expected_conflicts(corpus["expected"])
    assert wanted, "expected.json lists no conflicts"
    reported = [c for brief in corpus["briefs"] for c in brief.conflicts]
    unlisted = [
        f"{c.kind}: {c.description}"
        for c in reported
        if not any(_corresponds(c, w, corpus["key_of"]) for w in wanted)
    ]
    assert unlisted == [], unlisted
    found = [w for w in wanted if any(_corresponds(c, w, corpus["key_of"]) for c in reported)]
    recall = len(found) / len(wanted)
    assert recall >= MIN_RECALL, f"found {len(found)} of {len(wanted)} listed conflicts"
