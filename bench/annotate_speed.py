"""Language-layer throughput and memory: annotate a batch of articles, report words/s and peak RSS.

Builds ``--n`` articles (default 1,000) from the public evaluation data: ECB+ documents
(detokenised, sentence 0 — the source URL — dropped in ``*ecbplus`` docs) and NeuS articles, with
publication dates spread over March 2026, then runs ``get_annotator().annotate`` over them in one
call (spaCy ``nlp.pipe`` in batches) and ``canonicalize`` per ECB+ sub-topic / NeuS story.
Prints articles, words, seconds, words/s, articles/s, peak RSS of this process (target: at most
1.5 GB for 1,000 articles) and the counts of what was found.

Usage: python bench/annotate_speed.py [--data ../shared/data] [--n 1000]
Skips (exit 0, with a message) when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

from storylens.eval import default_data_dir
from storylens.models import Article

RSS_TARGET_MB = 1536


def _detok(text: str) -> str:
    text = re.sub(r"\s+([.,;:!?%)'’])", r"\1", text)
    text = re.sub(r"([($])\s+", r"\1", text)
    return text.replace(" n't", "n't").replace("`` ", "“").replace(" ''", "”")


def build(data: Path, n: int) -> tuple[list[Article], dict[str, list[int]]]:
    articles: list[Article] = []
    groups: dict[str, list[int]] = defaultdict(list)
    ecb = data / "ecbplus" / "docs.jsonl"
    if ecb.exists():
        with ecb.open(encoding="utf-8") as fh:
            for line in fh:
                if len(articles) >= n:
                    break
                doc = json.loads(line)
                sentences = doc["sentences"][1:] if doc["doc_id"].endswith("ecbplus") else doc["sentences"]
                text = "\n\n".join(_detok(s) for s in sentences)
                groups[doc["subtopic"]].append(len(articles))
                articles.append(_article(f"ecb-{doc['doc_id']}", text, len(articles)))
    for name in ("train.jsonl", "val.jsonl"):
        path = data / "neus" / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if len(articles) >= n:
                    break
                story = json.loads(line)
                for k, art in enumerate(story["articles"]):
                    if len(articles) >= n:
                        break
                    groups[f"neus-{story['story_id']}"].append(len(articles))
                    articles.append(
                        _article(
                            f"neus-{story['story_id']}-{k}", f"{art['title']}\n\n{art['text']}", len(articles)
                        )
                    )
    return articles, groups


def _article(article_id: str, text: str, i: int) -> Article:
    published = f"2026-03-{1 + i % 28:02d}T{8 + i % 10:02d}:00:00+00:00"
    return Article(
        id=article_id, source=f"outlet-{i % 7}", title="", text=text, original=text, published=published
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args(argv)
    data = args.data or default_data_dir()
    if not (data / "ecbplus").exists() and not (data / "neus").exists():
        print(f"evaluation data not found under {data}; skipping")
        return 0
    articles, groups = build(data, args.n)
    words = sum(len(a.text.split()) for a in articles)
    from storylens.annotate import canonicalize, get_annotator
    from storylens.annotate.nlp import get_nlp

    t0 = time.perf_counter()
    get_nlp()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    annotations = get_annotator().annotate(articles)
    annotate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    entities = 0
    for members in groups.values():
        ents, _ = canonicalize([articles[i] for i in members], [annotations[i] for i in members])
        entities += len(ents)
    canon_s = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = {
        key: sum(len(getattr(a, key)) for a in annotations)
        for key in ("sentences", "entities", "quotes", "dates", "quantities")
    }
    print(f"articles            {len(articles)}")
    print(f"words               {words}")
    print(f"model load s        {load_s:.1f}")
    print(f"annotate s          {annotate_s:.1f}")
    print(f"words/s             {words / annotate_s:.0f}")
    print(f"articles/s          {len(articles) / annotate_s:.1f}")
    print(f"canonicalize s      {canon_s:.2f} ({len(groups)} stories, {entities} canonical entities)")
    print(f"peak RSS MB         {rss_mb:.0f} (target <= {RSS_TARGET_MB})")
    print("found               " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0 if rss_mb <= RSS_TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
