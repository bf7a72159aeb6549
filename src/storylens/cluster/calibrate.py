"""Learn the clustering weights and thresholds from the training splits; write ``weights.json``.

Reads ECB+ train and NeuS train (``/work/shared/data`` or ``$STORYLENS_DATA``). Steps:

1. Candidate pairs: the articles of each data set are replayed in a seeded shuffled order with
   the gold stories built as they arrive (teacher forcing); for every article the candidates the
   runtime would retrieve (ANN + entity postings) plus its gold story become (article, story)
   pairs labelled 1 when the story is the gold one. The replay runs twice: once without dates
   (the time signal is neutral) and once with synthetic publication dates — every gold story
   starts on a random day within a 60-day span and its articles follow within a few days
   (exponential, mean 1 day) — so the weight of the time signal is learned too. This timing is
   an assumption about news streams, not a property of the data sets, which carry no dates.
2. A logistic regression (scikit-learn, C=1) over the ``FEATURES`` signals of all pairs but the
   ``dated`` flag, every pair weighted alike (NeuS yields many more pairs than ECB+, so its
   framing differences dominate the fit). Then, the other weights held fixed, the two time
   signals (``time``: how far apart in days, ``dated``: both sides carry dates) are refitted on
   the dated pairs alone. Undated pairs score as the first fit says; in the first fit a dated
   pair shares the undated pairs' intercept, so closeness in time could only count against it,
   and dated streams split stories that undated ones kept together.
3. The join threshold and the reassignment bar together (scored with the recluster pass, merge
   and split off), then the merge and split thresholds, chosen by grid search for the best mean
   of pairwise F1 and B3 F1 of the real online clusterer over both training sets. Reassignment
   bars that tie with the best (within ``TIE``) are told apart on a dated stream: synthetic
   dates, date order, the recluster pass after every 100 articles. The merge threshold is scored
   on the mean of the undated objective and that dated stream's. Then the floor and factor of
   the pass that joins a lone article to a story it is nearer to than that story is to any other
   (``calibrate_absorb``), and last the bar under which the recluster pass cuts a story in two
   (``calibrate_bisect``), both on the same mean; then the lone-article step once more, since
   cutting fused stories in two changes which articles are alone and which stories crowd them.
   Each of these steps stays off unless its best setting beats off by more than ``TIE``, or beats
   it by less and also gains over off on every one of ``CONFIRM_SEEDS``' further shuffles of the
   training sets (each with its own synthetic dates): a small gain that every order of the
   stream shows is a real one.

Run: ``python -m storylens.cluster.calibrate [--embedder static|minilm] [--cache DIR]`` (``--cache``
keeps the training embeddings in ``DIR`` so that a second run skips the model).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from storylens.cluster.features import ArticleFeatures, compute_features
from storylens.cluster.model import FEATURES, OFF, TIME_COLUMNS, WEIGHTS_PATH, ClusterConfig
from storylens.cluster.online import OnlineClusterer, StoryState

__all__ = ["candidate_pairs", "main"]

REASSIGN_BARS = (0.02, 0.05, 0.1)  # reassignment bars tried with each join threshold
MERGE_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, OFF)  # story-to-story p at which the recluster pass merges
BISECT_BARS = (0.2, 0.3, 0.4, 0.5)  # cut a story in two when its halves are one story with p under this
ABSORB_FLOORS = (0.02, 0.05)  # least p for a lone article to join its nearest story
ABSORB_RATIOS = (1.0, 2.0, 4.0)  # ... as a multiple of that story's p with its nearest other story
TIE = 0.002  # grid scores this close to the best are a tie (differences of a few articles)
CONFIRM_SEEDS = (21, 7, 99)  # further shuffles on which a step gaining under TIE must gain every time

TrainSets = list[tuple[list[ArticleFeatures], list[str]]]  # (features, gold story) per data set


def candidate_pairs(
    feats: Sequence[ArticleFeatures],
    labels: Sequence[str],
    dims: tuple[int, int],
    days: Sequence[float | None] | None = None,
) -> tuple[list[tuple[float, ...]], list[int]]:
    """Signal vectors and 0/1 labels of the (article, candidate story) pairs of a gold replay."""
    order = list(range(len(feats)))
    if days is not None:
        order.sort(key=lambda i: days[i] or 0.0)
    c = OnlineClusterer(dims[0], ClusterConfig(), body_dim=dims[1])
    gold: dict[str, StoryState] = {}
    xs: list[tuple[float, ...]] = []
    ys: list[int] = []
    for i in order:
        day = days[i] if days is not None else None
        f = _dated(feats[i], day)
        if day is not None:
            c.clock = day if c.clock is None else max(c.clock, day)
            c.evict()
        c._count(f)
        row_num = c.store(f)
        row = c.rows[row_num]
        candidates = c.candidates(row)
        target = gold.get(labels[i])
        if target is not None and target.num not in candidates:
            candidates.append(target.num)
        query = c.query(row)
        for num in candidates:
            values, _ = c.signals(query, c.stories[num])
            xs.append(values)
            ys.append(int(target is not None and num == target.num))
        if target is None:
            gold[labels[i]] = c.new_story(row_num)
        else:
            c.attach(row_num, target)
    return xs, ys


def _fit_time_weights(x: Any, y: Any, coef: Any, intercept: float) -> Any:
    """Weights of the ``TIME_COLUMNS`` that best fit the dated pairs ``x``/``y`` on top of the fixed
    weights ``coef``/``intercept`` of the other signals (logistic loss, L2 as C=1 would add)."""
    import numpy as np
    from scipy.optimize import minimize

    others = coef.copy()
    others[list(TIME_COLUMNS)] = 0.0
    offset = x @ others + intercept
    columns = x[:, list(TIME_COLUMNS)]

    def loss(w: Any) -> tuple[float, Any]:
        z = offset + columns @ w
        p = 1.0 / (1.0 + np.exp(-z))
        value = float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * w @ w)
        return value, columns.T @ (p - y) + w

    return minimize(loss, np.zeros(len(TIME_COLUMNS)), jac=True, method="L-BFGS-B").x


def _dated(f: ArticleFeatures, day: float | None) -> ArticleFeatures:
    """``f`` with publication day ``day`` and no wire-copy link (the data sets mark none)."""
    return ArticleFeatures(f.id, f.title_vec, f.body_vec, f.terms, f.entities, day, None)


def _evaluate(
    sets: TrainSets,
    dims: tuple[int, int],
    weights: dict[str, Any],
    recluster: bool,
    stream_seed: int | None = None,
    every: int = 100,
) -> float:
    """Mean of pairwise F1 and B3 F1 of the online clusterer over ``sets``.

    By default the articles arrive undated, in the given order, with one recluster pass at the end.
    With ``stream_seed`` they carry ``synthetic_days`` and arrive in date order, with the recluster
    pass after every ``every`` articles (as ``storylens ingest`` runs on a stream).
    """
    from storylens.cluster.recluster import recluster as run_recluster
    from storylens.eval.clustering import scores, synthetic_days

    total = 0.0
    for feats, labels in sets:
        c = OnlineClusterer(dims[0], ClusterConfig(weights=weights), body_dim=dims[1])
        if stream_seed is None:
            for f in feats:
                c.add(f)
            if recluster:
                run_recluster(c)
        else:
            days = synthetic_days(labels, stream_seed)
            order = sorted(range(len(feats)), key=lambda i: days[i])
            for n, i in enumerate(order, start=1):
                c.add(_dated(feats[i], days[i]))
                if recluster and (n % every == 0 or n == len(order)):
                    run_recluster(c)
        result = scores(labels, [c.assigned[f.id].story_id for f in feats])
        total += (result["pairwise_f1"] + result["b3_f1"]) / 2
    return total / len(sets)


class _CachedEmbedder:
    """Wraps an embedder; vectors of texts already seen are read from an ``.npz`` cache.

    Offers ``embed_with_lead`` exactly when the wrapped embedder does, so that the features it
    yields are those of the runtime.
    """

    def __init__(self, inner: Any, path: Path | None) -> None:
        import numpy as np

        from storylens.embed import body_dim

        self.inner, self.name, self.dim, self.path = inner, inner.name, inner.dim, path
        self.body_dim = body_dim(inner)
        # lead rows depend on how the embedder reads an article: its settings are part of the key
        self._lead_key = f"lead:{getattr(inner, 'lead_tokens', '')}:{self.body_dim}:"
        self.cache: dict[str, Any] = {}
        for file in (path, path.with_name(path.stem + "-lead.npz")) if path is not None else ():
            if file.exists():
                with np.load(file, allow_pickle=False) as z:
                    self.cache.update(zip(z["keys"].tolist(), z["vectors"], strict=True))

    def embed(self, texts: Sequence[str]) -> Any:
        import hashlib

        import numpy as np

        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self.cache}.items())
        if missing:
            vectors = self.inner.embed([t for _, t in missing])
            self.cache.update({k: v for (k, _), v in zip(missing, vectors, strict=True)})
            self._save()
        return np.stack([self.cache[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)

    def __getattr__(self, name: str) -> Any:
        if name == "embed_with_lead" and hasattr(self.inner, "embed_with_lead"):
            return self._embed_with_lead
        raise AttributeError(name)

    def _embed_with_lead(self, texts: Sequence[str], lead_chars: Sequence[int]) -> tuple[Any, Any]:
        import hashlib

        import numpy as np

        # cached as one row [lead | whole] per (text, lead length), in a cache of their own
        keys = [
            self._lead_key + hashlib.sha1(f"{n}\x00{t}".encode()).hexdigest()
            for t, n in zip(texts, lead_chars, strict=True)
        ]
        missing = {k: (t, n) for k, t, n in zip(keys, texts, lead_chars, strict=True) if k not in self.cache}
        if missing:
            todo = sorted(missing.items())
            lead, whole = self.inner.embed_with_lead([t for _, (t, _) in todo], [n for _, (_, n) in todo])
            for (k, _), a, b in zip(todo, lead, whole, strict=True):
                self.cache[k] = np.concatenate([a, b])
            self._save()
        rows = np.stack([self.cache[k] for k in keys])
        return rows[:, : self.dim], rows[:, self.dim :]

    def _save(self) -> None:
        import numpy as np

        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for suffix, width in (("", self.dim), ("-lead", self.dim + self.body_dim)):
            items = {k: v for k, v in self.cache.items() if len(v) == width}  # rows of other settings go
            if items:
                target = self.path.with_name(self.path.stem + suffix + ".npz")
                np.savez(target, keys=np.array(list(items)), vectors=np.stack(list(items.values())))


def _cache_file(cache: Path | None, embedder_name: str) -> Path | None:
    """The cache of ``embedder_name`` in ``cache``, named after the committed static model (which
    both embedders use), so that a redistilled model never meets vectors of the previous one."""
    import hashlib

    from storylens.embed import STATIC_MODEL_DIR

    if cache is None:
        return None
    digest = hashlib.sha1((STATIC_MODEL_DIR / "model.safetensors").read_bytes()).hexdigest()[:10]
    return cache / f"{embedder_name}-{digest}.npz"


def _evaluate_both(
    sets: TrainSets,
    dims: tuple[int, int],
    weights: dict[str, Any],
    seed: int,
) -> float:
    """Mean of the undated objective and the dated stream's (see ``_evaluate``)."""
    return (_evaluate(sets, dims, weights, True) + _evaluate(sets, dims, weights, True, seed)) / 2


