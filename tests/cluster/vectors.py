"""Hand-built articles for the recluster tests: unit vectors scored by one signal, title similarity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from storylens.cluster.features import ArticleFeatures
from storylens.cluster.model import FEATURES, OFF

# p = sigmoid(10 * title - 5): joins at title similarity >= 0.5 when the threshold is 0.5
ONE_SIGNAL: dict[str, Any] = {
    "features": list(FEATURES),
    "coef": [10.0] + [0.0] * (len(FEATURES) - 1),
    "intercept": -5.0,
    "threshold": 0.5,
    "merge_threshold": OFF,
    "split_threshold": 0.0,
}


def feats(
    article_id: str, vector: Sequence[float] | np.ndarray, duplicate_of: str | None = None
) -> ArticleFeatures:
    """An undated article whose title and body vectors are both ``vector``, made unit length."""
    v = np.asarray(vector, dtype=np.float32)
    v /= np.linalg.norm(v)
    return ArticleFeatures(article_id, v, v, {}, (), None, duplicate_of)
