"""De-duplicate: exact copies by normalised-text hash, near copies by MinHash LSH.

Reads: cleaned ``Article`` records (and what the store already holds). Writes: the same articles
with ``duplicate_of``/``duplicate_kind``/``similarity`` set, and a verdict per article:

- ``"skip"`` — the same text from the same source (or the same id) is already stored: adds nothing;
- ``"exact"`` — the same text from another source: a wire copy, stored, not an independent source;
- ``"near"`` — estimated Jaccard similarity of word shingles ≥ ``NEAR_DUPLICATE_THRESHOLD`` to an
  earlier article: a lightly edited republication, stored, not an independent source;
- ``"new"`` — an original.

Shingles are ``SHINGLE_SIZE`` consecutive normalised words. The threshold is measured by
``bench/ingest.py``: lightly edited wire copies (a changed headline, a trimmed sentence, a few
words swapped) score ≥ 0.6, while different outlets' reports of one story score < 0.2.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from storylens.models import Article, normalise_text

__all__ = [
    "NEAR_DUPLICATE_THRESHOLD",
    "NUM_PERM",
    "SHINGLE_SIZE",
    "Deduplicator",
    "Verdict",
    "minhash",
    "shingles",
]

SHINGLE_SIZE = 3
NUM_PERM = 128
MINHASH_SCHEME = "affine32"
"""datasketch's hashing scheme; stored signatures are only comparable under the same one."""
NEAR_DUPLICATE_THRESHOLD = 0.5
MIN_SHINGLES = 8
"""Texts shorter than this many shingles are too short to call near-duplicates."""

VerdictKind = Literal["new", "exact", "near", "skip"]


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: VerdictKind
    article: Article
    signature: bytes | None = None
    of: str | None = None  # the article it duplicates

    @property
    def stored(self) -> bool:
        return self.kind != "skip"


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    words = normalise_text(text).split()
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def minhash(text: str) -> Any:
    """The datasketch MinHash of a text's word shingles."""
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, scheme=MINHASH_SCHEME)
    m.update_batch([s.encode("utf-8") for s in shingles(text)])
    return m


class Deduplicator:
    """Decides, article by article, whether it is new, a wire copy, a near-duplicate or already stored.

    ``store`` (optional) supplies what earlier batches stored; everything seen in this batch counts too.
    """

    def __init__(self, store: Any | None = None, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
        from datasketch import MinHashLSH

        self.store = store
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._hashes: dict[str, Any] = {}  # article id -> MinHash
        self._roots: dict[str, str] = {}  # article id -> its original (itself when independent)
        self._by_hash: dict[str, list[tuple[str, str]]] = {}  # content hash -> [(id, source)] in batch
        self._ids: set[str] = set()
        if store is not None:
            self._load(store.signatures())

    def _load(self, rows: Iterable[tuple[str, bytes, str | None]]) -> None:
        from datasketch import LeanMinHash

        for article_id, blob, duplicate_of in rows:
            hashvalues = np.frombuffer(blob, dtype=np.uint64)
            m = LeanMinHash(seed=1, hashvalues=hashvalues, scheme=MINHASH_SCHEME)
            self._add(article_id, m, duplicate_of)

    def _add(self, article_id: str, m: Any, duplicate_of: str | None) -> None:
        self._hashes[article_id] = m
        self._roots[article_id] = self._roots.get(duplicate_of, duplicate_of) if duplicate_of else article_id
        if article_id not in self._lsh:
            self._lsh.insert(article_id, m)

    def _known_id(self, article_id: str) -> bool:
        if article_id in self._ids:
            return True
        return bool(self.store is not None and self.store.has_article(article_id))

    def check(self, article: Article) -> Verdict:
        """The verdict for one article; accepted articles are remembered for the rest of the batch."""
        if self._known_id(article.id):
            return Verdict("skip", article, of=article.id)
        same_text = list(self._by_hash.get(article.content_hash, []))
        if self.store is not None:
            same_text = [(i, s) for i, s, _ in self.store.find_by_hash(article.content_hash)] + same_text
        if any(source == article.source for _, source in same_text):
            original = next(i for i, s in same_text if s == article.source)
            return Verdict("skip", article, of=original)
        m = minhash(article.text)
        signature = np.asarray(m.hashvalues, dtype=np.uint64).tobytes()
        if same_text:
            root = self._roots.get(same_text[0][0], same_text[0][0])
            verdict = Verdict(
                "exact",
                replace(article, duplicate_of=root, duplicate_kind="exact", similarity=1.0),
                signature,
                root,
            )
        else:
            verdict = self._near(article, m, signature)
        self._remember(verdict, m)
        return verdict

    def _near(self, article: Article, m: Any, signature: bytes) -> Verdict:
        if len(shingles(article.text)) >= MIN_SHINGLES:
            best: tuple[float, str] | None = None
            for candidate in self._lsh.query(m):
                score = float(m.jaccard(self._hashes[candidate]))
                if score >= self.threshold and (best is None or score > best[0]):
                    best = (score, candidate)
            if best is not None:
                root = self._roots.get(best[1], best[1])
                return Verdict(
                    "near",
                    replace(article, duplicate_of=root, duplicate_kind="near", similarity=round(best[0], 3)),
                    signature,
                    root,
                )
        return Verdict("new", article, signature)

    def _remember(self, verdict: Verdict, m: Any) -> None:
        article = verdict.article
        self._ids.add(article.id)
        self._by_hash.setdefault(article.content_hash, []).append((article.id, article.source))
        self._add(article.id, m, article.duplicate_of)

    def run(self, articles: Iterable[Article]) -> Iterator[Verdict]:
        for article in articles:
            yield self.check(article)
