"""Direct-quote detection and speaker attribution: storylens vs textacy's ``direct_quotations``.

Runs both on the bundled quote set (``src/storylens/eval/data/quotes.jsonl``, or the .jsonl given
with ``--data``) over the *direct* gold quotes only (textacy finds no reported speech and no
fragments), with the same spaCy pipeline and the same matching rules as ``storylens eval quotes``,
and prints detection precision / recall / F1 and speaker accuracy side by side, plus the cases
where textacy raised an error. Speaker accuracy is given strictly (same name) and leniently (the
prediction is the gold name or its last word: textacy often returns only the head token).

textacy is not a dependency of storylens: install it by hand to compare (``pip install
textacy==0.13.0``). When it cannot be imported this script says so, prints storylens's figures
and exits 0.

Usage: python bench/quotes_vs_textacy.py [--data FILE] [--show-failures]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from storylens.eval.quotes import load_cases, match_quotes, normalise, predict, same_speaker


def _lenient(predicted: str | None, gold: str | None) -> bool:
    if same_speaker(predicted, gold):
        return True
    if not predicted or not gold:
        return False
    return normalise(gold).split()[-1:] == normalise(predicted).split()


def figures(cases: list[dict[str, Any]], predictions: list[list[dict[str, Any]]]) -> dict[str, float]:
    n_gold = n_pred = n_match = strict = lenient = with_speaker = 0
    for case, pred in zip(cases, predictions, strict=True):
        gold = [q for q in case["quotes"] if q["kind"] == "direct"]
        pairs = match_quotes(gold, pred)
        n_gold, n_pred, n_match = n_gold + len(gold), n_pred + len(pred), n_match + len(pairs)
        found = dict(pairs)
        for gi, g in enumerate(gold):
            if not g.get("speaker"):
                continue
            with_speaker += 1
            pi = found.get(gi)
            if pi is not None:
                strict += same_speaker(pred[pi]["speaker"], g["speaker"])
                lenient += _lenient(pred[pi]["speaker"], g["speaker"])
    p = n_match / n_pred if n_pred else 0.0
    r = n_match / n_gold if n_gold else 0.0
    return {
        "gold_direct": n_gold,
        "predicted": n_pred,
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "speaker_accuracy": strict / with_speaker if with_speaker else 0.0,
        "speaker_accuracy_lenient": lenient / with_speaker if with_speaker else 0.0,
    }


def textacy_predictions(cases: list[dict[str, Any]]) -> tuple[list[list[dict[str, Any]]], list[str]]:
    from textacy.extract.triples import direct_quotations

    from storylens.annotate.nlp import get_nlp

    nlp = get_nlp()
    out: list[list[dict[str, Any]]] = []
    errors: list[str] = []
    for case in cases:
        doc = nlp(case["text"])
        quotes: list[dict[str, Any]] = []
        try:
            for triple in direct_quotations(doc):
                speaker = " ".join(t.text for t in triple.speaker) or None
                quotes.append({"text": triple.content.text, "speaker": speaker, "kind": "direct"})
        except Exception as exc:  # textacy fails on some quote layouts; count them
            errors.append(f"{case['id']} ({type(exc).__name__})")
        out.append(quotes)
    return out, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="quote set (.jsonl); default: the bundled one")
    parser.add_argument("--show-failures", action="store_true", help="list the cases each system gets wrong")
    args = parser.parse_args(argv)
    cases = load_cases(args.data)
    ours = [[q for q in pred if q["kind"] == "direct"] for pred in predict(cases)]
    rows = {"storylens": figures(cases, ours)}
    errors: list[str] = []
    try:
        import textacy

        theirs, errors = textacy_predictions(cases)
        rows[f"textacy {textacy.__version__}"] = figures(cases, theirs)
    except ImportError as exc:
        print(
            f"textacy is not installed ({exc}); showing storylens only. pip install textacy==0.13.0 to compare."
        )
        theirs = []
    keys = list(next(iter(rows.values())))
    print(f"{len(cases)} cases")
    print(f"{'':<26}" + "".join(f"{name:>22}" for name in rows))
    for key in keys:
        cells = "".join(
            f"{v[key]:>22.3f}" if isinstance(v[key], float) else f"{v[key]:>22}" for v in rows.values()
        )
        print(f"{key:<26}{cells}")
    if errors:
        print(f"textacy raised on {len(errors)} case(s): {', '.join(errors)}")
    if args.show_failures:
        for name, preds in (("storylens", ours), ("textacy", theirs)):
            for case, pred in zip(cases, preds, strict=False):
                gold = [q for q in case["quotes"] if q["kind"] == "direct"]
                pairs = dict(match_quotes(gold, pred))
                bad = (
                    len(pairs) != len(gold)
                    or len(pred) != len(gold)
                    or any(
                        g.get("speaker") and not same_speaker(pred[pairs[i]]["speaker"], g["speaker"])
                        for i, g in enumerate(gold)
                        if i in pairs
                    )
                )
                if bad:
                    print(
                        f"  {name:<10} {case['id']} {case['pattern']}: {[(q['text'][:40], q['speaker']) for q in pred]}"
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
