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
   dates, date order, batches of 100 each fed as ingest feeds one. The merge threshold is scored
   on the mean of the undated objective and that dated stream's. Then the floor and factor of
   the pass that joins a lone article to a story it is nearer to than that story is to any other
   (``calibrate_absorb``), then the bar under which the recluster pass cuts a story in two
   (``calibrate_bisect``), both on the same mean; then the lone-article step once more, since
   cutting fused stories in two changes which articles are alone and which stories crowd them.
   Last, the bar under which a dated story is cut at the widest gap between its members' days
   (``calibrate_gap_bisect``), on the dated stream alone, and how many times in a row the
   recluster pass may run (``calibrate_recluster_passes``). Each of these steps stays off unless
   its best setting beats off by more than ``TIE``, or beats it by less and also gains over off
   on every one of ``CONFIRM_SEEDS``' further shuffles of the training sets (each with its own
   synthetic dates): a small gain that every order of the stream shows is a real one.

Every grid point is a run of the clusterer on each training set (``Scorer``); the runs are spread
over ``--jobs`` processes (one per core by default) and the weights do not depend on how many. The
calibration record keeps each grid's objective on each data set too (``objective_by_data_set``),
so that a setting that trades one set for the other shows.

Run: ``python -m storylens.cluster.calibrate [--embedder static|minilm] [--cache DIR] [--jobs N]``
(``--cache`` keeps the training embeddings in ``DIR`` so that a second run skips the model;
``--resume`` runs only the last steps that the weights in ``--out`` lack, on top of them).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from storylens.cluster.features import ArticleFeatures, compute_features
from storylens.cluster.model import FEATURES, OFF, TIME_COLUMNS, WEIGHTS_PATH, ClusterConfig
from storylens.cluster.online import OnlineClusterer, StoryState

__all__ = ["candidate_pairs", "main"]

REASSIGN_BARS = (0.02, 0.05, 0.1)  # reassignment bars tried with each join threshold
MERGE_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, OFF)  # story-to-story p at which the recluster pass merges
BISECT_BARS = (0.2, 0.3, 0.4, 0.5)  # cut a story in two when its halves are one story with p under this
GAP_BISECT_BARS = (0.1, 0.2, 0.3, 0.4, 0.5)  # ... the same for the halves before and after a gap in time
RECLUSTER_PASSES = (1, 2, 3)  # most passes of recluster in a row (it stops at one that changes nothing)
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


def _objective(
    feats: Sequence[ArticleFeatures],
    labels: Sequence[str],
    dims: tuple[int, int],
    weights: dict[str, Any],
    recluster: bool,
    stream_seed: int | None = None,
    every: int = 100,
) -> float:
    """Mean of pairwise F1 and B3 F1 of the online clusterer on one training set.

    By default the articles arrive undated, in the given order, with one recluster pass at the end.
    With ``stream_seed`` they carry ``synthetic_days`` and arrive in date order in batches of
    ``every``, each fed as ``storylens ingest`` feeds a batch (``recluster_spans``: the recluster
    pass after the batch, and within it whenever stream time moves on by half the story window,
    which on ECB+ train, about ten articles a day, happens about once a batch).
    """
    from storylens.cluster import recluster_spans
    from storylens.cluster.recluster import recluster as run_recluster
    from storylens.eval.clustering import scores, synthetic_days

    c = OnlineClusterer(dims[0], ClusterConfig(weights=weights), body_dim=dims[1])
    if stream_seed is None:
        for f in feats:
            c.add(f)
        if recluster:
            run_recluster(c)
    else:
        days = synthetic_days(labels, stream_seed)
        order = sorted(range(len(feats)), key=lambda i: days[i])
        step = c.config.window_days / 2
        for first in range(0, len(order), every):
            batch = order[first : first + every]
            spans = recluster_spans([days[i] for i in batch], step) if recluster else [(0, len(batch))]
            for begin, end in spans:
                for i in batch[begin:end]:
                    c.add(_dated(feats[i], days[i]))
                if recluster:
                    run_recluster(c)
    result = scores(labels, [c.assigned[f.id].story_id for f in feats])
    return float(result["pairwise_f1"] + result["b3_f1"]) / 2


# One run of the clusterer: (shuffle seed, set index, weights, recluster pass on, stream seed)
_Task = tuple[int, int, dict[str, Any], bool, int | None]
_WORKER: dict[str, Any] = {}  # a worker process's training sets by shuffle seed, and dims


