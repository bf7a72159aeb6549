"""Story clustering: every article joins the right story or starts a new one, with a reason.

Reads ``ClusterItem`` records (built from cleaned, deduplicated, annotated articles); writes one
``Assignment`` (story id, probability, readable reason, signal values) per article. Articles are
assigned online in publication order; ``recluster`` is the periodic merge/split pass; the state
persists between runs with ``to_state``/``from_state``. Heavy libraries load on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storylens.cluster.model import ClusterConfig
from storylens.models import Assignment

if TYPE_CHECKING:
    from storylens.cluster.online import OnlineClusterer
    from storylens.embed import Embedder

__all__ = ["Assignment", "ClusterConfig", "ClusterItem", "StoryClusterer", "cluster_items", "recluster_spans"]


@dataclass(frozen=True)
class ClusterItem:
    """What the clusterer reads about one article."""

    id: str
    title: str
    text: str
    source: str
    published: str | None
    entities: tuple[str, ...] = ()  # canonical entity names or entity mention texts (may be empty)
    duplicate_of: str | None = None  # wire copy / near duplicate of this article id: always joins its story


def _order(items: Sequence[ClusterItem]) -> list[ClusterItem]:
    """Publication order (undated articles keep their input order, after the dated ones of the batch);
    a wire copy never precedes its original within a batch."""
    from storylens.cluster.features import parse_day

    keyed = []
    for position, item in enumerate(items):
        day = parse_day(item.published)
        keyed.append(((day is None, day or 0.0, position), item))
    ordered = [item for _, item in sorted(keyed, key=lambda pair: pair[0])]
    place = {item.id: i for i, item in enumerate(ordered)}
    early = [it for i, it in enumerate(ordered) if it.duplicate_of and place.get(it.duplicate_of, -1) > i]
    if not early:
        return ordered
    moved = {it.id for it in early}
    return [it for it in ordered if it.id not in moved] + early


def recluster_spans(days: Sequence[float | None], step: float) -> list[tuple[int, int]]:
    """How one batch in publication order is fed: (start, end) spans, each added and then
    reclustered; a span ends where stream time has moved on by ``step`` days since its first dated
    article, so that stories going quiet within a long batch are re-checked before they leave the
    candidate indexes."""
    spans: list[tuple[int, int]] = []
    begin, start = 0, None
    for i, day in enumerate(days):
        if i > begin and day is not None and start is not None and day - start >= step:
            spans.append((begin, i))
            begin, start = i, None
        if start is None:
            start = day
    spans.append((begin, len(days)))
    return spans


class StoryClusterer:
    """Online story clusterer over an embedder (default: the committed static model)."""

    def __init__(self, embedder: Embedder | None = None, config: ClusterConfig | None = None) -> None:
        if embedder is None:
            from storylens.embed import get_embedder

            embedder = get_embedder("static")
        from storylens.cluster.online import OnlineClusterer
        from storylens.embed import body_dim

        self.embedder = embedder
        self._core: OnlineClusterer = OnlineClusterer(embedder.dim, config, embedder.name, body_dim(embedder))

    @property
    def config(self) -> ClusterConfig:
        return self._core.config

    def add(self, items: Sequence[ClusterItem]) -> list[Assignment]:
        """Assign new articles in publication order; earlier assignments stay as they are.

        Returns one assignment per item, in the order the items were assigned; articles already
        seen are returned with their current assignment.
        """
        from storylens.cluster.features import compute_features

        ordered = _order(items)
        fresh = [item for item in ordered if item.id not in self._core.row_of]
        feats = compute_features(fresh, self.embedder, self._core.vocabulary, self._core.names)
        by_id = {f.id: f for f in feats}
        out = []
        for item in ordered:
            if item.id in self._core.row_of and item.id not in by_id:
                out.append(self._core.assigned[item.id])
            else:
                out.append(self._core.add(by_id.pop(item.id)))
        return out

    def add_features(self, feats: Sequence[object]) -> list[Assignment]:
        """Assign precomputed ``ArticleFeatures`` (already in publication order)."""
        from storylens.cluster.features import ArticleFeatures

        return [self._core.add(f) for f in feats if isinstance(f, ArticleFeatures)]

    def add_and_recluster(self, items: Sequence[ClusterItem]) -> tuple[list[Assignment], list[Assignment]]:
        """``add`` then ``recluster``, also mid-batch whenever stream time has moved on by half the
        story window, so that stories going quiet within a long batch are re-checked before they
        leave the candidate indexes.

        Returns the new items' assignments as ``add`` made them, then every assignment a recluster
        pass changed (a later one wins for the same article).
        """
        from storylens.cluster.features import parse_day

        ordered = _order(items)
        assigned: list[Assignment] = []
        moved: list[Assignment] = []
        spans = recluster_spans([parse_day(item.published) for item in ordered], self.config.window_days / 2)
        for begin, end in spans:
            assigned += self.add(ordered[begin:end])
            moved += self.recluster()
        return assigned, moved

    def recluster(self) -> list[Assignment]:
        """Periodic merge/split pass over the active stories; returns the assignments that changed."""
        from storylens.cluster.recluster import recluster

        return recluster(self._core)

    def assignments(self) -> dict[str, Assignment]:
        """Article id -> current assignment."""
        return dict(self._core.assigned)

    def stories(self) -> dict[str, list[str]]:
        """Story id -> member article ids (in assignment order)."""
        return {story.id: self._core.members(story.num) for story in self._core.stories.values()}

    def to_state(self) -> bytes:
        """The whole clusterer as ``.npz`` bytes (arrays + JSON; no pickle)."""
        from storylens.cluster.state import dump_state

        return dump_state(self._core, self.embedder.name)

    @classmethod
    def from_state(cls, data: bytes, embedder: Embedder | None = None) -> StoryClusterer:
        """Rebuild a clusterer saved by ``to_state``; its embedder must be the one it was saved with."""
        from storylens.cluster.state import load_state

        core, embedder_name = load_state(data)
        if embedder is None:
            from storylens.embed import get_embedder

            embedder = get_embedder(embedder_name)
        from storylens.embed import body_dim

        built, given = (core.dim, core.body_dim), (embedder.dim, body_dim(embedder))
        if embedder.name != embedder_name or built != given:
            raise ValueError(
                f"state was built with embedder {embedder_name!r} (dims {built[0]}/{built[1]}), "
                f"not {embedder.name!r} (dims {given[0]}/{given[1]}); re-ingest to rebuild it"
            )
        clusterer = cls.__new__(cls)
        clusterer.embedder = embedder
        clusterer._core = core
        return clusterer


def cluster_items(items: Sequence[ClusterItem], embedder: Embedder | None = None) -> list[Assignment]:
    """Convenience: a fresh clusterer, all items added (in publication order)."""
    return StoryClusterer(embedder).add(items)
