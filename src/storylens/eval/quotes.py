"""``storylens eval quotes``: quote detection and speaker attribution on the bundled quote set.

Reads ``eval/data/quotes.jsonl`` (hand-written fictional cases: ``text`` and gold ``quotes`` with
``text``, ``speaker`` and ``kind``; ``pattern`` names what the case tests), annotates every case
with :class:`storylens.annotate.Annotator` and writes a dict of figures:

- detection precision / recall / F1: a predicted quote matches a gold quote when their normalised
  texts are equal, one contains the other with at least 80% of its length, or their word sets
  overlap with Jaccard >= 0.7 (quote marks and punctuation are ignored);
- kind accuracy over matched quotes (direct / indirect / fragment);
- speaker accuracy: over gold quotes that have a speaker, the share whose matched prediction names
  the same speaker (case, a leading "the" and possessives ignored); unmatched gold quotes count as
  wrong (``speaker_accuracy``), and separately over matched quotes only (``speaker_accuracy_matched``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_FILE", "load_cases", "match_quotes", "normalise", "run", "same_speaker"]

DEFAULT_FILE = Path(__file__).with_name("data") / "quotes.jsonl"
PUBLISHED = "2026-03-10T09:00:00+00:00"


def normalise(text: str | None) -> str:
    """Case-folded words of ``text`` without quote marks or punctuation."""
    if not text:
        return ""
    words = re.findall(r"\w+", text.casefold())
    return " ".join(words)


def same_speaker(predicted: str | None, gold: str | None) -> bool:
    def key(name: str | None) -> str:
        value = normalise(re.sub(r"['’]s\b", "", name or ""))
        return re.sub(r"^the ", "", value)

    return key(predicted) == key(gold)


def _similar(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if short in long_ and len(short) >= 0.8 * len(long_):
        return True
    wa, wb = set(a.split()), set(b.split())
    return len(wa & wb) / len(wa | wb) >= 0.7


def match_quotes(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Greedy one-to-one (gold index, predicted index) pairs of similar quotes."""
    pairs: list[tuple[int, int]] = []
    used: set[int] = set()
    for gi, g in enumerate(gold):
        gt = normalise(g["text"])
        for pi, p in enumerate(predicted):
            if pi not in used and _similar(gt, normalise(p["text"])):
                pairs.append((gi, pi))
                used.add(pi)
                break
    return pairs


def load_cases(data: Path | None = None) -> list[dict[str, Any]]:
    """The cases of ``data`` (a .jsonl file, or a folder holding quotes.jsonl), else the bundled set."""
    path = DEFAULT_FILE
    if data is not None:
        data = Path(data)
        if data.is_file():
            path = data
        elif (data / "quotes.jsonl").is_file():
            path = data / "quotes.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def predict(cases: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """storylens's quotes for each case (dicts with text, speaker, kind)."""
    from storylens.annotate import get_annotator
    from storylens.models import Article

    articles = [
        Article(id=c["id"], source="eval", title="", text=c["text"], original=c["text"], published=PUBLISHED)
        for c in cases
    ]
    annotations = get_annotator().annotate(articles)
    return [
        [{"text": q.text, "speaker": q.speaker, "kind": q.kind} for q in ann.quotes] for ann in annotations
    ]


def score(cases: list[dict[str, Any]], predictions: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """Figures for ``predictions`` (one list of quote dicts per case) against the gold cases."""
    n_gold = n_pred = n_match = kind_ok = 0
    speaker_total = speaker_ok = speaker_matched = 0
    failed: list[str] = []
    for case, pred in zip(cases, predictions, strict=True):
        gold = case["quotes"]
        pairs = match_quotes(gold, pred)
        n_gold += len(gold)
        n_pred += len(pred)
        n_match += len(pairs)
        ok = len(pairs) == len(gold) == len(pred)
        by_gold = dict(pairs)
        for gi, g in enumerate(gold):
            pi = by_gold.get(gi)
            if pi is not None and pred[pi].get("kind", "direct") == g["kind"]:
                kind_ok += 1
            elif pi is not None:
                ok = False
            if g.get("speaker"):
                speaker_total += 1
                if pi is not None:
                    speaker_matched += 1
                    if same_speaker(pred[pi].get("speaker"), g["speaker"]):
                        speaker_ok += 1
                        continue
                ok = False
        if not ok:
            failed.append(case["id"])
    precision = n_match / n_pred if n_pred else 0.0
    recall = n_match / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "cases": len(cases),
        "gold_quotes": n_gold,
        "predicted_quotes": n_pred,
        "detection_precision": precision,
        "detection_recall": recall,
        "detection_f1": f1,
        "kind_accuracy": kind_ok / n_match if n_match else 0.0,
        "speaker_accuracy": speaker_ok / speaker_total if speaker_total else 0.0,
        "speaker_accuracy_matched": speaker_ok / speaker_matched if speaker_matched else 0.0,
        "failed_cases": ",".join(failed),
    }


def run(data: Path | None = None, **_: Any) -> dict[str, Any]:
    """Score storylens's quote layer on the quote set (``data``: a .jsonl file or folder; default bundled)."""
    cases = load_cases(data)
    return score(cases, predict(cases))
