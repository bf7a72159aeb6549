"""Story clustering against two peer methods on the same data, in the same run.

Data: ECB+ dev (197 docs, 16 stories: two different events per topic) and NeuS val (921 articles,
307 stories, three outlets each), in the same seeded shuffled order as ``storylens eval
clustering``. Methods:

- ``tfidf-agglo``: TF-IDF (scikit-learn, fitted on the documents being clustered) + average-link
  agglomerative clustering on cosine distance; its distance threshold is picked on the train split
  of each data set (grid search, best mean of pairwise and B3 F1).
- ``bertopic-style``: MiniLM sentence embeddings + HDBSCAN (``sklearn.cluster.HDBSCAN``; no UMAP
  step, outliers become singletons); ``min_cluster_size`` and the selection method (eom | leaf)
  picked on train (``cluster_selection_epsilon`` is left at 0: scikit-learn 1.9.1 fails in its
  epsilon search on these vectors). When MiniLM cannot load, the static embeddings are used
  and the row says so.
- ``bertopic-style, 64-token window``: the same with MiniLM reading only the first 64 word pieces
  (as storylens's MiniLM variant reads the lead), to show what the window alone buys.
- ``storylens``: ``StoryClusterer`` (online, one pass + recluster) with the static model (default)
  and with MiniLM (the transformer reads the title and lead, the static model the whole text).

Prints one table of pairwise F1, B3 F1 and articles/s (embedding + clustering, 2 cores).
Usage: python bench/cluster_peers.py [--data DIR] [--skip-minilm] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from storylens.eval import default_data_dir
from storylens.eval.clustering import cluster_and_score, load_ecbplus, load_neus, scores, shuffled

TRAIN_SAMPLE = 2500  # articles of a train split used to pick a peer's parameters


def _texts(items: Sequence[Any]) -> list[str]:
    return [f"{item.title}\n{item.text}" for item in items]


def _objective(result: dict[str, float]) -> float:
    return (result["pairwise_f1"] + result["b3_f1"]) / 2


def _with_singletons(labels: Sequence[int]) -> list[str]:
    return [f"c{label}" if label >= 0 else f"o{i}" for i, label in enumerate(labels)]


def tfidf_agglo(items: Sequence[Any], threshold: float) -> list[str]:
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(_texts(items))
    distances = np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, 2.0)  # rows are L2-normalised
    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=threshold, metric="precomputed", linkage="average"
    )
    return _with_singletons(model.fit_predict(distances).tolist())


def hdbscan_labels(vectors: Any, min_cluster_size: int, method: str) -> list[str]:
    import numpy as np
    from sklearn.cluster import HDBSCAN

    model = HDBSCAN(
        min_cluster_size=min_cluster_size, min_samples=1, cluster_selection_method=method, copy=True
    )
    return _with_singletons(model.fit_predict(np.asarray(vectors, dtype=np.float64)).tolist())


def pick(train: tuple[list, list], options: Sequence[Any], run: Callable[[list, Any], list[str]]) -> Any:
    items, labels = train[0][:TRAIN_SAMPLE], train[1][:TRAIN_SAMPLE]
    best, best_score = options[0], -1.0
    for option in options:
        score = _objective(scores(labels, run(items, option)))
        if score > best_score:
            best, best_score = option, score
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--skip-minilm", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    data = args.data or default_data_dir()
    if not (data / "ecbplus").exists() or not (data / "neus").exists():
        print(f"data not found under {data}; nothing to compare")
        return 0
    from storylens.embed import get_embedder

    static = get_embedder("static")
    minilm: Any = None
    minilm_note = ""
    if not args.skip_minilm:
        try:
            minilm = get_embedder("minilm")
        except RuntimeError as exc:
            minilm_note = f" (MiniLM unavailable: {exc}; static embeddings used)"
    dense = minilm or static
    short: Any = None
    if minilm is not None:
        from storylens.embed import MiniLMEmbedder

        short = MiniLMEmbedder(max_length=64)
    rows: list[dict[str, Any]] = []
    for name, loader, dev_split in (("ecbplus", load_ecbplus, "dev"), ("neus", load_neus, "val")):
        train = shuffled(*loader(data, "train"))
        items, labels = shuffled(*loader(data, dev_split))

        threshold = pick(train, [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9], tfidf_agglo)
        start = time.perf_counter()
        predicted = tfidf_agglo(items, threshold)
        rows.append(_row(name, "tfidf-agglo", f"distance {threshold}", labels, predicted, start, len(items)))

        variants = [(dense, "bertopic-style" + ("" if minilm else " [static embeddings]"), dense.name)]
        if minilm is not None:
            variants.append((short, "bertopic-style, 64-token window", "minilm, 64 tokens"))
        for model, label, model_name in variants:
            train_vectors = model.embed(_texts(train[0][:TRAIN_SAMPLE]))
            options = [(m, e) for m in (2, 3, 4) for e in ("eom", "leaf")]
            size, method = pick(
                (list(range(len(train_vectors))), train[1]),
                options,
                lambda idx, opt, vectors=train_vectors: hdbscan_labels(vectors[idx], *opt),
            )
            start = time.perf_counter()
            predicted = hdbscan_labels(model.embed(_texts(items)), size, method)
            params = f"{model_name}; min_cluster_size {size}, {method}"
            rows.append(_row(name, label, params, labels, predicted, start, len(items)))

        for embedder in [static, minilm] if minilm else [static]:
            result = cluster_and_score(items, labels, embedder)
            rows.append(
                {
                    "data": name,
                    "method": f"storylens ({embedder.name})",
                    "params": "weights.json",
                    **{k: result[k] for k in ("pairwise_f1", "b3_f1", "ari", "nmi")},
                    "articles_per_s": result["articles_per_s"],
                }
            )
    _print(rows, minilm_note)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


def _row(data: str, method: str, params: str, labels: list, predicted: list, start: float, n: int) -> dict:
    elapsed = time.perf_counter() - start
    result = scores(labels, predicted)
    return {
        "data": data,
        "method": method,
        "params": params,
        **{k: result[k] for k in ("pairwise_f1", "b3_f1", "ari", "nmi")},
        "articles_per_s": round(n / elapsed, 1),
    }


def _print(rows: list[dict[str, Any]], note: str) -> None:
    header = (
        f"{'data':<8} {'method':<34} {'pair F1':>8} {'B3 F1':>7} {'ARI':>6} {'NMI':>6} {'art/s':>8}  params"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['data']:<8} {r['method']:<34} {r['pairwise_f1']:>8.3f} {r['b3_f1']:>7.3f} {r['ari']:>6.3f} "
            f"{r['nmi']:>6.3f} {r['articles_per_s']:>8.1f}  {r['params']}"
        )
    if note:
        print(note)


if __name__ == "__main__":
    sys.exit(main())