def _scored(step: str, setting: object, value: float) -> float:
    """``value`` rounded for the grid, after a progress line on stderr (a run takes about an hour)."""
    print(f"{step} {setting}: {value:.4f}", file=sys.stderr, flush=True)
    return round(value, 4)


def _best(grid: dict[str, float], off: str, gains_elsewhere: Callable[[str], bool]) -> str:
    """The grid's best setting, or ``off``.

    A setting that beats ``off`` by more than a tie (``TIE``) wins outright; one that beats it by
    less wins only if ``gains_elsewhere`` confirms it (see ``Confirmation``).
    """
    best = max(grid, key=lambda k: grid[k])
    if grid[best] >= grid[off] + TIE:
        return best
    return best if grid[best] > grid[off] and gains_elsewhere(best) else off


class Confirmation:
    """Checks a setting that gains under ``TIE`` on further shuffles of the training sets.

    ``shuffles`` holds (seed, sets) pairs; each gain is printed on stderr and kept in ``gains``
    for the calibration record. With no shuffles nothing is confirmed.
    """

    def __init__(self, shuffles: Sequence[tuple[int, TrainSets]], dims: tuple[int, int]) -> None:
        self.shuffles = shuffles
        self.dims = dims
        self.gains: dict[str, float] = {}

    def __call__(self, step: str, on: dict[str, Any], off: dict[str, Any]) -> bool:
        """Whether weights ``on`` beat ``off`` (``_evaluate_both``) on every shuffle; stops at the
        first where they do not."""
        for seed, sets in self.shuffles:
            gain = _evaluate_both(sets, self.dims, on, seed) - _evaluate_both(sets, self.dims, off, seed)
            self.gains[f"{step}, shuffle {seed}"] = round(gain, 4)
            print(f"{step}, shuffle {seed}: {gain:+.4f} over off", file=sys.stderr, flush=True)
            if gain <= 0:
                return False
        return bool(self.shuffles)


