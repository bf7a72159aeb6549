"""The scoring model: signal names, the learned weights and the clustering configuration.

Reads ``weights.json`` (written by ``python -m storylens.cluster.calibrate``: a logistic
regression over (article, candidate story) signals, fitted on ECB+ train and NeuS train) and
turns a signal vector into the probability that the article belongs to the story.
"""

from __future__ import annotations

import json
import math
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "FEATURES",
    "OFF",
    "RECENT_MEMBERS",
    "TIME_COLUMNS",
    "WEIGHTS_PATH",
    "ClusterConfig",
    "ScoringModel",
    "load_model",
]

WEIGHTS_PATH = Path(__file__).resolve().parent / "weights.json"
# Signal order of the logistic regression. "title" is the cosine to the story's title/lead
# centroid, "title_max" the best cosine to one of its 16 latest members; "time" is
# exp(-gap/time_scale)-1 (0 = within the story's dates, -1 = far apart) and "dated" is 1 when both
# the article and the story carry dates; both are 0 when a date is missing (no evidence either
# way, so undated pairs score as the undated weights say). Their weights are fitted on dated
# pairs alone (calibrate.py), which lets a pair close in time score above an undated one and a
# pair weeks apart well below it. How much being close in time is worth depends on how many
# same-topic candidates a day brings; the synthetic training streams start about 40 stories a day
# (NeuS train), so in much denser streams the bonus for the same day is likely too generous. Story
# size is deliberately not a signal: NeuS stories always have exactly three articles, so a size
# weight would learn that data set's shape, not news.
FEATURES = ("title", "title_max", "body", "keywords", "entities", "time", "title_x_entities", "dated")
TIME_COLUMNS = (FEATURES.index("time"), FEATURES.index("dated"))  # set by ``time_signals``
RECENT_MEMBERS = 16
OFF = 1.01  # a threshold no probability reaches: the step it gates never acts


@dataclass(frozen=True)
class ClusterConfig:
    """Knobs of the online clusterer; ``None`` thresholds come from ``weights.json``."""

    threshold: float | None = None  # join the best story when p >= threshold
    merge_threshold: float | None = None  # recluster: merge two stories when p >= this
    split_threshold: float | None = None  # recluster: detach a member when p(member, rest) < this
    reassign_threshold: float | None = None  # recluster: least p for moving an article to another story
    neighbours: int = 10  # ANN candidates per article
    entity_probes: int = 4  # rarest entities looked up in the inverted index
    window_days: float = 14.0  # a story leaves the candidate indexes this long after its last article
    time_scale_days: float = 3.0
    max_story_terms: int = 256
    linkage: str = "average"  # "average": mean similarity to the members; "centroid": cosine to their sum
    reassign_rounds: int = 3  # recluster: rounds of moving articles to a story they now fit better (0: off)
    absorb_threshold: float | None = None  # recluster: least p for a lone article to join its nearest story
    absorb_ratio: float | None = None  # ... and how many times that story's p with its nearest other story
    bisect_threshold: float | None = None  # recluster: cut a story in two when its halves' p < this
    bisect_min_members: int = 4  # ... looked at for stories of at least this many members
    gap_bisect_threshold: float | None = None  # recluster: cut a dated story at its widest gap in time
    # when the groups before and after it are one story with p < this
    recluster_passes: int | None = None  # recluster: run the pass up to this many times, until one
    # changes nothing
    weights: dict[str, Any] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ScoringModel:
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    merge_threshold: float
    split_threshold: float
    reassign_threshold: float
    absorb_threshold: float
    absorb_ratio: float
    bisect_threshold: float
    gap_bisect_threshold: float
    recluster_passes: int

    def probability(self, values: tuple[float, ...]) -> float:
        if len(values) != len(self.coef):
            raise ValueError(f"{len(values)} signal values for {len(self.coef)} weights")
        z = self.intercept + sum(map(operator.mul, self.coef, values))
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        ez = math.exp(z)
        return ez / (1.0 + ez)


# Used only when weights.json is missing (e.g. while it is being recalibrated).
_FALLBACK: dict[str, Any] = {
    "features": list(FEATURES),
    "coef": [3.0, 3.0, 4.0, 4.0, 2.0, 1.5, 1.0, 0.0],
    "intercept": -7.5,
    "threshold": 0.5,
    "merge_threshold": 0.95,
    "split_threshold": 0.05,
}


def load_weights(embedder: str = "static", path: Path = WEIGHTS_PATH) -> dict[str, Any]:
    """The calibrated weights for ``embedder`` (those of ``static`` when it has none of its own)."""
    if path.exists():
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        models = {k: v for k, v in data.get("models", {}).items() if tuple(v["features"]) == FEATURES}
        if embedder in models:
            return dict(models[embedder])
        if "static" in models:
            return dict(models["static"])
    return dict(_FALLBACK)  # no weights for the current signals: until recalibrated


def load_model(config: ClusterConfig, embedder: str = "static") -> ScoringModel:
    """The scoring model for ``config``: its explicit weights, else those in ``weights.json``."""
    data = config.weights if config.weights is not None else load_weights(embedder)
    names = list(data["features"])
    if tuple(names) != FEATURES:
        raise ValueError(f"weights are for features {names}, expected {list(FEATURES)}")

    def setting(name: str, default: float | None = None) -> float:
        """``config``'s value for ``name``, else the weights' (``default`` where they have none)."""
        value = getattr(config, name)
        if value is None:
            value = data[name] if default is None else data.get(name, default)
        return float(value)

    threshold = setting("threshold")
    return ScoringModel(
        coef=tuple(float(c) for c in data["coef"]),
        intercept=float(data["intercept"]),
        threshold=threshold,
        merge_threshold=setting("merge_threshold"),
        split_threshold=setting("split_threshold"),
        reassign_threshold=setting("reassign_threshold", threshold),
        absorb_threshold=setting("absorb_threshold", OFF),
        absorb_ratio=setting("absorb_ratio", 1.0),
        bisect_threshold=setting("bisect_threshold", 0.0),
        gap_bisect_threshold=setting("gap_bisect_threshold", 0.0),
        recluster_passes=int(setting("recluster_passes", 1)),
    )
