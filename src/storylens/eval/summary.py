"""``storylens eval summary``: ROUGE of the brief's summary on NeuS.

Reads ``neus/<split>.jsonl``: each story's three articles (title + text) are the input and the
AllSides ``neutral_summary.text`` is the reference. Annotates the articles (the real language
layer when ``storylens.annotate`` is importable, else sentences from the fallback splitter only —
reported as ``annotations``), builds each story's brief with ``summary_sentences=sentences`` and
writes mean ROUGE-1/2/L F1 (``rouge-score``, stemming on) of the summary text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from storylens.models import Article, ArticleAnnotations

__all__ = ["load_stories", "rouge_table", "run", "story_articles"]

log = logging.getLogger(__name__)


def load_stories(data: Path, split: str = "val", limit: int | None = None) -> list[dict[str, Any]]:
    name = {"dev": "val", "test": "val"}.get(split, split)
    path = data / "neus" / f"{name}.jsonl"
    if not path.exists():
        raise FileNotFoundError(path)
    with path.open(encoding="utf-8") as handle:
        stories = [json.loads(line) for line in handle if line.strip()]
    return stories[:limit] if limit else stories


def story_articles(story: dict[str, Any]) -> list[Article]:
    return [
        Article(
            id=f"{story['story_id']}-{i}",
            source=f"outlet-{i}",
            title=a.get("title", ""),
            text=a.get("text", ""),
            original=a.get("text", ""),
        )
        for i, a in enumerate(story["articles"])
    ]


def rouge_table(predictions: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Mean ROUGE-1/2/L F1 (x100) of ``predictions`` against ``references``."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    for pred, ref in zip(predictions, references, strict=True):
        scores = scorer.score(ref, pred)
        for key in totals:
            totals[key] += scores[key].fmeasure
    n = max(1, len(predictions))
    return {key: round(100 * value / n, 2) for key, value in totals.items()}


def _layer() -> tuple[Callable[[Sequence[Article]], list[ArticleAnnotations]], str]:
    from storylens.eval.alignment import real_annotator

    layer = real_annotator()
    if layer is not None:
        return layer, "storylens.annotate"
    log.warning("storylens.annotate is not importable; summarising with fallback sentence splitting only")
    return (lambda arts: [ArticleAnnotations(article_id=a.id) for a in arts]), "fallback-sentences"


def run(
    data: Path | None = None, split: str = "val", sentences: int = 3, limit: int | None = None, **_: Any
) -> dict[str, Any]:
    """ROUGE of storylens summaries (``sentences`` long) on NeuS ``split``."""
    import importlib
    import time

    from storylens.brief import build_brief
    from storylens.eval import default_data_dir

    data = Path(data) if data else default_data_dir()
    stories = load_stories(data, split, limit)
    layer, name = _layer()
    predictions, references = [], []
    started = time.perf_counter()
    for story in stories:
        articles = story_articles(story)
        anns = layer(articles)
        entities: list[Any] = []
        if name == "storylens.annotate":
            entities = list(importlib.import_module("storylens.annotate").canonicalize(articles, anns)[0])
        brief = build_brief(articles, anns, entities, story_id=story["story_id"], summary_sentences=sentences)
        predictions.append(" ".join(s.text for s in brief.summary))
        references.append(story["neutral_summary"]["text"])
    return {
        "split": split,
        "stories": len(stories),
        "sentences": sentences,
        "annotations": name,
        "storylens": rouge_table(predictions, references),
        "seconds": round(time.perf_counter() - started, 1),
    }
