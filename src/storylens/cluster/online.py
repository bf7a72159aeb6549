"""The online story clusterer.

Reads ``ArticleFeatures`` in publication order; for each article retrieves candidate stories
(ANN over active story centroids + entity postings), scores each with the learned model over
several signals (title/lead and body embeddings, TF-IDF keywords (words and numbers) with
incremental IDF, rarity-weighted shared entities, time proximity) and either joins the most
likely story or starts a new one. Writes one ``Assignment`` per article, with its signals and a
readable reason.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from storylens.cluster.explain import join_reason, new_story_reason, wire_reason
from storylens.cluster.features import ArticleFeatures
from storylens.cluster.index import CandidateIndex
from storylens.cluster.model import RECENT_MEMBERS, ClusterConfig, ScoringModel, load_model
from storylens.models import Assignment

if TYPE_CHECKING:
    import numpy as np

__all__ = ["OnlineClusterer", "Query", "Scored", "make_query", "story_id_for"]


def story_id_for(seed_article_id: str) -> str:
    """Stable story id derived from the story's first (seed) article id."""
    return "s-" + hashlib.sha1(seed_article_id.encode("utf-8")).hexdigest()[:10]


@dataclass(slots=True)
class Row:
    """One stored article: vectors, compact keyword arrays and entity keys."""

    id: str
    title_vec: np.ndarray  # float16
    body_vec: np.ndarray  # float16
    term_keys: np.ndarray  # uint32
    term_vals: np.ndarray  # float32
    entities: tuple[int, ...]
    day: float | None
    duplicate_of: str | None

    def terms(self) -> dict[int, float]:
        return dict(zip(self.term_keys.tolist(), self.term_vals.tolist(), strict=True))


class Query(NamedTuple):
    """An article, or a whole story, as ``OnlineClusterer.signals`` scores it against a story.

    The IDF of every term and entity is looked up once here, not once per candidate story. Build
    it with ``make_query``, which also fills in what ``signals`` intersects with a story's keys.
    """

    title_vec: np.ndarray  # float32
    body_vec: np.ndarray  # float32
    terms: dict[int, tuple[float, float]]  # term -> (TF-IDF weight, IDF)
    term_norm: float
    entities: tuple[tuple[int, float], ...]  # (entity, IDF)
    entity_mass: float
    day: float | None
    term_rank: dict[int, int]  # term -> its position in ``terms``
    entity_keys: frozenset[int]  # the entities of ``entities``


def make_query(
    title_vec: np.ndarray,
    body_vec: np.ndarray,
    terms: dict[int, tuple[float, float]],
    term_norm: float,
    entities: tuple[tuple[int, float], ...],
    entity_mass: float,
    day: float | None,
) -> Query:
    """A ``Query`` with the positions of its terms and the set of its entities filled in."""
    term_rank = {key: i for i, key in enumerate(terms)}
    entity_keys = frozenset(key for key, _ in entities)
    return Query(title_vec, body_vec, terms, term_norm, entities, entity_mass, day, term_rank, entity_keys)


def _in_order(shared: set[int], rank: dict[int, int]) -> Iterable[int]:
    """The keys of ``shared`` in the order of ``rank`` (the query's own order).

    ``signals`` sums only the terms a query shares with a story, found by a set intersection, in
    the query's order: the sum is then the one a walk over all the query's terms gives, since the
    others add exact zeros.
    """
    return sorted(shared, key=rank.__getitem__) if len(shared) > 1 else shared


# (row, story num, story version) -> (probability, signals, day gap) of the row against the story
Scored = dict[tuple[int, int, int], tuple[float, tuple[float, ...], float | None]]


@dataclass(slots=True)
class StoryState:
    """Running aggregate of one story."""

    num: int
    id: str
    members: list[int]
    title_sum: np.ndarray
    body_sum: np.ndarray
    recent: np.ndarray  # title vectors of the latest RECENT_MEMBERS members
    terms: dict[int, float] = field(default_factory=dict)
    entities: dict[int, int] = field(default_factory=dict)
    first: float | None = None
    last: float | None = None
    clock: float | None = None  # last activity (stream time) for eviction
    term_norm: float = -1.0  # cached TF-IDF norm; < 0 when stale
    vec_norms: tuple[float, float] = (-1.0, -1.0)  # cached norms of title_sum, body_sum; < 0 when stale
    compact: bool = False  # aggregates dropped while the story is out of the indexes (see ``evict``)
    version: int = 0  # counts changes of membership: equal versions, equal scores (see ``recluster``)


