"""``storylens eval clustering``: story clustering scored on ECB+ (dev) and NeuS (val).

Reads ``ecbplus/docs.jsonl`` (document -> subtopic; the two subtopics of a topic are two
different events of the same kind) and ``neus/{train,val}.jsonl`` (three outlets per story);
clusters all documents of a split together with ``StoryClusterer`` and writes a dict of scores:
pairwise precision/recall/F1 (Miranda et al. 2018: over all pairs of articles, positive when both
share a cluster), B3 precision/recall/F1, ARI, NMI, and articles per second.

Neither data set has publication dates, so the articles are fed in a fixed order shuffled with
``seed`` (documents of a story are not adjacent) and the time signal stays neutral.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from storylens.cluster import ClusterConfig, ClusterItem, StoryClusterer

__all__ = [
    "load_ecbplus",
    "load_neus",
    "paired_bootstrap",
    "run",
    "scores",
    "shuffled",
    "synthetic_days",
    "with_synthetic_dates",
]

T = TypeVar("T")

ECB_SPLITS = {"train": "train", "dev": "dev", "val": "dev", "test": "dev"}
NEUS_SPLITS = {"train": "train", "dev": "val", "val": "val", "test": "val"}
_DETOK = [
    (re.compile(r"\s+([.,;:!?%)\]}])"), r"\1"),
    (re.compile(r"([(\[{$])\s+"), r"\1"),
    (re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b"), r"\1"),
    (re.compile(r"``\s*|\s*''"), '"'),
    (re.compile(r"\s*-\s*"), "-"),
]


def _detokenize(sentence: str) -> str:
    for pattern, replacement in _DETOK:
        sentence = pattern.sub(replacement, sentence)
    return sentence.strip()


def load_ecbplus(data: Path, split: str = "dev") -> tuple[list[ClusterItem], list[str]]:
    """ECB+ documents of ``split`` (train | dev) as items, with their subtopic labels."""
    items, labels = [], []
    wanted = ECB_SPLITS.get(split, split)
    with (data / "ecbplus" / "docs.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            if doc["split"] != wanted:
                continue
            sentences = [_detokenize(s) for s in doc["sentences"]]
            if doc["doc_id"].endswith("ecbplus") and sentences:
                sentences = sentences[1:]  # sentence 0 is the source URL
            if not sentences:
                continue
            title, body = sentences[0], " ".join(sentences[1:])
            items.append(
                ClusterItem(id=doc["doc_id"], title=title, text=body, source="ecbplus", published=None)
            )
            labels.append(doc["subtopic"])
    return items, labels


def load_neus(data: Path, split: str = "val") -> tuple[list[ClusterItem], list[str]]:
    """NeuS articles of ``split`` (train | val) as items, labelled with their story id."""
    items, labels = [], []
    name = NEUS_SPLITS.get(split, split)
    with (data / "neus" / f"{name}.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            story = json.loads(line)
            for i, article in enumerate(story["articles"]):
                article_id = f"{story['story_id']}-{i}"
                items.append(
                    ClusterItem(
                        id=article_id,
                        title=article.get("title", ""),
                        text=article.get("text", ""),
                        source=f"outlet-{i}",
                        published=None,
                    )
                )
                labels.append(story["story_id"])
    return items, labels


def shuffled(items: Sequence[T], labels: Sequence[str], seed: int = 13) -> tuple[list[T], list[str]]:
    """``items`` and their ``labels`` in one seeded random order."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    return [items[i] for i in order], [labels[i] for i in order]


def synthetic_days(labels: Sequence[str], seed: int = 13) -> list[float]:
    """Made-up publication days (days since 1970) for articles labelled with their story.

    Every story starts on a random day within a 60-day span and its articles follow within a few
    days (exponential, mean 1 day, at most 5): the shape of a news stream, which the data sets,
    having no dates, do not give. Used by calibration and by ``--synthetic-dates``.
    """
    rng = random.Random(seed)
    start: dict[str, float] = {}
    days = []
    for label in labels:
        if label not in start:
            start[label] = 20000.0 + rng.uniform(0.0, 60.0)
        days.append(start[label] + min(rng.expovariate(1.0), 5.0))
    return days