def calibrate_bisect(
    sets: TrainSets,
    dims: tuple[int, int],
    weights: dict[str, Any],
    seed: int,
    confirm: Confirmation | None = None,
) -> tuple[float, dict[str, float]]:
    """The bar under which the recluster pass cuts a story in two, and the grid.

    Bars above the merge threshold are not tried: the next merge pass would join the halves again.
    Scored as the mean of the undated objective and the dated stream's (stories that fuse two
    events grow where many run at once). Off (0) wins ties unless ``confirm`` finds that the best
    bar gains on every further shuffle.
    """
    bars = [b for b in BISECT_BARS if b <= weights["merge_threshold"]]
    grid = {
        str(bar): _scored(
            "cut in two", bar, _evaluate_both(sets, dims, {**weights, "bisect_threshold": bar}, seed)
        )
        for bar in [0.0, *bars]
    }

    def confirmed(bar: str) -> bool:
        on, off = ({**weights, "bisect_threshold": float(b)} for b in (bar, 0.0))
        return confirm is not None and confirm(f"cut in two {bar}", on, off)

    return float(_best(grid, "0.0", confirmed)), grid


def calibrate_absorb(
    sets: TrainSets,
    dims: tuple[int, int],
    weights: dict[str, Any],
    seed: int,
    confirm: Confirmation | None = None,
    label: str = "lone article",
) -> tuple[float, float, dict[str, float]]:
    """The floor and ratio of the pass that joins lone articles to their nearest story, and the grid.

    Scored as the mean of the undated objective and the dated stream's: how often a lone article
    has a story nearer than that story's neighbours depends on how many stories run at once, and
    only the dated stream, where a day brings about 40 new stories (NeuS train), shows a crowd.
    Off (floor above 1) wins ties unless ``confirm`` finds that the best setting gains on every
    further shuffle. ``label`` names the step in the progress lines and the confirmation record.
    """

    def trial(setting: str) -> dict[str, Any]:
        floor, ratio = (float(x) for x in setting.split("/"))
        return {**weights, "absorb_threshold": floor, "absorb_ratio": ratio}

    off = f"{OFF}/1.0"
    settings = [off] + [f"{f}/{r}" for f in ABSORB_FLOORS for r in ABSORB_RATIOS]
    grid = {s: _scored(label, s, _evaluate_both(sets, dims, trial(s), seed)) for s in settings}

    def confirmed(setting: str) -> bool:
        return confirm is not None and confirm(f"{label} {setting}", trial(setting), trial(off))

    floor, ratio = (float(x) for x in _best(grid, off, confirmed).split("/"))
    return floor, ratio, grid


