"""Calibrate the compare page's sentence-match threshold on the NeuS stories.

Reads ``neus/val.jsonl`` from the evaluation data (three outlets' lead texts per story); writes a
report to stdout. Pairs of sentences from two *different* stories are never the same statement, so
their ``token_set_ratio`` distribution gives the false-match rate of each threshold; the best
cross-outlet sentence match within a story shows how many real counterparts a threshold keeps.

Usage: python -m storylens.web.calibrate_align [--data DIR] [--split val] [--quantile 0.99]
"""

from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path

from storylens.web.align import split_sentences


def main(argv: list[str] | None = None) -> int:
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist
    from rapidfuzz.utils import default_process

    from storylens.eval import default_data_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--split", default="val")
    parser.add_argument("--quantile", type=float, default=0.99)
    args = parser.parse_args(argv)
    path = (args.data or default_data_dir()) / "neus" / f"{args.split}.jsonl"
    if not path.exists():
        print(f"{path}: not found; nothing to calibrate")
        return 0
    stories = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    per_story = [[split_sentences(a["text"]) for a in s["articles"]] for s in stories]

    within: list[float] = []  # best match of each sentence in another outlet's article of the story
    for articles in per_story:
        for a in range(len(articles)):
            for b in range(len(articles)):
                if a != b and articles[a] and articles[b]:
                    matrix = cdist(
                        articles[a], articles[b], scorer=fuzz.token_set_ratio, processor=default_process
                    )
                    within.extend(float(row.max()) for row in matrix)
    rng = random.Random(7)
    unrelated: list[float] = []
    for _ in range(3000):
        s, t = rng.sample(range(len(per_story)), 2)
        left = [x for art in per_story[s] for x in art]
        right = [x for art in per_story[t] for x in art]
        if left and right:
            unrelated.append(
                float(fuzz.token_set_ratio(rng.choice(left), rng.choice(right), processor=default_process))
            )
    unrelated.sort()
    cut = unrelated[min(len(unrelated) - 1, int(args.quantile * len(unrelated)))]
    threshold = float(math.ceil(cut))
    kept = sum(1 for x in within if x >= threshold) / max(1, len(within))
    false = sum(1 for x in unrelated if x >= threshold) / max(1, len(unrelated))
    print(
        f"stories: {len(stories)}; within-story best matches: {len(within)}; unrelated pairs: {len(unrelated)}"
    )
    print(f"{args.quantile:.0%} quantile of unrelated pairs: {cut:.1f} -> threshold {threshold:.0f}")
    print(
        f"at {threshold:.0f}: unrelated pairs matched {false:.1%}; within-story best matches kept {kept:.1%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