def with_synthetic_dates(
    items: Sequence[ClusterItem], labels: Sequence[str], seed: int = 13
) -> tuple[list[ClusterItem], list[str]]:
    """``items`` dated by ``synthetic_days`` and put in publication order (with their labels)."""
    import dataclasses
    from datetime import UTC, datetime, timedelta

    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    days = synthetic_days(labels, seed)
    dated = [
        dataclasses.replace(item, published=(epoch + timedelta(days=day)).isoformat())
        for item, day in zip(items, days, strict=True)
    ]
    order = sorted(range(len(dated)), key=lambda i: days[i])
    return [dated[i] for i in order], [labels[i] for i in order]


def _pairs(counts: Counter) -> float:
    return sum(n * (n - 1) / 2 for n in counts.values())


def _pair_b3(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float, float, float]:
    """Pairwise precision and recall, then B3 precision and recall."""
    joint = Counter(zip(gold, predicted, strict=True))
    gold_sizes, pred_sizes = Counter(gold), Counter(predicted)
    true_pairs = _pairs(joint)
    pair_p = true_pairs / _pairs(pred_sizes) if _pairs(pred_sizes) else 1.0
    pair_r = true_pairs / _pairs(gold_sizes) if _pairs(gold_sizes) else 1.0
    n = len(gold)
    b3_p = sum(count * count / pred_sizes[p] for (_, p), count in joint.items()) / n if n else 0.0
    b3_r = sum(count * count / gold_sizes[g] for (g, _), count in joint.items()) / n if n else 0.0
    return pair_p, pair_r, b3_p, b3_r


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Pairwise P/R/F1, B3 P/R/F1, ARI and NMI of a predicted clustering against gold labels."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    pair_p, pair_r, b3_p, b3_r = _pair_b3(gold, predicted)
    return {
        "pairwise_p": round(pair_p, 4),
        "pairwise_r": round(pair_r, 4),
        "pairwise_f1": round(_f1(pair_p, pair_r), 4),
        "b3_p": round(b3_p, 4),
        "b3_r": round(b3_r, 4),
        "b3_f1": round(_f1(b3_p, b3_r), 4),
        "ari": round(float(adjusted_rand_score(gold, predicted)), 4),
        "nmi": round(float(normalized_mutual_info_score(gold, predicted)), 4),
        "articles": len(gold),
        "clusters": len(set(predicted)),
        "gold_clusters": len(set(gold)),
    }


def paired_bootstrap(
    gold: Sequence[str],
    predicted_a: Sequence[str],
    predicted_b: Sequence[str],
    rounds: int = 1000,
    seed: int = 13,
) -> dict[str, tuple[float, float, float]]:
    """How far clustering A is ahead of B: pairwise F1 and B3 F1 of A minus those of B, with a 95%
    interval from a paired bootstrap.

    The unit drawn is a block: articles linked by a gold story or by a cluster of A or of B (the
    connected parts of that graph), so that every error either method makes lies inside one block
    and a draw keeps or drops it whole. Each round draws the blocks with replacement and scores
    both clusterings on the drawn articles; a block drawn twice enters as two (labels carry the
    copy number), so copies never pair with each other. Returns ``{"pairwise_f1": (difference,
    low, high), "b3_f1": (...)}``; an interval above 0 is a lead that the choice of stories does
    not explain. With few blocks (a method that chains everything together) the interval is wide.
    """
    from storylens._unionfind import UnionFind

    linked = UnionFind(len(gold))
    for labels in (gold, predicted_a, predicted_b):
        first: dict[str, int] = {}
        for i, label in enumerate(labels):
            linked.union(i, first.setdefault(label, i))
    blocks: dict[int, list[int]] = {}
    for i in range(len(gold)):
        blocks.setdefault(linked.find(i), []).append(i)
    units = list(blocks.values())
    rng = random.Random(seed)

    def diff(rows: Sequence[tuple[int, int]]) -> tuple[float, float]:
        g = [f"{gold[i]}#{copy}" for i, copy in rows]
        out = []
        for predicted in (predicted_a, predicted_b):
            pair_p, pair_r, b3_p, b3_r = _pair_b3(g, [f"{predicted[i]}#{copy}" for i, copy in rows])
            out.append((_f1(pair_p, pair_r), _f1(b3_p, b3_r)))
        return out[0][0] - out[1][0], out[0][1] - out[1][1]

    point = diff([(i, 0) for i in range(len(gold))])
    samples: list[tuple[float, float]] = []
    for _ in range(rounds):
        rows: list[tuple[int, int]] = []
        for copy, unit in enumerate(rng.choices(units, k=len(units))):
            rows.extend((i, copy) for i in unit)
        samples.append(diff(rows))
    result: dict[str, tuple[float, float, float]] = {}
    for k, name in enumerate(("pairwise_f1", "b3_f1")):
        values = sorted(s[k] for s in samples)
        low, high = values[int(0.025 * rounds)], values[min(rounds - 1, int(0.975 * rounds))]
        result[name] = (round(point[k], 4), round(low, 4), round(high, 4))
    return result