def calibrate(data: Path, embedder_name: str, seed: int = 13, cache: Path | None = None) -> dict[str, Any]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from storylens.embed import get_embedder
    from storylens.eval.clustering import load_ecbplus, load_neus, shuffled, synthetic_days

    embedder = _CachedEmbedder(get_embedder(embedder_name), _cache_file(cache, embedder_name))
    dims = (embedder.dim, embedder.body_dim)
    sets: TrainSets = []
    shuffles: list[tuple[int, TrainSets]] = [(s, []) for s in CONFIRM_SEEDS]
    xs: list[tuple[float, ...]] = []
    ys: list[int] = []
    dated_x: list[tuple[float, ...]] = []
    dated_y: list[int] = []
    counts: dict[str, int] = {}
    for name, loader in (("ecbplus", load_ecbplus), ("neus", load_neus)):
        items, gold = loader(data, "train")
        every = compute_features(items, embedder)
        feats, labels = shuffled(every, gold, seed=seed)
        sets.append((feats, labels))
        for other_seed, other_sets in shuffles:
            other_sets.append(shuffled(every, gold, seed=other_seed))
        for days in (None, synthetic_days(labels, seed)):
            x, y = candidate_pairs(feats, labels, dims, days)
            xs.extend(x)
            ys.extend(y)
            if days:
                dated_x.extend(x)
                dated_y.extend(y)
            counts[f"{name}_{'dated' if days else 'undated'}_pairs"] = len(y)
            counts[f"{name}_{'dated' if days else 'undated'}_positive"] = int(sum(y))
    matrix = np.asarray(xs)
    matrix[:, FEATURES.index("dated")] = 0.0  # one intercept for all pairs in the first fit
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(matrix, np.asarray(ys))
    coef = model.coef_[0].copy()
    coef[list(TIME_COLUMNS)] = _fit_time_weights(
        np.asarray(dated_x), np.asarray(dated_y), coef, float(model.intercept_[0])
    )
    weights: dict[str, Any] = {
        "features": list(FEATURES),
        "coef": [round(float(c), 5) for c in coef],
        "intercept": round(float(model.intercept_[0]), 5),
        "threshold": 0.5,
        "merge_threshold": OFF,
        "split_threshold": 0.0,
        "bisect_threshold": 0.0,
    }
    # The join threshold and the reassignment bar together, scored as the clusterer runs: one pass
    # then the recluster pass (merge and split still off); then the merge and split thresholds.
    grid: dict[str, float] = {}
    for threshold in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
        for bar in REASSIGN_BARS:
            trial = {**weights, "threshold": threshold, "reassign_threshold": bar}
            grid[f"{threshold}/{bar}"] = _scored(
                "join/reassign", f"{threshold}/{bar}", _evaluate(sets, dims, trial, True)
            )
    best = max(grid, key=lambda k: grid[k])
    threshold, bar = (float(x) for x in best.split("/"))
    # bars that tie with the best (within TIE) are told apart by a dated stream, the way ingest runs
    tied = [b for b in REASSIGN_BARS if grid[f"{threshold}/{b}"] >= grid[best] - TIE]
    stream_grid: dict[str, float] = {}
    if len(tied) > 1:
        for b in tied:
            trial = {**weights, "threshold": threshold, "reassign_threshold": b}
            stream_grid[f"{threshold}/{b}"] = _scored(
                "tied reassignment bar, dated", f"{threshold}/{b}", _evaluate(sets, dims, trial, True, seed)
            )
        bar = float(max(stream_grid, key=lambda k: stream_grid[k]).split("/")[1])
    weights["threshold"], weights["reassign_threshold"] = threshold, bar
    base = round(_evaluate(sets, dims, weights, False), 4)
    # the merge threshold on both objectives: a low one pays off undated and costs on a dated stream,
    # where many stories of one topic run at once
    merge_grid: dict[str, float] = {}
    for merge in MERGE_THRESHOLDS:
        trial = {**weights, "merge_threshold": merge}
        merge_grid[str(merge)] = _scored("merge", merge, _evaluate_both(sets, dims, trial, seed))
    best_merge = max(merge_grid, key=lambda k: (merge_grid[k], float(k)))
    weights["merge_threshold"] = float(best_merge)
    split_grid: dict[str, float] = {}
    for split in (0.0, 0.01, 0.02, 0.05):
        trial = {**weights, "split_threshold": split}
        split_grid[str(split)] = _scored("split", split, _evaluate(sets, dims, trial, True))
    weights["split_threshold"] = float(max(split_grid, key=lambda k: (split_grid[k], -float(k))))
    confirm = Confirmation(shuffles, dims)
    weights["absorb_threshold"], weights["absorb_ratio"], absorb_grid = calibrate_absorb(
        sets, dims, weights, seed, confirm
    )
    weights["bisect_threshold"], bisect_grid = calibrate_bisect(sets, dims, weights, seed, confirm)
    weights["absorb_threshold"], weights["absorb_ratio"], absorb_again = calibrate_absorb(
        sets, dims, weights, seed, confirm, label="lone article after cut in two"
    )
    weights["calibration"] = {
        "data": f"ECB+ train (575 docs) + NeuS train (7,356 articles), shuffled with seed {seed}",
        "objective": "mean of pairwise F1 and B3 F1 of the online clusterer, averaged over both sets",
        "pairs": counts,
        "join_and_reassign_threshold_grid": grid,
        "tied_reassign_thresholds_on_a_dated_stream": stream_grid,
        "join_only_score": base,
        "merge_threshold_grid_undated_and_dated": merge_grid,
        "split_threshold_grid": split_grid,
        "absorb_threshold_grid": absorb_grid,
        "bisect_threshold_grid": bisect_grid,
        "absorb_threshold_grid_after_bisect": absorb_again,
        "gains_over_off_on_further_shuffles": confirm.gains,
    }
    return weights


def main(argv: Sequence[str] | None = None) -> None:
    from storylens.eval import default_data_dir

    parser = argparse.ArgumentParser(description="calibrate story clustering weights")
    parser.add_argument("--embedder", action="append", default=None, help="static, minilm (repeatable)")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--cache", type=Path, default=None, help="folder for cached training embeddings")
    args = parser.parse_args(argv)
    data = args.data or default_data_dir()
    existing = json.loads(args.out.read_text()) if args.out.exists() else {}
    models = {k: v for k, v in existing.get("models", {}).items() if tuple(v["features"]) == FEATURES}
    for name in args.embedder or ["static"]:
        start = time.perf_counter()
        models[name] = calibrate(data, name, cache=args.cache)
        models[name]["calibration"]["seconds"] = round(time.perf_counter() - start, 1)
        print(name, json.dumps({k: v for k, v in models[name].items() if k != "calibration"}))
    out = {
        "command": "python -m storylens.cluster.calibrate --embedder static --embedder minilm",
        "model": "logistic regression over (article, candidate story) signals; p >= threshold joins",
        "models": models,
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