class OnlineClusterer:
    """Stateful core behind ``StoryClusterer`` (works on precomputed features)."""

    def __init__(
        self,
        dim: int,
        config: ClusterConfig | None = None,
        embedder: str = "static",
        body_dim: int | None = None,
    ) -> None:
        self.config = config or ClusterConfig()
        self.model: ScoringModel = load_model(self.config, embedder)
        self.dim = dim  # title + lead vectors (and the candidate index)
        self.body_dim = dim if body_dim is None else body_dim  # whole-text vectors
        self.rows: list[Row] = []
        self.row_of: dict[str, int] = {}
        self.story_of: list[int] = []  # row -> story num
        self.stories: dict[int, StoryState] = {}
        self.story_num: dict[str, int] = {}  # story id -> num
        self.assigned: dict[str, Assignment] = {}
        self.term_df: dict[int, int] = {}
        self.entity_df: dict[int, int] = {}
        self.n_docs = 0
        self.clock: float | None = None
        self.index = CandidateIndex(dim)
        self.average = self.config.linkage == "average"
        self.vocabulary: dict[int, str] = {}
        self.names: dict[int, str] = {}
        self._next_num = 0
        self._by_last: dict[int, set[int]] = {}  # day of a story's latest article -> story nums
        self._revived: set[int] = set()  # days whose stories ``revive`` has put back at this clock
        self._since_evict = 0
        self._evict_clock = float("-inf")
        self._idf: dict[int, float] = {}  # term -> IDF at ``_idf_docs`` articles counted
        self._idf_docs = 0

    # --- statistics -------------------------------------------------------------------------
    def idf(self, key: int) -> float:
        if self._idf_docs != self.n_docs:  # an article was counted: every IDF moved
            self._idf.clear()
            self._idf_docs = self.n_docs
        value = self._idf.get(key)
        if value is None:
            value = self._idf[key] = math.log((self.n_docs + 1) / (self.term_df.get(key, 0) + 1)) + 1.0
        return value

    def entity_idf(self, key: int) -> float:
        return math.log((self.n_docs + 1) / (self.entity_df.get(key, 0) + 1)) + 1.0

    def _count(self, feats: ArticleFeatures) -> None:
        self.n_docs += 1
        for key in feats.terms:
            self.term_df[key] = self.term_df.get(key, 0) + 1
        for key in feats.entities:
            self.entity_df[key] = self.entity_df.get(key, 0) + 1

    def tfidf_norm(self, terms: Iterable[tuple[int, float]]) -> float:
        """Length of the TF-IDF vector of (term, frequency weight) pairs, under today's IDF."""
        return math.sqrt(sum((v * self.idf(k)) ** 2 for k, v in terms))

    def story_term_norm(self, story: StoryState) -> float:
        if story.term_norm < 0:
            story.term_norm = self.tfidf_norm(story.terms.items()) or 1.0
        return story.term_norm

    # --- signals ------------------------------------------------------------------------------
    def signals(
        self, query: Query, story: StoryState, exclude: Row | None = None
    ) -> tuple[tuple[float, ...], float | None]:
        """Signal vector (in ``FEATURES`` order) of an article against a story, and the day gap;
        ``exclude``: a member of the story, scored as if it were not."""
        import numpy as np

        title_sum, body_sum, recent = story.title_sum, story.body_sum, story.recent
        terms, story_entities, story_norm = story.terms, story.entities, -1.0
        size = len(story.members)
        if exclude is not None:
            size -= 1
            title_sum, body_sum = title_sum - exclude.title_vec, body_sum - exclude.body_vec
            others = [self.rows[m].title_vec for m in story.members if self.rows[m] is not exclude]
            recent = np.stack(others[-RECENT_MEMBERS:]).astype(np.float32) if others else recent[:0]
            terms = dict(terms)
            for key, value in zip(exclude.term_keys.tolist(), exclude.term_vals.tolist(), strict=True):
                if key in terms:
                    terms[key] -= value
            story_entities = dict(story_entities)
            for key in exclude.entities:
                if key in story_entities:
                    story_entities[key] -= 1
            if not self.average:
                story_norm = self.tfidf_norm((k, v) for k, v in terms.items() if v > 0) or 1.0
        size = max(size, 1)
        if self.average:
            # Average linkage: the mean similarity to the members. Member vectors are unit length, so
            # the dot product with their sum divided by their number is exactly that mean; a diverse
            # story scores lower than a tight one, which stops one broad story from absorbing a topic.
            tn = bn = story_norm = float(size)
        elif exclude is None:
            if story.vec_norms[0] < 0:
                story.vec_norms = (
                    float(np.linalg.norm(title_sum)) or 1.0,
                    float(np.linalg.norm(body_sum)) or 1.0,
                )
            tn, bn = story.vec_norms
        else:
            tn, bn = float(np.linalg.norm(title_sum)) or 1.0, float(np.linalg.norm(body_sum)) or 1.0
        title = float(query.title_vec.dot(title_sum)) / tn
        title_max = max(recent.dot(query.title_vec).tolist()) if len(recent) else title  # list: less overhead
        body = float(query.body_vec.dot(body_sum)) / bn
        if story_norm < 0:
            story_norm = self.story_term_norm(story)
        dot = 0.0
        query_terms = query.terms
        for key in _in_order(query_terms.keys() & terms.keys(), query.term_rank):
            other = terms[key]
            if other:
                value, idf = query_terms[key]
                dot += value * other * idf
        keywords = dot / (query.term_norm * story_norm) if query.term_norm > 0 else 0.0
        shared = 0.0  # what the walk below gives when nothing is shared (every term is 0)
        common = story_entities.keys() & query.entity_keys
        if common:  # the entities not shared add exact zeros: skipping them keeps the sum's order
            if self.average:
                shared = sum(
                    w * min(story_entities[k], size) / size for k, w in query.entities if k in common
                )
            else:
                shared = sum(w for k, w in query.entities if k in common and story_entities[k] > 0)
        ent = shared / query.entity_mass if query.entity_mass > 0 else 0.0
        gap = self.gap(query.day, story)
        time, dated = self.time_signals(gap)
        values = (title, title_max, body, keywords, ent, time, title * ent, dated)
        return values, gap

    def time_signals(self, gap: float | None) -> tuple[float, float]:
        """``time``: 0 when the dates overlap, towards -1 as they drift apart; ``dated``: 1 when both
        sides carry dates. Undated pairs score (0, 0), so the weights learned for them stand, and a
        dated pair close in time can score above an undated one."""
        if gap is None:
            return 0.0, 0.0
        return math.exp(-gap / self.config.time_scale_days) - 1.0, 1.0

    @staticmethod
    def gap(day: float | None, story: StoryState) -> float | None:
        if day is None or story.first is None or story.last is None:
            return None
        if story.first <= day <= story.last:
            return 0.0
        return min(abs(day - story.first), abs(day - story.last))

    def query(self, row: Row) -> Query:
        """``row`` as ``signals`` reads it, under the term and entity statistics of the moment."""
        import numpy as np

        terms = self.idf_terms(zip(row.term_keys.tolist(), row.term_vals.tolist(), strict=True))
        norm = math.sqrt(sum(w * w for w, _ in terms.values()))
        entities, mass = self.idf_entities(row.entities)
        vectors = row.title_vec.astype(np.float32), row.body_vec.astype(np.float32)
        return make_query(*vectors, terms, norm, entities, mass, row.day)

    def idf_terms(self, terms: Iterable[tuple[int, float]]) -> dict[int, tuple[float, float]]:
        """term -> (TF-IDF weight, IDF) for (term, frequency weight) pairs."""
        out: dict[int, tuple[float, float]] = {}
        for key, value in terms:
            idf = self.idf(key)
            out[key] = (value * idf, idf)
        return out

    def idf_entities(self, keys: Iterable[int]) -> tuple[tuple[tuple[int, float], ...], float]:
        """(entity, IDF) pairs for ``keys``, and the sum of their IDFs."""
        entities = tuple((k, self.entity_idf(k)) for k in keys)
        return entities, sum(w for _, w in entities)

    # --- stories ------------------------------------------------------------------------------
    def new_story(self, row_num: int, story_id: str | None = None) -> StoryState:
        import numpy as np

        row = self.rows[row_num]
        num = self._next_num
        self._next_num += 1
        story = StoryState(
            num=num,
            id=story_id or story_id_for(row.id),
            members=[],
            title_sum=np.zeros(self.dim, dtype=np.float32),
            body_sum=np.zeros(self.body_dim, dtype=np.float32),
            recent=np.zeros((0, self.dim), dtype=np.float32),
        )
        self.stories[num] = story
        self.story_num[story.id] = num
        self.attach(row_num, story)
        return story

    def compact_story(self, story: StoryState) -> None:
        """Drop the aggregates of a story that left the indexes; its members and dates stay.

        A quiet story is never scored again unless something joins it (a wire copy of one of its
        articles): ``attach`` then rebuilds it from its members. This keeps memory per story small
        on long streams.
        """
        import numpy as np

        empty = np.zeros(0, dtype=np.float32)
        story.title_sum, story.body_sum = empty, empty
        story.recent = np.zeros((0, self.dim), dtype=np.float32)
        story.terms, story.entities = {}, {}
        story.term_norm, story.vec_norms = -1.0, (-1.0, -1.0)
        story.compact = True

    def _restore_story(self, story: StoryState) -> None:
        import numpy as np

        members, clock = story.members, story.clock
        story.members, story.compact = [], False
        story.title_sum = np.zeros(self.dim, dtype=np.float32)
        story.body_sum = np.zeros(self.body_dim, dtype=np.float32)
        for row_num in members:
            self.attach(row_num, story, index=False)
        story.clock = clock

    def attach(self, row_num: int, story: StoryState, index: bool = True) -> None:
        import numpy as np

        if story.compact:
            self._restore_story(story)
        row = self.rows[row_num]
        story.members.append(row_num)
        story.version += 1
        story.title_sum += row.title_vec
        story.body_sum += row.body_vec
        story.recent = np.vstack((story.recent[-(RECENT_MEMBERS - 1) :], row.title_vec[None, :]))
        for key, value in zip(row.term_keys.tolist(), row.term_vals.tolist(), strict=True):
            story.terms[key] = story.terms.get(key, 0.0) + value
        if len(story.terms) > 2 * self.config.max_story_terms:
            keep = sorted(story.terms.items(), key=lambda kv: -kv[1])[: self.config.max_story_terms]
            story.terms = dict(keep)
        new_entities = tuple(k for k in row.entities if k not in story.entities)
        for key in row.entities:
            story.entities[key] = story.entities.get(key, 0) + 1
        if row.day is not None:
            story.first = row.day if story.first is None else min(story.first, row.day)
            if story.last is None or row.day > story.last:
                story.last = row.day
                self._by_last.setdefault(math.floor(row.day), set()).add(story.num)
        story.clock = (
            self.clock if story.clock is None or self.clock is None else max(story.clock, self.clock)
        )
        story.term_norm = -1.0
        story.vec_norms = (-1.0, -1.0)
        self.story_of[row_num] = story.num
        if index:
            self.index.upsert(story.num, story.title_sum, new_entities)

    def evict(self) -> None:
        """Drop stories quiet for longer than the window from the candidate indexes."""
        if self.clock is None:
            return
        horizon = self.clock - self.config.window_days
        for num in [n for n in self.index.active() if (self.stories[n].clock or self.clock) < horizon]:
            self.index.remove(num)
            self.compact_story(self.stories[num])

    def revive(self, day: float) -> None:
        """Put the stories whose latest article lies within the window of ``day`` back into the
        candidate indexes: a late article (older than the window before the newest one seen, as in
        a backfill of older material) can then join the story it belongs to instead of starting a
        second one. Each day is looked at once until the stream moves on."""
        window = self.config.window_days
        for bucket in range(math.floor(day - window), math.floor(day + window) + 1):
            if bucket in self._revived:
                continue
            self._revived.add(bucket)
            for num in self._by_last.get(bucket, ()):
                story = self.stories.get(num)
                if (
                    story is None
                    or num in self.index
                    or story.last is None
                    or math.floor(story.last) != bucket
                ):
                    continue  # merged away, already searchable, or listed under an older day
                if story.compact:
                    self._restore_story(story)
                story.clock = self.clock
                self.index.upsert(num, story.title_sum, tuple(story.entities))

    # --- the online step ------------------------------------------------------------------------
    def store(self, feats: ArticleFeatures) -> int:
        import numpy as np

        keys = np.fromiter(feats.terms.keys(), dtype=np.uint32, count=len(feats.terms))
        vals = np.fromiter(feats.terms.values(), dtype=np.float32, count=len(feats.terms))
        if self.average and len(vals):
            # Unit TF-IDF length under the statistics of the moment the article arrives, so that a
            # story's term sum divided by its size is its members' mean keyword vector.
            norm = self.tfidf_norm(feats.terms.items())
            if norm > 0:
                vals = vals / np.float32(norm)
        row = Row(
            feats.id,
            np.asarray(feats.title_vec, dtype=np.float16),  # half precision: a stored article's
            np.asarray(feats.body_vec, dtype=np.float16),  # vectors are half its memory and state
            keys,
            vals,
            feats.entities,
            feats.day,
            feats.duplicate_of,
        )
        self.rows.append(row)
        self.story_of.append(-1)
        self.row_of[feats.id] = len(self.rows) - 1
        return len(self.rows) - 1

    def candidates(self, row: Row) -> list[int]:
        df = self.entity_df  # counts this article: an entity seen before has df > 1
        probes = sorted((k for k in row.entities if df.get(k, 0) > 1), key=df.__getitem__)
        probes = probes[: self.config.entity_probes]
        return self.index.query(row.title_vec, self.config.neighbours, tuple(probes))

    def best_story(
        self,
        row: Row,
        exclude_story: int | None = None,
        query: Query | None = None,
        scored: Scored | None = None,
    ) -> tuple[StoryState | None, float, tuple[tuple[float, ...], float | None]]:
        """Most likely candidate story for ``row``, its probability and (signals, gap); ``query`` is
        ``self.query(row)`` when already at hand. ``scored`` holds the scores of earlier calls, by
        (row, story, version), reused and added to: valid while no article arrives (see
        ``recluster``)."""
        best: StoryState | None = None
        best_p = -1.0
        best_info: tuple[tuple[float, ...], float | None] = ((), None)
        row_num = self.row_of[row.id] if scored is not None else -1
        for num in self.candidates(row):
            if num == exclude_story:
                continue
            story = self.stories[num]
            hit = None if scored is None else scored.get((row_num, num, story.version))
            if hit is None:
                query = query or self.query(row)
                values, gap = self.signals(query, story)
                # outside the story window: a different event, whatever the topic (p = -1)
                outside = gap is not None and gap > self.config.window_days
                hit = (-1.0 if outside else self.model.probability(values), values, gap)
                if scored is not None:
                    scored[(row_num, num, story.version)] = hit
            p, values, gap = hit
            if p < 0.0:
                continue
            if p > best_p:
                best, best_p, best_info = story, p, (values, gap)
        return best, best_p, best_info

    def add(self, feats: ArticleFeatures) -> Assignment:
        """Assign one article (features already computed); earlier assignments are not touched."""
        if feats.id in self.row_of:
            return self.assigned[feats.id]
        if feats.day is not None and (self.clock is None or feats.day > self.clock):
            self.clock = feats.day
            self._revived.clear()
        self._since_evict += 1
        if self._since_evict >= 64 or (self.clock is not None and self.clock - self._evict_clock >= 1.0):
            self._since_evict = 0
            self._evict_clock = self.clock if self.clock is not None else self._evict_clock
            self.evict()
        if (
            feats.day is not None
            and self.clock is not None
            and feats.day < self.clock - self.config.window_days
        ):
            self.revive(feats.day)
        self._count(feats)
        row_num = self.store(feats)
        row = self.rows[row_num]
        original = self.row_of.get(feats.duplicate_of) if feats.duplicate_of else None
        if original is not None and self.story_of[original] >= 0:
            story = self.stories[self.story_of[original]]
            self.attach(row_num, story)
            assignment = Assignment(
                row.id, story.id, 1.0, wire_reason(feats.duplicate_of or ""), {"wire": 1.0}
            )
        else:
            query = self.query(row)
            best, p, (values, gap) = self.best_story(row, query=query)
            if best is not None and p >= self.model.threshold:
                assignment = self.explain_join(row, best, p, values, gap, query)
                self.attach(row_num, best)
            else:
                story = self.new_story(row_num)
                signals = {
                    "probability": round(1.0 - max(p, 0.0), 4),
                    "best_candidate": round(max(p, 0.0), 4),
                }
                reason = new_story_reason(p if best else None, best.id if best else None)
                assignment = Assignment(row.id, story.id, signals["probability"], reason, signals)
        self.assigned[row.id] = assignment
        return assignment

    def explain_join(
        self,
        row: Row,
        story: StoryState,
        p: float,
        values: Sequence[float],
        gap: float | None,
        query: Query | None = None,
    ) -> Assignment:
        """The join of ``row`` to ``story`` with its signals and reason; ``query`` is
        ``self.query(row)`` when already at hand (for the shared keywords)."""
        from storylens.cluster.model import FEATURES

        signals = {name: round(float(v), 4) for name, v in zip(FEATURES, values, strict=True)}
        signals["probability"] = round(p, 4)
        if gap is not None:
            signals["days_apart"] = round(gap, 2)
        shared = [k for k in row.entities if story.entities.get(k, 0) > 0]
        shared.sort(key=lambda k: -self.entity_idf(k))
        names = [self.names.get(k, "?") for k in shared]
        weighted = (query or self.query(row)).terms
        common = [(v * story.terms[k], k) for k, (v, _) in weighted.items() if k in story.terms]
        common.sort(reverse=True)
        words = [self.vocabulary[k] for _, k in common[:6] if k in self.vocabulary]
        return Assignment(row.id, story.id, round(p, 4), join_reason(signals, names, words, gap), signals)

    def members(self, story_num: int) -> list[str]:
        return [self.rows[r].id for r in self.stories[story_num].members]
