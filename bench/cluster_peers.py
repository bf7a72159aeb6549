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
- each peer again with ``, one setting``: its parameters picked for the best mean over both
  train samples (ECB+ and NeuS), as storylens has one set of weights for all news. Picked per
  data set, a peer learns that data set's story size (HDBSCAN's ``min_cluster_size`` 4 on ECB+,
  whose stories have 10 to 19 articles, would leave every three-article NeuS story as noise);
  picked once, it is on storylens's footing. Its speed is that of the row above (same method).
- ``storylens``: ``StoryClusterer`` (online, one pass + recluster) with the static model (default)
  and with MiniLM (the transformer reads the title and lead, the static model the whole text).

With ``--synthetic-dates`` every story gets a start within a 60-day span and its articles dates
within a few days of it (as ``storylens eval clustering --synthetic-dates``). The peers then see
the dates too: their distance between two articles gains ``w * (1 - exp(-days apart / 3))``, with
``w`` picked on train alongside their other parameters (0 leaves the dates unused), and they
cluster all articles at once; storylens reads them in date order as a stream, in batches of 100
each taken as one ``storylens ingest`` run takes it (recluster after the batch, and within it
whenever stream time moves on by half the story window).

Runs on several shuffles (``--seeds``; each also draws its own dates and picks the peers'
parameters on its own train sample): the online clusterer depends on the order the articles
arrive in, and one order can flatter or wrong it. For the first shuffle it prints one table of
pairwise F1, B3 F1 and articles/s (embedding + clustering, 2 cores), then how far each storylens
row is ahead of each peer, with a 95% interval from a paired bootstrap (1,000 rounds over blocks
of stories that either method's errors link; ``paired_bootstrap``): an interval above 0 is a lead
that the choice of stories does not explain. Then the mean F1s over all shuffles, with each
shuffle's pairwise F1.
Usage: python bench/cluster_peers.py [--data DIR] [--skip-minilm] [--synthetic-dates]
[--seeds 13,21,7,99] [--json OUT]
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
from storylens.eval.clustering import (
    cluster_and_score,
    load_ecbplus,
    load_neus,
    paired_bootstrap,
    scores,
    shuffled,
    with_synthetic_dates,
)

TRAIN_SAMPLE = 2500  # articles of a train split used to pick a peer's parameters
TIME_WEIGHTS = (0.0, 0.1, 0.25, 0.5, 1.0)  # with dates: weight of the time distance tried for the peers


def _texts(items: Sequence[Any]) -> list[str]:
    return [f"{item.title}\n{item.text}" for item in items]


def _objective(result: dict[str, float]) -> float:
    return (result["pairwise_f1"] + result["b3_f1"]) / 2


def _with_singletons(labels: Sequence[int]) -> list[str]:
    return [f"c{label}" if label >= 0 else f"o{i}" for i, label in enumerate(labels)]


def _days(items: Sequence[Any]) -> Any:
    from storylens.cluster.features import parse_day

    return [parse_day(item.published) for item in items]


def _time_distance(days: Sequence[float | None], weight: float) -> Any:
    """``weight * (1 - exp(-|days apart| / 3))`` for every pair (0 without dates)."""
    import numpy as np

    if weight == 0.0 or any(d is None for d in days):
        return 0.0
    d = np.asarray(days, dtype=np.float64)
    return weight * (1.0 - np.exp(-np.abs(d[:, None] - d[None, :]) / 3.0))


def tfidf_agglo(items: Sequence[Any], option: tuple[float, float]) -> list[str]:
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    threshold, time_weight = option
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(_texts(items))
    distances = np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, 2.0)  # rows are L2-normalised
    distances = distances + _time_distance(_days(items), time_weight)
    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=threshold, metric="precomputed", linkage="average"
    )
    return _with_singletons(model.fit_predict(distances).tolist())


