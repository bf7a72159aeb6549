"""Candidate retrieval for the online clusterer: an ANN index over active story centroids plus an
inverted index from entity keys to active stories.

Reads story centroids (title + lead vectors) and entity keys as stories change; answers "which
active stories could this article belong to?" in time that does not grow with the number of
stories seen. Stories fall out of both indexes when they go quiet (``evict``), so only a recent
window is ever searched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CandidateIndex"]


class CandidateIndex:
    """usearch HNSW (cosine) over story centroids keyed by story number, plus entity postings.

    Every call into usearch runs on one thread: with its default (all cores) the graph, and so the
    candidates a story is offered, could differ from one run to the next, and re-running the same
    stream gave different stories.

    The graph holds the centroids as 8-bit integers (``quantization``): the index only proposes
    candidates, each of which is then scored on the full vectors, and an insert and a search cost
    about a quarter less than on 32-bit floats.
    """

    def __init__(self, dim: int, per_entity: int = 8, quantization: str = "i8") -> None:
        from usearch.index import Index

        self._make = lambda: Index(
            ndim=dim, metric="cos", dtype=quantization, connectivity=16, expansion_add=64
        )
        self._ann = self._make()
        self._postings: dict[int, list[int]] = {}
        self._active: set[int] = set()
        self._removed = 0
        self.per_entity = per_entity

    def __len__(self) -> int:
        return len(self._active)

    def active(self) -> list[int]:
        """Story numbers now searchable."""
        return list(self._active)

    def __contains__(self, story: int) -> bool:
        return story in self._active

    def upsert(self, story: int, centroid: np.ndarray, new_entities: tuple[int, ...] = ()) -> None:
        """Insert or move a story's centroid; add the story to the postings of ``new_entities``."""
        if story in self._active:
            self._ann.remove(story, threads=1)
            self._removed += 1
        self._ann.add(story, centroid, threads=1)
        self._active.add(story)
        for key in new_entities:
            posting = self._postings.setdefault(key, [])
            if not posting or posting[-1] != story:
                if story in posting:
                    posting.remove(story)
                posting.append(story)
                if len(posting) > 4 * self.per_entity:
                    del posting[: len(posting) - 2 * self.per_entity]

    def remove(self, story: int) -> None:
        """Take a story out of the ANN index (its postings are filtered lazily)."""
        if story in self._active:
            self._ann.remove(story, threads=1)
            self._active.discard(story)
            self._removed += 1
        if self._removed > 4096 and self._removed > 2 * len(self._active):
            self._compact()

    def _compact(self) -> None:
        import numpy as np

        keys = np.fromiter(self._active, dtype=np.uint64, count=len(self._active))
        vectors = self._ann.get(keys, dtype="f32") if len(keys) else None
        self._ann = self._make()
        if vectors is not None:
            self._ann.add(keys, np.asarray(vectors, dtype=np.float32), threads=1)
        self._postings = {
            key: [story for story in posting if story in self._active]
            for key, posting in self._postings.items()
            if any(story in self._active for story in posting)
        }
        self._removed = 0

    def query(self, vector: np.ndarray, k: int, entities: tuple[int, ...] = ()) -> list[int]:
        """Up to ``k`` nearest active stories plus recent active stories sharing one of ``entities``."""
        import numpy as np

        found: list[int] = []
        if self._active:
            matches = self._ann.search(
                np.asarray(vector, dtype=np.float32), min(k, len(self._active)), threads=1
            )
            found.extend(int(key) for key in matches.keys)
        seen = set(found)
        for key in entities:
            posting = self._postings.get(key)
            if not posting:
                continue
            for story in posting[-self.per_entity :]:
                if story not in seen and story in self._active:
                    seen.add(story)
                    found.append(story)
        return found
