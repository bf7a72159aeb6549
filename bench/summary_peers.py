"""ROUGE of the storylens brief summary beside lead and LexRank baselines on NeuS val.

    python bench/summary_peers.py [--split val] [--sentences 3] [--limit N]

Input per story: its three articles (title + text); reference: the AllSides neutral summary.
Systems, all of the same length (``--sentences``):
- storylens: ``build_brief(...).summary`` (``storylens.eval.summary``);
- lead-1: the first sentence of each outlet (three outlets -> three sentences, truncated to length);
- lead-N (first outlet): the first ``--sentences`` sentences of the first outlet;
- LexRank: sumy 0.13.0 ``LexRankSummarizer`` over the three texts joined, with storylens's
  sentence splitter as its tokenizer (sumy's default tokenizer needs NLTK data downloads).
sumy is a benchmark-only dependency (``pip install sumy==0.13.0``), not a runtime one.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from storylens.align.claims import split_sentences
from storylens.eval import default_data_dir
from storylens.eval.summary import load_stories, rouge_table, run

_WORD = re.compile(r"\w+(?:[’']\w+)?")


class Tokenizer:
    """The tokenizer interface sumy expects, without NLTK data."""

    language = "english"

    def to_sentences(self, text: str) -> tuple[str, ...]:
        return tuple(text[s.start : s.end] for s in split_sentences(text))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(sentence))


def sentences_of(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def lexrank(texts: list[str], n: int) -> str:
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer

    tokenizer = Tokenizer()
    parser = PlaintextParser.from_string("\n\n".join(texts), tokenizer)
    summarizer = LexRankSummarizer()
    summarizer.stop_words = frozenset(
        [
            "a",
            "an",
            "the",
            "and",
            "or",
            "of",
            "to",
            "in",
            "on",
            "at",
            "by",
            "for",
            "with",
            "from",
            "as",
            "is",
            "are",
            "was",
            "were",
            "be",
            "been",
            "it",
            "its",
            "that",
            "this",
            "he",
            "she",
            "they",
        ]
    )
    return " ".join(str(s) for s in summarizer(parser.document, n))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", default="val")
    parser.add_argument("--sentences", type=int, default=3)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    data = default_data_dir()
    stories = load_stories(data, args.split, args.limit)
    refs = [s["neutral_summary"]["text"] for s in stories]
    texts = [[a["text"] for a in s["articles"]] for s in stories]
    lead1 = [" ".join([sentences_of(t)[0] for t in ts if sentences_of(t)][: args.sentences]) for ts in texts]
    lead_first = [" ".join(sentences_of(ts[0])[: args.sentences]) for ts in texts]
    try:
        lex = [lexrank(ts, args.sentences) for ts in texts]
        lex_scores: dict[str, float] | str = rouge_table(lex, refs)
    except ImportError:
        lex_scores = "sumy not installed (pip install sumy==0.13.0)"
    ours = run(data, split=args.split, sentences=args.sentences, limit=args.limit)
    table = {
        "stories": len(stories),
        "sentences": args.sentences,
        "annotations": ours["annotations"],
        "storylens": ours["storylens"],
        "lead-1 (each outlet)": rouge_table(lead1, refs),
        f"lead-{args.sentences} (first outlet)": rouge_table(lead_first, refs),
        "LexRank (sumy)": lex_scores,
    }
    json.dump(table, sys.stdout, indent=2)
    print()
    print(f"\n{'system':28s} {'R-1':>6s} {'R-2':>6s} {'R-L':>6s}")
    for name, scores in table.items():
        if isinstance(scores, dict):
            print(f"{name:28s} {scores['rouge1']:6.2f} {scores['rouge2']:6.2f} {scores['rougeL']:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