def hdbscan_labels(
    vectors: Any,
    min_cluster_size: int,
    method: str,
    days: Sequence[float | None] = (),
    time_weight: float = 0.0,
) -> list[str]:
    import numpy as np
    from sklearn.cluster import HDBSCAN

    options: dict[str, Any] = {"min_cluster_size": min_cluster_size, "min_samples": 1}
    options.update(cluster_selection_method=method, copy=True)
    vectors = np.asarray(vectors, dtype=np.float64)
    if time_weight and days:
        distances = np.clip(1.0 - vectors @ vectors.T, 0.0, 2.0) + _time_distance(days, time_weight)
        labels = HDBSCAN(metric="precomputed", **options).fit_predict(distances)
    else:
        labels = HDBSCAN(**options).fit_predict(vectors)
    return _with_singletons(labels.tolist())


def grid(
    train: tuple[list, list], options: Sequence[Any], run: Callable[[list, Any], list[str]]
) -> dict[Any, float]:
    """Each option's objective (mean of pairwise and B3 F1) on the first ``TRAIN_SAMPLE`` of ``train``."""
    items, labels = train[0][:TRAIN_SAMPLE], train[1][:TRAIN_SAMPLE]
    return {option: _objective(scores(labels, run(items, option))) for option in options}


def best(*grids: dict[Any, float]) -> Any:
    """The option with the best mean objective over ``grids`` (the first of equals, in grid order)."""
    options = list(grids[0])
    means = [sum(g[option] for g in grids) / len(grids) for option in options]
    return options[means.index(max(means))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--skip-minilm", action="store_true")
    parser.add_argument(
        "--synthetic-dates", action="store_true", help="date the stories; all methods see dates"
    )
    parser.add_argument(
        "--seeds",
        default="13,21,7,99",
        help="shuffles (and date draws) to run, comma-separated; the first gets the full table "
        "(default: %(default)s)",
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    data = args.data or default_data_dir()
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    if not (data / "ecbplus").exists() or not (data / "neus").exists():
        print(f"data not found under {data}; nothing to compare")
        return 0
    from storylens.embed import CachedEmbedder, get_embedder

    # Embeddings are kept in memory from one shuffle to the next (the same texts come back in
    # another order); speeds are those of the first shuffle, which embeds every text afresh.
    static: Any = CachedEmbedder(get_embedder("static"))
    minilm: Any = None
    minilm_note = ""
    if not args.skip_minilm:
        try:
            minilm = CachedEmbedder(get_embedder("minilm"))
        except RuntimeError as exc:
            minilm_note = f" (MiniLM unavailable: {exc}; static embeddings used)"
    short: Any = None
    if minilm is not None:
        from storylens.embed import MiniLMEmbedder

        short = CachedEmbedder(MiniLMEmbedder(max_length=64))
    by_seed: dict[int, list[dict[str, Any]]] = {}
    leads: list[dict[str, Any]] = []
    for n, seed in enumerate(seeds):
        rows: list[dict[str, Any]] = []
        sets = {}
        for name, loader, dev_split in (("ecbplus", load_ecbplus, "dev"), ("neus", load_neus, "val")):
            train = shuffled(*loader(data, "train"), seed=seed)
            items, labels = shuffled(*loader(data, dev_split), seed=seed)
            if args.synthetic_dates:
                train = with_synthetic_dates(train[0][:TRAIN_SAMPLE], train[1][:TRAIN_SAMPLE], seed)
                items, labels = with_synthetic_dates(items, labels, seed)
            sets[name] = (tune(train, static, minilm, short, args.synthetic_dates), items, labels)
        for name, (grids, items, labels) in sets.items():
            other = next(g for key, (g, _, _) in sets.items() if key != name)
            rows.extend(
                compare(name, (grids, other), items, labels, static, minilm, short, args.synthetic_dates)
            )
            if n == 0:
                leads.extend(_leads(name, labels, [r for r in rows if r["data"] == name]))
        by_seed[seed] = rows
        print(f"shuffle {seed} done", file=sys.stderr, flush=True)
    print(f"shuffle {seeds[0]}:")
    _print(by_seed[seeds[0]], minilm_note)
    _print_leads(leads)
    means = _means(by_seed)
    if len(seeds) > 1:
        print()
        _print_means(means, seeds)
    if args.json:
        kept = {
            seed: [{k: v for k, v in r.items() if k != "predicted"} for r in rows]
            for seed, rows in by_seed.items()
        }
        out = {"rows": kept[seeds[0]], "leads": leads, "by_seed": kept, "means": means}
        args.json.write_text(json.dumps(out, indent=1))
    return 0


def _dense_peers(static: Any, minilm: Any, short: Any) -> list[tuple[Any, str, str]]:
    """(embedder, method, model name) of each embeddings + HDBSCAN peer."""
    dense = minilm or static
    out = [(dense, "bertopic-style" + ("" if minilm else " [static embeddings]"), dense.name)]
    if short is not None:
        out.append((short, "bertopic-style, 64-token window", "minilm, 64 tokens"))
    return out


def tune(train: tuple[list, list], static: Any, minilm: Any, short: Any, dated: bool) -> dict[str, dict]:
    """Each peer's grid (option -> objective) on the train sample of one data set."""
    time_weights: Sequence[float] = TIME_WEIGHTS if dated else (0.0,)
    thresholds = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0)
    out = {"tfidf-agglo": grid(train, [(t, w) for t in thresholds for w in time_weights], tfidf_agglo)}
    for model, method, _ in _dense_peers(static, minilm, short):
        vectors = model.embed(_texts(train[0][:TRAIN_SAMPLE]))
        days = _days(train[0][:TRAIN_SAMPLE])
        out[method] = grid(
            (list(range(len(vectors))), train[1]),
            [(m, e, w) for m in (2, 3, 4) for e in ("eom", "leaf") for w in time_weights],
            lambda idx, opt, vectors=vectors, days=days: hdbscan_labels(
                vectors[idx], opt[0], opt[1], [days[i] for i in idx], opt[2]
            ),
        )
    return out


def compare(
    name: str,
    grids: tuple[dict[str, dict], dict[str, dict]],
    items: list,
    labels: list,
    static: Any,
    minilm: Any,
    short: Any,
    dated: bool,
) -> list[dict[str, Any]]:
    """The rows of one data set in one shuffle: each peer with its parameters picked on this data
    set's train sample, then with one setting picked on both data sets' (as storylens has one set
    of weights for all news), then storylens with each embedder. ``grids``: ``tune`` on this data
    set's train sample, then on the other's."""
    own, other = grids
    dense = {method: (model, model_name) for model, method, model_name in _dense_peers(static, minilm, short)}
    rows: list[dict[str, Any]] = []
    for suffix in ("", ", one setting"):
        for method in own:
            option = best(own[method], other[method]) if suffix else best(own[method])
            start = time.perf_counter()
            if method == "tfidf-agglo":
                predicted = tfidf_agglo(items, option)
                params = f"distance {option[0]}" + (f", time weight {option[1]}" if dated else "")
            else:
                model, model_name = dense[method]
                size, selection, weight = option
                predicted = hdbscan_labels(model.embed(_texts(items)), size, selection, _days(items), weight)
                params = f"{model_name}; min_cluster_size {size}, {selection}"
                params += f", time weight {weight}" if dated else ""
            row = _row(name, method + suffix, params, labels, predicted, start, len(items))
            if suffix:  # the embeddings were made for the row above: its speed is this method's
                row["articles_per_s"] = None
            rows.append(row)
    for embedder in [static, minilm] if minilm else [static]:
        result = cluster_and_score(items, labels, embedder, stream=dated, keep_predicted=True)
        rows.append(
            {
                "data": name,
                "method": f"storylens ({embedder.name})",
                "params": "weights.json" + ("; date order, stream of 100s" if dated else ""),
                **{k: result[k] for k in ("pairwise_f1", "b3_f1", "ari", "nmi")},
                "articles_per_s": result["articles_per_s"],
                "predicted": result["predicted"],
            }
        )
    return rows


def _means(by_seed: dict[int, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per data set and method, the pairwise and B3 F1 of each shuffle and their means."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for rows in by_seed.values():
        for r in rows:
            entry = out.setdefault((r["data"], r["method"]), {"data": r["data"], "method": r["method"]})
            entry.setdefault("pairwise_f1_by_seed", []).append(r["pairwise_f1"])
            entry.setdefault("b3_f1_by_seed", []).append(r["b3_f1"])
    for entry in out.values():
        for key in ("pairwise_f1", "b3_f1"):
            values = entry[f"{key}_by_seed"]
            entry[f"{key}_mean"] = sum(values) / len(values)
    return list(out.values())


def _print_means(means: list[dict[str, Any]], seeds: Sequence[int]) -> None:
    shuffles = ", ".join(str(s) for s in seeds)
    header = f"{'data':<8} {'method':<46} {'pair F1':>8} {'B3 F1':>7}  pair F1 per shuffle ({shuffles})"
    print(f"mean over {len(seeds)} shuffles:")
    print(header)
    print("-" * len(header))
    for m in means:
        per = ", ".join(f"{v:.3f}" for v in m["pairwise_f1_by_seed"])
        print(
            f"{m['data']:<8} {m['method']:<46} {m['pairwise_f1_mean']:>8.3f} {m['b3_f1_mean']:>7.3f}  {per}"
        )


def _row(data: str, method: str, params: str, labels: list, predicted: list, start: float, n: int) -> dict:
    elapsed = time.perf_counter() - start
    result = scores(labels, predicted)
    return {
        "data": data,
        "method": method,
        "params": params,
        **{k: result[k] for k in ("pairwise_f1", "b3_f1", "ari", "nmi")},
        "articles_per_s": round(n / elapsed, 1),
        "predicted": predicted,
    }


def _leads(data: str, labels: list, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each storylens row against each peer row of one data set (``paired_bootstrap``)."""
    ours = [r for r in rows if r["method"].startswith("storylens")]
    peers = [r for r in rows if not r["method"].startswith("storylens")]
    out = []
    for a in ours:
        for b in peers:
            lead = paired_bootstrap(labels, a["predicted"], b["predicted"])
            out.append({"data": data, "storylens": a["method"], "peer": b["method"], **lead})
    return out


def _print_leads(leads: list[dict[str, Any]]) -> None:
    if not leads:
        return
    print()
    header = f"{'data':<8} {'storylens':<20} {'ahead of':<46} {'pair F1 (95% interval)':>26} {'B3 F1 (95% interval)':>26}"
    print(header)
    print("-" * len(header))

    def cell(value: tuple[float, float, float]) -> str:
        return f"{value[0]:+.3f} [{value[1]:+.3f}, {value[2]:+.3f}]"

    for r in leads:
        print(
            f"{r['data']:<8} {r['storylens']:<20} {r['peer']:<46} {cell(r['pairwise_f1']):>26} {cell(r['b3_f1']):>26}"
        )


def _print(rows: list[dict[str, Any]], note: str) -> None:
    header = (
        f"{'data':<8} {'method':<46} {'pair F1':>8} {'B3 F1':>7} {'ARI':>6} {'NMI':>6} {'art/s':>8}  params"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        speed = "-" if r["articles_per_s"] is None else f"{r['articles_per_s']:.1f}"
        print(
            f"{r['data']:<8} {r['method']:<46} {r['pairwise_f1']:>8.3f} {r['b3_f1']:>7.3f} {r['ari']:>6.3f} "
            f"{r['nmi']:>6.3f} {speed:>8}  {r['params']}"
        )
    if note:
        print(note)


if __name__ == "__main__":
    sys.exit(main())
