"""Scale of the online clustering step: articles/s on precomputed features and memory at 100k articles.

Builds a long stream from the public evaluation data: every ECB+ document and NeuS train/val
article (about 9,000 base articles, each labelled with its story) is re-published in ``--copies``
rounds; each round gives the copies new ids and new dates (every story of a round starts on a
random day of a 30-day span, its articles follow within a few days, and round k is shifted by
k x 60 days), so each round forms distinct stories. All articles are interleaved by date.

Features (embeddings, keywords, entities) are computed once per base article with the default
static model, outside the timed part; each stream article gets its own copy of them, built as the
stream is fed, so memory is not shared between copies. The timed part is ``StoryClusterer``'s
clustering step alone (candidate retrieval, scoring, story updates). Reports articles/s overall
and per 10k-article segment (flat when the per-article cost does not grow with the number of
stories), the number of stories and of active (indexed) stories, peak RSS of the process, and
pairwise/B3 F1 against the round x story labels.

Usage: python bench/cluster_scale.py [--articles 100000] [--copies 12] [--data DIR]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--copies", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    from storylens.cluster import StoryClusterer
    from storylens.cluster.features import ArticleFeatures, compute_features
    from storylens.embed import get_embedder
    from storylens.eval import default_data_dir
    from storylens.eval.clustering import load_ecbplus, load_neus, scores

    data = args.data or default_data_dir()
    if not (data / "ecbplus").exists() or not (data / "neus").exists():
        print(f"data not found under {data}; nothing to measure")
        return 0
    items, labels = [], []
    for loader, splits in ((load_ecbplus, ("train", "dev")), (load_neus, ("train", "val"))):
        for split in splits:
            more, more_labels = loader(data, split)
            items += more
            labels += more_labels
    embedder = get_embedder("static")
    start = time.perf_counter()
    base = compute_features(items, embedder)
    print(f"base articles: {len(base)}; features in {time.perf_counter() - start:.1f}s (not timed below)")

    rng = random.Random(args.seed)
    schedule: list[tuple[float, int, int]] = []
    for copy in range(args.copies):
        start_day: dict[str, float] = {}
        for i, label in enumerate(labels):
            if label not in start_day:
                start_day[label] = 19000.0 + copy * 60.0 + rng.uniform(0.0, 30.0)
            schedule.append((start_day[label] + min(rng.expovariate(1.0), 5.0), i, copy))
    schedule.sort()
    schedule = schedule[: args.articles]

    clusterer = StoryClusterer(embedder)
    core = clusterer._core
    rss_before = _rss_mb()
    timed = 0.0
    segment_rates = []
    segment_time, segment_n = 0.0, 0
    for day, i, copy in schedule:
        f = base[i]
        feats = ArticleFeatures(
            id=f"{f.id}#{copy}",
            title_vec=f.title_vec.copy(),
            body_vec=f.body_vec.copy(),
            terms=dict(f.terms),
            entities=f.entities,
            day=day,
        )
        t0 = time.perf_counter()
        core.add(feats)
        dt = time.perf_counter() - t0
        timed += dt
        segment_time += dt
        segment_n += 1
        if segment_n == 10_000:
            segment_rates.append(round(segment_n / segment_time))
            segment_time, segment_n = 0.0, 0
    n = len(schedule)
    t0 = time.perf_counter()
    changed = clusterer.recluster()
    recluster_s = time.perf_counter() - t0
    rss_after = _rss_mb()
    gold = [f"{labels[i]}#{copy}" for _, i, copy in schedule]
    current = clusterer.assignments()
    predicted = [current[f"{base[i].id}#{copy}"].story_id for _, i, copy in schedule]
    quality = scores(gold, predicted)
    t0 = time.perf_counter()
    state = clusterer.to_state()
    state_s = time.perf_counter() - t0

    print(f"stream articles: {n} in {args.copies} rounds")
    print(f"clustering step: {n / timed:,.0f} articles/s ({timed:.1f}s)")
    print(f"per 10k segment articles/s: {segment_rates}")
    print(f"stories: {len(core.stories)}; active (indexed) at end: {len(core.index)}")
    print(f"recluster pass: {recluster_s:.1f}s, {len(changed)} assignments changed")
    print(f"RSS: {rss_before:.0f} MB before clustering, {rss_after:.0f} MB after; peak {_peak_mb():.0f} MB")
    print(f"state: {len(state) / 1e6:.1f} MB npz in {state_s:.1f}s")
    print(
        f"quality vs round x story labels: pairwise F1 {quality['pairwise_f1']:.3f}, "
        f"B3 F1 {quality['b3_f1']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
