"""Ingest throughput (read + clean + dedupe + store) and near-duplicate detection quality.

Builds a JSONL corpus from the public evaluation data (NeuS train/val articles and ECB+ documents,
each article labelled with a fictional outlet), adds lightly edited republications of a sample of
them as wire copies, then ingests everything into a fresh database without the language layer or
clustering, and reports:

- articles/s for ingest + clean + dedupe + store (one transaction);
- near-duplicate recall on the edited copies and false alarms on different outlets' reports of the
  same NeuS story (the hard negatives for MinHash).

Usage: python bench/ingest.py [--data ../shared/data] [--copies 500] [--limit N]
Skips (exit 0, with a message) when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from storylens.eval import default_data_dir
from storylens.models import RawArticle
from storylens.pipeline import ingest_records
from storylens.store import Store

OUTLETS = [
    "Harbor Ledger",
    "Northgate Post",
    "Meridian Wire",
    "Valley Courier",
    "The Civic Times",
    "Coastline Daily",
]
FOOTERS = ["Subscribe to our newsletter for daily updates.", "Share this article on Facebook, X and WhatsApp"]


def detokenise(text: str) -> str:
    text = re.sub(r" ([,.;:!?%)'])", r"\1", text)
    return re.sub(r"([(]) ", r"\1", text).replace(" n't", "n't").replace("`` ", '"').replace(" ''", '"')


def build(data: Path, limit: int | None) -> tuple[list[RawArticle], list[tuple[str, str]]]:
    """Articles (with ids) and the same-story cross-outlet pairs (hard negatives)."""
    raws: list[RawArticle] = []
    pairs: list[tuple[str, str]] = []
    for split in ("train", "val"):
        path = data / "neus" / f"{split}.jsonl"
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            story = json.loads(line)
            ids = []
            for index, article in enumerate(story["articles"]):
                article_id = f"{story['story_id']}-{index}"
                ids.append(article_id)
                raws.append(
                    RawArticle(
                        text=article["text"] + "\n\n" + FOOTERS[index % 2],
                        origin=f"neus/{split}.jsonl",
                        id=article_id,
                        source=OUTLETS[index],
                        title=article["title"],
                    )
                )
            pairs.extend((ids[i], ids[j]) for i in range(len(ids)) for j in range(i + 1, len(ids)))
    docs = data / "ecbplus" / "docs.jsonl"
    if docs.exists():
        for line in docs.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            sentences = doc["sentences"][1:] if doc["subtopic"].endswith("ecbplus") else doc["sentences"]
            text = "\n\n".join(detokenise(s) for s in sentences if s.strip())
            if text.strip():
                raws.append(
                    RawArticle(
                        text=text,
                        origin="ecbplus",
                        id=doc["doc_id"],
                        source=OUTLETS[3 + hash(doc["doc_id"]) % 3],
                    )
                )
    if limit:
        raws = raws[:limit]
    return raws, pairs


def edit(text: str, rng: random.Random) -> str:
    """A light republication edit: drop the footer, change a few words, trim or add a credit line."""
    body = text.rsplit("\n\n", 1)[0]
    words = body.split(" ")
    for _ in range(max(1, len(words) // 40)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["officials", "reported", "on", "the", "said"])
    edited = " ".join(words)
    return edited + "\n\n(Meridian Wire)" if rng.random() < 0.5 else edited


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--copies", type=int, default=500)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    if not (args.data / "neus").exists():
        print(f"skipped: no evaluation data at {args.data}")
        return 0
    rng = random.Random(13)
    raws, pairs = build(args.data, args.limit)
    originals = [r for r in raws if len(r.text.split()) >= 40]
    chosen = rng.sample(originals, min(args.copies, len(originals)))
    copies = [
        RawArticle(
            text=edit(r.text, rng), origin="copies", id=f"copy-{r.id}", source="Republisher", title=r.title
        )
        for r in chosen
    ]
    batch = raws + copies
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        start = time.perf_counter()
        report = ingest_records(store, batch, annotate=False, cluster=False)
        elapsed = time.perf_counter() - start
        stored = {a.id: a for a in store.articles()}
    caught = sum(
        1 for c in copies if stored.get(c.id) and stored[c.id].duplicate_of == c.id.removeprefix("copy-")
    )
    false_alarms = sum(
        1
        for a, b in pairs
        if a in stored and b in stored and (stored[b].duplicate_of == a or stored[a].duplicate_of == b)
    )
    removed = sum(1 for a in stored.values() if a.removed)
    print(
        f"articles ingested:          {len(batch)} ({len(report.added)} added, {len(report.duplicates)} duplicates, "
        f"{len(report.rejected)} rejected)"
    )
    print(f"ingest+clean+dedupe+store:  {len(batch) / elapsed:,.0f} articles/s ({elapsed:.1f} s)")
    print(
        f"near-duplicate recall:      {caught}/{len(copies)} = {caught / max(1, len(copies)):.3f} (edited copies)"
    )
    print(
        f"cross-outlet pairs flagged: {false_alarms}/{len(pairs)} same-story pairs from different outlets "
        "(inspected: outlets carrying the same agency text)"
    )
    print(f"articles with lines removed: {removed}/{len(stored)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
