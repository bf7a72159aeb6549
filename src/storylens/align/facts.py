"""Facts: claims of different articles aligned into one statement.

Reads ``Claim`` records (see ``claims.py``) and an embedding function; writes, for every pair of
claims, the probability that they state the same fact, and the grouping of claims into facts.

The pair model is a logistic regression over three features:

- ``cos``: cosine of the claim embeddings (paraphrase);
- ``lex``: overlap coefficient of the content words (shared specifics);
- ``anchors``: overlap coefficient of the normalised anchors: canonical entities, resolved dates
  (``d:YYYY-MM-DD``) and quantities (``n:unit:value``); 0 when either claim has none.

Its weights and decision threshold are calibrated on hand-labelled cross-outlet sentence pairs
from NeuS (``storylens/eval/data/alignment_pairs.jsonl``; guideline in ``alignment_README.md``)
by ``python -m storylens.eval.alignment --calibrate``; the numbers below are its output. There is
one parameter set per embedding family, because cosine scales differ: ``static`` (the committed
model2vec model; also used for injected embedders) and ``tfidf`` (the logged fallback used when
``storylens.embed`` cannot load).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storylens.align.claims import Claim, content_words

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "PARAMS",
    "AlignmentParams",
    "Embed",
    "anchors",
    "cluster_facts",
    "overlap",
    "overlap_matrix",
    "pair_features",
    "pair_probabilities",
    "resolve_embed",
    "tfidf_embed",
]

log = logging.getLogger(__name__)

Embed = Callable[[Sequence[str]], "np.ndarray"]


@dataclass(frozen=True, slots=True)
class AlignmentParams:
    """Logistic-regression weights and the probability threshold for 'same fact'."""

    bias: float
    w_cos: float
    w_lex: float
    w_anchors: float
    threshold: float

    def probability(self, cos: float, lex: float, anc: float) -> float:
        z = self.bias + self.w_cos * cos + self.w_lex * lex + self.w_anchors * anc
        return 1.0 / (1.0 + math.exp(-z))


# Calibrated by `python -m storylens.eval.alignment --calibrate` on the 178 calibration pairs (94
# positive), annotated by storylens.annotate: static F1 0.814 (P 0.771, R 0.862) at 0.45;
# tfidf F1 0.823 (P 0.748, R 0.915) at 0.40. Held-out figures: `storylens eval alignment`.
PARAMS: dict[str, AlignmentParams] = {
    "static": AlignmentParams(bias=-2.562, w_cos=2.097, w_lex=3.319, w_anchors=1.066, threshold=0.45),
    "tfidf": AlignmentParams(bias=-1.542, w_cos=2.048, w_lex=3.279, w_anchors=1.153, threshold=0.4),
}


def tfidf_embed(texts: Sequence[str]) -> np.ndarray:
    """TF-IDF rows (L2-normalised, dense float32) fitted on ``texts`` themselves.

    Vectors are comparable only within one call; every caller embeds all the texts it compares at once.
    """
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    try:
        matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(list(texts))
    except ValueError:  # empty vocabulary: every text is stop words or empty
        return np.zeros((len(texts), 1), dtype=np.float32)
    return np.asarray(matrix.toarray(), dtype=np.float32)


def resolve_embed(embed: Embed | None) -> tuple[Embed, str]:
    """The embedding function to use and the name of its parameter set.

    ``None`` means the committed static model; when it cannot load, a warning is logged and TF-IDF
    cosine (with its own calibrated parameters) is used instead.
    """
    if embed is not None:
        return embed, "static"
    try:
        from storylens.embed import get_embedder

        embedder = get_embedder("static")
    except Exception as exc:  # any failure to load the model degrades, loudly, to TF-IDF
        log.warning("storylens.embed could not load the static model (%s); aligning with TF-IDF cosine", exc)
        return tfidf_embed, "tfidf"
    return embedder.embed, "static"


def _unit(unit: str | None) -> str:
    text = (unit or "").strip().lower()
    if len(text) > 3 and text.endswith("s") and not text.endswith("ss"):
        text = text[:-1]
    return text


def anchors(claim: Claim, *, with_values: bool = True) -> frozenset[str]:
    """Normalised anchors of a claim: entities, plus resolved dates and quantities when ``with_values``."""
    items = set(claim.entities)
    if with_values:
        for date in claim.dates:
            if date.value and date.granularity in {"day", "range"}:
                items.add("d:" + date.value)
        for quantity in claim.quantities:
            if quantity.value is not None and quantity.kind != "ordinal":
                items.add(f"n:{_unit(quantity.unit)}:{quantity.value:g}")
    return frozenset(items)


def overlap(a: frozenset[str], b: frozenset[str], minimum: int = 1) -> float:
    """Overlap coefficient |a ∩ b| / min(|a|, |b|); 0 when either set is smaller than ``minimum``."""
    if len(a) < minimum or len(b) < minimum:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def overlap_matrix(sets: Sequence[frozenset[str]], minimum: int = 1) -> np.ndarray:
    """Pairwise overlap coefficients of ``sets`` (vectorised ``overlap``)."""
    import numpy as np

    vocab: dict[str, int] = {}
    for items in sets:
        for item in items:
            vocab.setdefault(item, len(vocab))
    n = len(sets)
    if not vocab:
        return np.zeros((n, n), dtype=np.float64)
    incidence = np.zeros((n, len(vocab)), dtype=np.float32)
    for row, items in enumerate(sets):
        for item in items:
            incidence[row, vocab[item]] = 1.0
    inter = (incidence @ incidence.T).astype(np.float64)
    sizes = incidence.sum(axis=1).astype(np.float64)
    smaller = np.minimum.outer(sizes, sizes)
    out = np.where(smaller >= max(minimum, 1), inter / np.maximum(smaller, 1.0), 0.0)
    return np.asarray(out, dtype=np.float64)


def pair_features(
    claims: Sequence[Claim], vectors: np.ndarray, *, with_values: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (cos, lex, anchors) feature matrices of every pair of claims."""
    import numpy as np

    cos = np.clip(np.asarray(vectors, dtype=np.float64) @ np.asarray(vectors, dtype=np.float64).T, -1.0, 1.0)
    lex = overlap_matrix([content_words(c.text) for c in claims], minimum=2)
    anc = overlap_matrix([anchors(c, with_values=with_values) for c in claims])
    return cos, lex, anc


