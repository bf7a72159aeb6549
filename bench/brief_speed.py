"""Time ``build_brief`` for one 20-article story (after annotation).

    python bench/brief_speed.py [--articles 20] [--repeat 3]

The story: the ECB+ subtopic with the most documents (one real-world event reported by many
outlets; train/dev topics from ../shared/data/ecbplus), its first ``--articles`` documents,
detokenised. Annotation runs first with the real language layer when ``storylens.annotate`` is
importable (else sentences from the fallback splitter) and is not timed; then ``build_brief`` is
timed: once cold (the static embedding model loads on first use) and ``--repeat`` times warm.
Run with ``OMP_NUM_THREADS=2`` on a 2-core machine for the reference figure (target: < 2 s).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from typing import Any

from storylens.eval import default_data_dir
from storylens.eval.clustering import _detokenize
from storylens.models import Article


def story(n: int) -> list[Article]:
    path = default_data_dir() / "ecbplus" / "docs.jsonl"
    docs = [json.loads(line) for line in path.open(encoding="utf-8")]
    top, _ = Counter(d["subtopic"] for d in docs).most_common(1)[0]
    chosen = [d for d in docs if d["subtopic"] == top][:n]
    articles = []
    for i, doc in enumerate(chosen):
        sentences = [_detokenize(s) for s in doc["sentences"]]
        if doc["doc_id"].endswith("ecbplus"):
            sentences = sentences[1:]
        articles.append(
            Article(
                id=doc["doc_id"],
                source=f"outlet-{i}",
                title=sentences[0],
                text=" ".join(sentences[1:]),
                original=" ".join(sentences),
                published=f"2026-01-{10 + i % 2:02d}T{8 + i % 12:02d}:00:00Z",
            )
        )
    return articles


def main(argv: list[str] | None = None) -> int:
    import importlib

    from storylens.brief import build_brief
    from storylens.eval.alignment import real_annotator
    from storylens.models import ArticleAnnotations

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    articles = story(args.articles)
    layer = real_annotator()
    entities: list[Any] = []
    if layer is not None:
        anns = layer(articles)
        entities = list(importlib.import_module("storylens.annotate").canonicalize(articles, anns)[0])
        name = "storylens.annotate"
    else:
        anns = [ArticleAnnotations(article_id=a.id) for a in articles]
        name = "fallback-sentences"
    started = time.perf_counter()
    brief = build_brief(articles, anns, entities, story_id="bench")
    cold = time.perf_counter() - started
    warm = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        build_brief(articles, anns, entities, story_id="bench")
        warm.append(time.perf_counter() - started)
    result = {
        "articles": len(articles),
        "words": sum(len(a.text.split()) for a in articles),
        "annotations": name,
        "facts": len(brief.facts),
        "conflicts": len(brief.conflicts),
        "cold_seconds": round(cold, 3),
        "warm_median_seconds": round(statistics.median(warm), 3),
    }
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