def _install(groups: dict[int, TrainSets], dims: tuple[int, int]) -> None:
    """Worker initializer: keep the training sets (inherited, not copied, when forked)."""
    _WORKER.update(groups=groups, dims=dims)


def _run_task(groups: dict[int, TrainSets], dims: tuple[int, int], task: _Task) -> float:
    seed, index, weights, recluster, stream_seed = task
    feats, labels = groups[seed][index]
    return _objective(feats, labels, dims, weights, recluster, stream_seed)


def _run(task: _Task) -> float:
    """``_run_task`` in a worker process, on the sets ``_install`` kept."""
    return _run_task(_WORKER["groups"], _WORKER["dims"], task)


MODES = ("undated", "join only", "dated", "both")


class Scorer:
    """The calibration objective of weight settings on the training sets.

    ``sets`` (named ``names``) are the training sets in the calibration's shuffle; its ``seed``
    also draws their synthetic dates. ``shuffles`` maps further seeds to the same sets in other
    shuffles (see ``Confirmation``). Each run of the clusterer on one set is a task of its own; with
    ``jobs`` above 1 the tasks run in that many worker processes, forked where the platform can
    (they share the sets), and the scores are the same for any number of jobs. Each grid's
    objective on each set is kept in ``by_set`` for the calibration record. Use as a context
    manager, so that the workers stop.
    """

    def __init__(
        self,
        sets: TrainSets,
        dims: tuple[int, int],
        seed: int,
        names: Sequence[str] | None = None,
        shuffles: dict[int, TrainSets] | None = None,
        jobs: int = 1,
    ) -> None:
        self.dims, self.seed, self.jobs = dims, seed, max(1, jobs)
        self.names = list(names) if names is not None else [f"set {i + 1}" for i in range(len(sets))]
        self.shuffles = dict(shuffles or {})
        self.groups = {seed: sets, **self.shuffles}
        self.by_set: dict[str, dict[str, dict[str, float]]] = {}
        self._pool: Any = None

    def __enter__(self) -> Scorer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def _map(self, tasks: list[_Task]) -> Iterator[float]:
        if self.jobs == 1:
            return (_run_task(self.groups, self.dims, task) for task in tasks)
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._pool = ProcessPoolExecutor(
                self.jobs, mp_context=context, initializer=_install, initargs=(self.groups, self.dims)
            )
        return iter(self._pool.map(_run, tasks, chunksize=1))

    def objectives(
        self, trials: Sequence[dict[str, Any]], mode: str, seed: int | None = None
    ) -> Iterator[tuple[float, list[float]]]:
        """(mean over the sets, objective on each set) of each weight setting in ``trials``, in
        order, each as soon as it is known.

        ``mode``: "undated" (one recluster pass at the end), "join only" (no recluster pass),
        "dated" (the stream of synthetic dates, date order, batches of 100 each fed as ingest feeds
        one) or "both" (the mean of undated and dated). ``seed``: the shuffle, and the seed
        of its dates; by default the calibration's own.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        seed = self.seed if seed is None else seed
        n = len(self.groups[seed])
        # (recluster pass on, stream seed) of each run a setting's score averages
        undated: tuple[bool, int | None] = (True, None)
        dated: tuple[bool, int | None] = (True, seed)
        no_pass: tuple[bool, int | None] = (False, None)
        runs = {
            "undated": [undated],
            "join only": [no_pass],
            "dated": [dated],
            "both": [undated, dated],
        }[mode]
        tasks = [(seed, i, w, r, s) for w in trials for r, s in runs for i in range(n)]
        results = self._map(tasks)
        for _ in trials:
            # per run (undated, dated) the sets' objectives, summed in set order as a mean is
            values = [[next(results) for _ in range(n)] for _ in runs]
            means = [sum(v) / n for v in values]
            yield sum(means) / len(means), [sum(col) / len(col) for col in zip(*values, strict=True)]

    def grid(self, step: str, trials: dict[str, dict[str, Any]], mode: str) -> dict[str, float]:
        """The mean objective of each named setting in ``trials`` (``objectives``), rounded, with
        a progress line for each on stderr; the objective on each set goes to ``by_set[step]``."""
        out: dict[str, float] = {}
        record = self.by_set.setdefault(step, {})
        for name, (mean, per_set) in zip(trials, self.objectives(list(trials.values()), mode), strict=True):
            out[name] = _scored(step, name, mean)
            record[name] = {k: round(v, 4) for k, v in zip(self.names, per_set, strict=True)}
        return out


def _cache_file(cache: Path | None, embedder_name: str) -> Path | None:
    """The cache of ``embedder_name`` in ``cache``, named after the committed static model (which
    both embedders use), so that a redistilled model never meets vectors of the previous one."""
    import hashlib

    from storylens.embed import STATIC_MODEL_DIR

    if cache is None:
        return None
    digest = hashlib.sha1((STATIC_MODEL_DIR / "model.safetensors").read_bytes()).hexdigest()[:10]
    return cache / f"{embedder_name}-{digest}.npz"


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
    """Checks a setting that gains under ``TIE`` on the scorer's further shuffles of the training
    sets.

    Each gain (the "both" objective of ``Scorer.objectives``) is printed on stderr and kept in
    ``gains`` for the calibration record. With no further shuffles nothing is confirmed.
    """

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer
        self.gains: dict[str, float] = {}

    def __call__(self, step: str, on: dict[str, Any], off: dict[str, Any]) -> bool:
        """Whether weights ``on`` beat ``off`` on every further shuffle; stops at the first where
        they do not."""
        for seed in self.scorer.shuffles:
            (with_on, _), (with_off, _) = self.scorer.objectives([on, off], "both", seed)
            gain = with_on - with_off
            self.gains[f"{step}, shuffle {seed}"] = round(gain, 4)
            print(f"{step}, shuffle {seed}: {gain:+.4f} over off", file=sys.stderr, flush=True)
            if gain <= 0:
                return False
        return bool(self.scorer.shuffles)


def calibrate_bisect(
    scorer: Scorer, weights: dict[str, Any], confirm: Confirmation | None = None
) -> tuple[float, dict[str, float]]:
    """The bar under which the recluster pass cuts a story in two (2-means), and the grid.

    Scored as the mean of the undated objective and the dated stream's (stories that fuse two
    events grow where many run at once).
    """
    return _bar_step(scorer, weights, "bisect_threshold", BISECT_BARS, "cut in two", "both", confirm)


def calibrate_gap_bisect(
    scorer: Scorer, weights: dict[str, Any], confirm: Confirmation | None = None
) -> tuple[float, dict[str, float]]:
    """The bar under which the recluster pass cuts a dated story at the widest gap between its
    members' days, and the grid.

    Scored on the dated stream alone: an undated stream has no gaps, so the step changes nothing
    there.
    """
    return _bar_step(
        scorer, weights, "gap_bisect_threshold", GAP_BISECT_BARS, "cut at a gap in time", "dated", confirm
    )


def calibrate_recluster_passes(
    scorer: Scorer, weights: dict[str, Any], confirm: Confirmation | None = None
) -> tuple[int, dict[str, float]]:
    """How many times in a row the recluster pass may run, stopping at one that changes nothing,
    and the grid. Scored as the mean of the undated objective and the dated stream's. One pass wins
    ties unless ``confirm`` finds that the best number gains on every further shuffle."""
    trials = {str(n): {**weights, "recluster_passes": n} for n in RECLUSTER_PASSES}
    grid = scorer.grid("recluster passes", trials, "both")

    def confirmed(passes: str) -> bool:
        return confirm is not None and confirm(f"recluster passes {passes}", trials[passes], trials["1"])

    return int(_best(grid, "1", confirmed)), grid


def _bar_step(
    scorer: Scorer,
    weights: dict[str, Any],
    key: str,
    bars: Sequence[float],
    step: str,
    mode: str,
    confirm: Confirmation | None,
) -> tuple[float, dict[str, float]]:
    """The best of off (0) and ``bars`` for the cut bar ``key``, scored on the ``mode`` objective,
    and the grid. Bars above the merge threshold are not tried: the next merge pass would join the
    halves again. Off wins ties unless ``confirm`` finds that the best bar gains on every further
    shuffle."""
    trials = {str(b): {**weights, key: b} for b in [0.0, *bars] if b <= weights["merge_threshold"]}
    grid = scorer.grid(step, trials, mode)

    def confirmed(bar: str) -> bool:
        return confirm is not None and confirm(f"{step} {bar}", trials[bar], trials["0.0"])

    return float(_best(grid, "0.0", confirmed)), grid


# The last steps of ``_thresholds``: (setting, record key, step). Each runs on the settings of every
# step before it, and every earlier step runs with it off, so ``--resume`` can add the ones a set
# of weights lacks and get what a full run gets.
LATE_STEPS: tuple[tuple[str, str, Callable[..., tuple[Any, dict[str, float]]]], ...] = (
    ("gap_bisect_threshold", "gap_bisect_threshold_grid_dated", calibrate_gap_bisect),
    ("recluster_passes", "recluster_passes_grid", calibrate_recluster_passes),
)


def calibrate_absorb(
    scorer: Scorer,
    weights: dict[str, Any],
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
    grid = scorer.grid(label, {s: trial(s) for s in settings}, "both")

    def confirmed(setting: str) -> bool:
        return confirm is not None and confirm(f"{label} {setting}", trial(setting), trial(off))

    floor, ratio = (float(x) for x in _best(grid, off, confirmed).split("/"))
    return floor, ratio, grid


def calibrate(
    data: Path,
    embedder_name: str,
    seed: int = 13,
    cache: Path | None = None,
    jobs: int = 1,
    resume: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The weights and thresholds for ``embedder_name`` learned on the train splits in ``data``,
    with the calibration record; the grids run in ``jobs`` processes (``Scorer``).

    ``resume``: weights made by this calibration before its last steps (``LATE_STEPS``) existed;
    only the steps they lack run, on top of them. Every earlier step runs with those off, so the
    result is what a full run gives.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from storylens.embed import CachedEmbedder, get_embedder
    from storylens.eval.clustering import load_ecbplus, load_neus, shuffled, synthetic_days

    embedder = CachedEmbedder(get_embedder(embedder_name), _cache_file(cache, embedder_name))
    dims = (embedder.dim, embedder.body_dim)
    names = ["ecbplus", "neus"]
    sets: TrainSets = []
    shuffles: dict[int, TrainSets] = {s: [] for s in CONFIRM_SEEDS}
    for loader in (load_ecbplus, load_neus):
        items, gold = loader(data, "train")
        every = compute_features(items, embedder)
        sets.append(shuffled(every, gold, seed=seed))
        for other_seed, other_sets in shuffles.items():
            other_sets.append(shuffled(every, gold, seed=other_seed))
    if resume is not None:
        return _resume(Scorer(sets, dims, seed, names, shuffles, jobs), resume)
    xs: list[tuple[float, ...]] = []
    ys: list[int] = []
    dated_x: list[tuple[float, ...]] = []
    dated_y: list[int] = []
    counts: dict[str, int] = {}
    for name, (feats, labels) in zip(names, sets, strict=True):
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
        "gap_bisect_threshold": 0.0,
        "recluster_passes": 1,
    }
    with Scorer(sets, dims, seed, names, shuffles, jobs) as scorer:
        grids = _thresholds(scorer, weights)
    weights["calibration"] = {
        "data": f"ECB+ train (575 docs) + NeuS train (7,356 articles), shuffled with seed {seed}",
        "objective": "mean of pairwise F1 and B3 F1 of the online clusterer, averaged over both sets",
        "dated_stream": "synthetic dates, date order, batches of 100 each fed as storylens ingest feeds one",
        "pairs": counts,
        **grids,
        "objective_by_data_set": scorer.by_set,
    }
    return weights


def _resume(scorer: Scorer, weights: dict[str, Any]) -> dict[str, Any]:
    """``weights`` with the ``LATE_STEPS`` they lack run on top and added to their record."""
    missing = [i for i, (key, _, _) in enumerate(LATE_STEPS) if key not in weights]
    if missing and missing != list(range(missing[0], len(LATE_STEPS))):
        raise ValueError("the weights lack a step that runs before one they have: calibrate them afresh")
    record = dict(weights.get("calibration", {}))
    weights = {k: v for k, v in weights.items() if k != "calibration"}
    with scorer:
        confirm = Confirmation(scorer)
        for key, record_key, step in LATE_STEPS[missing[0] :] if missing else ():
            weights[key], record[record_key] = step(scorer, weights, confirm)
    for key, new in (
        ("gains_over_off_on_further_shuffles", confirm.gains),
        ("objective_by_data_set", scorer.by_set),
    ):
        record[key] = {**record.get(key, {}), **new}
    return {**weights, "calibration": record}


def _thresholds(scorer: Scorer, weights: dict[str, Any]) -> dict[str, Any]:
    """Set the thresholds in ``weights`` step by step (the module's step 3); the grids."""
    # The join threshold and the reassignment bar together, scored as the clusterer runs: one pass
    # then the recluster pass (merge and split still off); then the merge and split thresholds.
    trials = {
        f"{threshold}/{bar}": {**weights, "threshold": threshold, "reassign_threshold": bar}
        for threshold in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
        for bar in REASSIGN_BARS
    }
    grid = scorer.grid("join/reassign", trials, "undated")
    best = max(grid, key=lambda k: grid[k])
    threshold, bar = (float(x) for x in best.split("/"))
    # bars that tie with the best (within TIE) are told apart by a dated stream, the way ingest runs
    tied = [f"{threshold}/{b}" for b in REASSIGN_BARS if grid[f"{threshold}/{b}"] >= grid[best] - TIE]
    stream_grid: dict[str, float] = {}
    if len(tied) > 1:
        stream_grid = scorer.grid("tied reassignment bar, dated", {k: trials[k] for k in tied}, "dated")
        bar = float(max(stream_grid, key=lambda k: stream_grid[k]).split("/")[1])
    weights["threshold"], weights["reassign_threshold"] = threshold, bar
    base = round(next(scorer.objectives([weights], "join only"))[0], 4)
    # the merge threshold on both objectives: a low one pays off undated and costs on a dated stream,
    # where many stories of one topic run at once
    merges = {str(m): {**weights, "merge_threshold": m} for m in MERGE_THRESHOLDS}
    merge_grid = scorer.grid("merge", merges, "both")
    weights["merge_threshold"] = float(max(merge_grid, key=lambda k: (merge_grid[k], float(k))))
    splits = {str(x): {**weights, "split_threshold": x} for x in (0.0, 0.01, 0.02, 0.05)}
    split_grid = scorer.grid("split", splits, "undated")
    weights["split_threshold"] = float(max(split_grid, key=lambda k: (split_grid[k], -float(k))))
    confirm = Confirmation(scorer)
    weights["absorb_threshold"], weights["absorb_ratio"], absorb_grid = calibrate_absorb(
        scorer, weights, confirm
    )
    weights["bisect_threshold"], bisect_grid = calibrate_bisect(scorer, weights, confirm)
    weights["absorb_threshold"], weights["absorb_ratio"], absorb_again = calibrate_absorb(
        scorer, weights, confirm, label="lone article after cut in two"
    )
    late: dict[str, dict[str, float]] = {}
    for key, record_key, step in LATE_STEPS:
        weights[key], late[record_key] = step(scorer, weights, confirm)
    return {
        "join_and_reassign_threshold_grid": grid,
        "tied_reassign_thresholds_on_a_dated_stream": stream_grid,
        "join_only_score": base,
        "merge_threshold_grid_undated_and_dated": merge_grid,
        "split_threshold_grid": split_grid,
        "absorb_threshold_grid": absorb_grid,
        "bisect_threshold_grid": bisect_grid,
        "absorb_threshold_grid_after_bisect": absorb_again,
        **late,
        "gains_over_off_on_further_shuffles": confirm.gains,
    }


def main(argv: Sequence[str] | None = None) -> None:
    from storylens.eval import default_data_dir

    parser = argparse.ArgumentParser(description="calibrate story clustering weights")
    parser.add_argument("--embedder", action="append", default=None, help="static, minilm (repeatable)")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--cache", type=Path, default=None, help="folder for cached training embeddings")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes that score the grids (default: one per CPU core; the weights do not depend on it)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep each embedder's weights in --out and run only the last steps they lack (the cut at "
        "a gap in time, the number of recluster passes) on top of them",
    )
    args = parser.parse_args(argv)
    data = args.data or default_data_dir()
    existing = json.loads(args.out.read_text()) if args.out.exists() else {}
    models = {k: v for k, v in existing.get("models", {}).items() if tuple(v["features"]) == FEATURES}
    for name in args.embedder or ["static"]:
        start = time.perf_counter()
        if args.resume:
            if name not in models:
                parser.error(f"--resume: {args.out} holds no weights for {name}")
            if all(key in models[name] for key, _, _ in LATE_STEPS):
                print(f"{name}: every step is calibrated already", file=sys.stderr)
                continue
            models[name] = calibrate(data, name, cache=args.cache, jobs=args.jobs, resume=models[name])
            models[name]["calibration"]["last_step_seconds"] = round(time.perf_counter() - start, 1)
            continue
        models[name] = calibrate(data, name, cache=args.cache, jobs=args.jobs)
        models[name]["calibration"]["seconds"] = round(time.perf_counter() - start, 1)
        models[name]["calibration"]["jobs"] = args.jobs
        print(name, json.dumps({k: v for k, v in models[name].items() if k != "calibration"}))
    out = {
        "command": "python -m storylens.cluster.calibrate --embedder static --embedder minilm",
        "model": "logistic regression over (article, candidate story) signals; p >= threshold joins",
        "models": models,
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