def pair_probabilities(
    claims: Sequence[Claim], vectors: np.ndarray, params: AlignmentParams, *, with_values: bool = True
) -> np.ndarray:
    """Matrix of P(same fact) for every pair of claims of *different* articles (0 elsewhere).

    ``with_values=False`` leaves dates and quantities out of the anchors: that is the score used to
    find conflicting claims, which agree on everything but a value.
    """
    import numpy as np

    n = len(claims)
    if n < 2:
        return np.zeros((n, n), dtype=np.float64)
    cos, lex, anc = pair_features(claims, vectors, with_values=with_values)
    z = params.bias + params.w_cos * cos + params.w_lex * lex + params.w_anchors * anc
    probs = 1.0 / (1.0 + np.exp(-z))
    articles = np.array([c.article for c in claims], dtype=object)
    probs[articles[:, None] == articles[None, :]] = 0.0
    return np.asarray(probs, dtype=np.float64)


def cluster_facts(claims: Sequence[Claim], probs: np.ndarray, threshold: float) -> list[list[int]]:
    """Group claims into facts by average-linkage merging of pairs above ``threshold``.

    A fact never holds two claims of the same article. Deterministic: pairs are merged strongest
    first, ties broken by claim index. Returns lists of claim indices, each sorted.
    """
    n = len(claims)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    owner = list(range(n))
    import numpy as np

    hits = np.argwhere(np.triu(probs >= threshold, 1)) if n > 1 else np.zeros((0, 2), dtype=int)
    pairs = sorted(((float(probs[i, j]), int(i), int(j)) for i, j in hits), key=lambda t: (-t[0], t[1], t[2]))
    for _, i, j in pairs:
        a, b = owner[i], owner[j]
        if a == b:
            continue
        left, right = members[a], members[b]
        if {claims[k].article for k in left} & {claims[k].article for k in right}:
            continue
        mean = sum(float(probs[x, y]) for x in left for y in right) / (len(left) * len(right))
        if mean < threshold:
            continue
        keep, drop = (a, b) if a < b else (b, a)
        members[keep] = sorted(members[keep] + members[drop])
        for k in members[drop]:
            owner[k] = keep
        del members[drop]
    return [members[k] for k in sorted(members)]