def cluster_and_score(
    items: Sequence[ClusterItem],
    labels: Sequence[str],
    embedder: Any,
    stream: bool = False,
    config: ClusterConfig | None = None,
    batch_size: int = 100,
    keep_predicted: bool = False,
) -> dict[str, Any]:
    """Cluster ``items`` (already in feed order) and score them; timing covers embedding + clustering.

    With ``keep_predicted`` the result also holds ``predicted``: each item's story id, in order.
    """
    start = time.perf_counter()
    clusterer = StoryClusterer(embedder, config)
    if stream:  # each batch as one ``storylens ingest`` run takes it
        for i in range(0, len(items), batch_size):
            clusterer.add_and_recluster(items[i : i + batch_size])
    else:  # as ``storylens ingest`` runs one batch (recluster within it as dates move on, then at the end)
        clusterer.add_and_recluster(items)
    elapsed = time.perf_counter() - start
    current = clusterer.assignments()
    predicted = [current[item.id].story_id for item in items]
    result: dict[str, Any] = scores(labels, predicted)
    result["articles_per_s"] = round(len(items) / elapsed, 1) if elapsed > 0 else None
    if keep_predicted:
        result["predicted"] = predicted
    return result


def run(
    data: Path | None = None,
    dataset: str = "all",
    stream: bool = False,
    split: str = "dev",
    embedder: str = "static",
    limit: int | None = None,
    seed: int = 13,
    synthetic_dates: bool = False,
    **_: Any,
) -> dict[str, Any]:
    """Scores per data set: ``{"ecbplus": {...}, "neus": {...}}`` (ECB+ dev, NeuS val by default).

    ``limit`` keeps the first N articles of the shuffled order (for quick checks).
    ``synthetic_dates`` dates the articles with ``synthetic_days`` and feeds them in that order.
    """
    from storylens.embed import get_embedder
    from storylens.eval import default_data_dir

    data = Path(data) if data is not None else default_data_dir()
    model = get_embedder(embedder)
    out: dict[str, Any] = {}
    loaders = {"ecbplus": load_ecbplus, "neus": load_neus}
    for name, loader in loaders.items():
        if dataset not in ("all", name):
            continue
        if not (data / name).exists():
            out[name] = {"skipped": f"{data / name} not found"}
            continue
        items, labels = shuffled(*loader(data, split), seed=seed)
        if limit:
            items, labels = items[:limit], labels[:limit]
        order = f"no publication dates: shuffled with seed {seed}"
        if synthetic_dates:
            items, labels = with_synthetic_dates(items, labels, seed)
            order = f"synthetic publication dates (seed {seed}), in date order"
        result = cluster_and_score(items, labels, model, stream=stream)
        result["split"] = ECB_SPLITS.get(split, split) if name == "ecbplus" else NEUS_SPLITS.get(split, split)
        result["order"] = order
        result["embedder"] = model.name
        result["mode"] = "stream (batches of 100 as ingest takes them)" if stream else "batch + recluster"
        out[name] = result
    return out


if __name__ == "__main__":  # pragma: no cover
    import argparse

    parser = argparse.ArgumentParser(description="story clustering eval")
    parser.add_argument("--dataset", default="all")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--embedder", default="static")
    parser.add_argument("--stream", action="store_true")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    print(
        json.dumps(
            run(None, args.dataset, args.stream, args.split, args.embedder, limit=args.limit), indent=2
        )
    )
