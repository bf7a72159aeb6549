"""The periodic merge/split/reassign pass over the stories of an ``OnlineClusterer``.

Reads the current stories and stored article features; merges pairs of active stories whose
story-to-story probability reaches ``merge_threshold`` (the older story's id wins), cuts a story
in two when its members form two groups that are one story with a probability under a calibrated
bar (two events of one topic fused as they arrived: groups by 2-means under ``bisect_threshold``,
or before and after the widest gap in their dates under ``gap_bisect_threshold``), detaches
members whose probability of belonging to the rest of their story falls under ``split_threshold``
(they then join their best other story or start their own), then
moves each article of an active story to another story when the model now prefers that story to
its own (scored without the article) and the other story reaches ``reassign_threshold``. That
step repairs the order effects of a one-pass clusterer: an article that arrived before its
closest reports, and so joined a looser story or started its own, is moved once they exist. Its
bar is lower than the join threshold because it compares: when an article arrives, the model
must decide whether its best story is good enough; here it only chooses between its own story
and a better one, once its neighbours have arrived (calibrated like the other thresholds). Then
an article still alone joins its most likely story when it is nearer to that story than the story
is to any other story (by a calibrated factor, above a calibrated floor): closeness judged
against the neighbourhood, as density-based clustering judges it, so that it holds in a sparse
stretch of the stream and in a crowded one.
Writes new ``Assignment`` records for the articles whose story changed and returns them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from storylens.cluster.model import RECENT_MEMBERS, TIME_COLUMNS
from storylens.cluster.online import OnlineClusterer, Query, Row, Scored, StoryState, make_query, story_id_for
from storylens.models import Assignment

__all__ = ["recluster"]


@dataclass
class _Memo:
    """What the steps of one ``recluster`` call have scored, keyed by the versions of the stories
    each score read (``StoryState.version`` counts changes of membership).

    No article arrives within one call, so the term and entity statistics stand still and a score
    depends only on the stories (and the article) it reads: stories at the versions they had score
    as they did. A later pass, or a later round of reassignment, then scores again only what the
    changes before it touched, with the outcome of scoring everything again. ``reuse=False``
    scores everything again, as a check of exactly that.
    """

    reuse: bool = True
    # story-to-story: (a, its version, b, its version) -> p
    pairs: dict[tuple[int, int, int, int], float] = field(default_factory=dict)
    # article-to-story, as ``OnlineClusterer.best_story`` reads and fills it
    articles: Scored = field(default_factory=dict)
    # a member's probability of belonging to its story: (row, story, version) -> p
    belongs: dict[tuple[int, int, int], float] = field(default_factory=dict)
    # story -> the version that the cut-in-two step left whole
    whole: dict[int, int] = field(default_factory=dict)

    def left_whole(self, story: StoryState) -> bool:
        """Whether the cut-in-two step already left ``story`` whole at its current version."""
        return self.reuse and self.whole.get(story.num) == story.version

    @property
    def scored(self) -> Scored | None:
        """The article-to-story scores for ``OnlineClusterer.best_story`` (``None``: no reuse)."""
        return self.articles if self.reuse else None

    def pair(self, c: OnlineClusterer, a: StoryState, b: StoryState, query: Query | None = None) -> float:
        """``_pair_probability(c, a, b, query)``, reused while both stories keep their versions."""
        key = (a.num, a.version, b.num, b.version)
        p = self.pairs.get(key) if self.reuse else None
        if p is None:
            p = self.pairs[key] = _pair_probability(c, a, b, query)
        return p

    def p_belongs(self, c: OnlineClusterer, row_num: int, story: StoryState) -> float:
        """``_p_belongs`` of a member, reused while its story keeps its version."""
        key = (row_num, story.num, story.version)
        p = self.belongs.get(key) if self.reuse else None
        if p is None:
            p = self.belongs[key] = _p_belongs(c, c.rows[row_num], story)
        return p


def _story_query(c: OnlineClusterer, story: StoryState) -> Query:
    """The whole of ``story`` as a query (undated: callers score the gap between date spans)."""
    import numpy as np

    weighted = c.idf_terms(story.terms.items())
    if c.average:  # the members' mean vectors: their products are mean pairwise similarities
        size = float(max(len(story.members), 1))
        title, body, norm = story.title_sum / size, story.body_sum / size, size
    else:
        title = story.title_sum / (float(np.linalg.norm(story.title_sum)) or 1.0)
        body = story.body_sum / (float(np.linalg.norm(story.body_sum)) or 1.0)
        norm = math.sqrt(sum(w * w for w, _ in weighted.values()))
    entities, mass = c.idf_entities(story.entities)
    return make_query(title, body, weighted, norm, entities, mass, None)


def _interval_gap(a: StoryState, b: StoryState) -> float | None:
    if a.first is None or a.last is None or b.first is None or b.last is None:
        return None
    return max(0.0, a.first - b.last, b.first - a.last)


def _pair_probability(c: OnlineClusterer, a: StoryState, b: StoryState, query: Query | None = None) -> float:
    """Probability that stories ``a`` and ``b`` are one story (story-to-story, dates as spans);
    ``query`` is ``_story_query(c, a)`` when already at hand."""
    values, _ = c.signals(query or _story_query(c, a), b)
    scored = list(values)
    for column, value in zip(TIME_COLUMNS, c.time_signals(_interval_gap(a, b)), strict=True):
        scored[column] = value  # the gap between the two stories' date spans
    return c.model.probability(tuple(scored))


def _neighbour_stories(
    c: OnlineClusterer, story: StoryState, memo: _Memo, above: int = -1
) -> list[tuple[int, float]]:
    """(story num, probability that both are one story) for the active stories near ``story``
    (only those numbered above ``above``)."""
    query = _story_query(c, story)
    probes = sorted((k for k, _ in query.entities), key=lambda k: c.entity_df.get(k, 0))
    out = []
    for other_num in c.index.query(
        query.title_vec, c.config.neighbours, tuple(probes[: c.config.entity_probes])
    ):
        if other_num <= above or other_num == story.num:
            continue
        out.append((other_num, memo.pair(c, story, c.stories[other_num], query)))
    return out


def _merge_pass(c: OnlineClusterer, memo: _Memo) -> dict[int, tuple[int, float]]:
    """Story num -> (surviving story num, probability) for every story merged away."""
    candidates: list[tuple[float, int, int]] = []
    for num in sorted(c.index.active()):
        for other_num, p in _neighbour_stories(c, c.stories[num], memo, above=num):
            if p >= c.model.merge_threshold:
                candidates.append((p, num, other_num))
    parent: dict[int, int] = {}

    def root(n: int) -> int:
        while n in parent:
            n = parent[n]
        return n

    merged: dict[int, tuple[int, float]] = {}
    for p, a, b in sorted(candidates, reverse=True):
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        keep, drop = min(ra, rb), max(ra, rb)  # the older story (created first) keeps its id
        parent[drop] = keep
        merged[drop] = (keep, p)
    return {drop: (root(keep), p) for drop, (keep, p) in merged.items()}


def _detach(c: OnlineClusterer, row_num: int, story: StoryState) -> None:
    import numpy as np

    row = c.rows[row_num]
    story.members.remove(row_num)
    story.version += 1
    story.title_sum -= row.title_vec
    story.body_sum -= row.body_vec
    for key, value in zip(row.term_keys.tolist(), row.term_vals.tolist(), strict=True):
        if key in story.terms:
            story.terms[key] -= value
            if story.terms[key] <= 1e-6:
                del story.terms[key]
    for key in row.entities:
        if key in story.entities:
            story.entities[key] -= 1
            if story.entities[key] <= 0:
                del story.entities[key]
    days = [c.rows[m].day for m in story.members if c.rows[m].day is not None]
    story.first = min(days) if days else None  # type: ignore[type-var]
    story.last = max(days) if days else None  # type: ignore[type-var]
    story.recent = np.stack([c.rows[m].title_vec for m in story.members[-RECENT_MEMBERS:]]).astype(np.float32)
    story.term_norm = -1.0
    story.vec_norms = (-1.0, -1.0)
    if story.num in c.index:
        c.index.upsert(story.num, story.title_sum)


def _drop_story(c: OnlineClusterer, story: StoryState) -> None:
    """Forget a story whose members have all gone elsewhere."""
    c.index.remove(story.num)
    del c.stories[story.num]
    c.story_num.pop(story.id, None)


def _p_belongs(c: OnlineClusterer, row: Row, story: StoryState) -> float:
    """Probability that ``row`` belongs to the rest of ``story`` (the story scored without it)."""
    values, _ = c.signals(c.query(row), story, exclude=row)
    return c.model.probability(values)


def _reassign_pass(c: OnlineClusterer, changed: dict[int, Assignment], memo: _Memo) -> bool:
    """Move articles to the story the model now prefers; whether any moved. Only scores that a
    change since the last look has touched are computed again (``memo``)."""
    moved = False
    for num in sorted(c.index.active()):
        story = c.stories.get(num)
        if story is None:
            continue
        originals = {c.rows[m].duplicate_of for m in story.members if c.rows[m].duplicate_of}
        for row_num in list(story.members):
            row = c.rows[row_num]
            if row.duplicate_of is not None or row.id in originals:
                continue  # wire copies stay with their original, and originals with their copies
            alone = len(story.members) == 1
            bar = c.model.reassign_threshold
            best, best_p, (values, gap) = c.best_story(row, num, scored=memo.scored)
            if best is None or best_p < bar:
                continue
            # a story of its own: any other story reaching the bar is preferred
            own = bar if alone else memo.p_belongs(c, row_num, story)
            if best_p <= own:
                continue
            if alone:
                _drop_story(c, story)
            else:
                _detach(c, row_num, story)
            assignment = c.explain_join(row, best, best_p, values, gap)
            c.attach(row_num, best)
            was = "its own story" if alone else f"p={own:.2f} there"
            reason = f"moved from {story.id} ({was}); {assignment.reason}"
            changed[row_num] = Assignment(row.id, best.id, assignment.score, reason, assignment.signals)
            moved = True
            if alone:
                break
    return moved


def _absorb_pass(c: OnlineClusterer, changed: dict[int, Assignment], memo: _Memo) -> int:
    """Join each lone article to its most likely story when it is closer to that story than the
    story is to any other; the number of articles moved.

    A bar on probability alone cannot tell a sparse stretch of the stream from a crowded one: an
    opinion piece that shares little wording with the reports of its story stays alone under any
    bar low enough to be safe where many stories of one topic run at once. Comparing with the
    story's nearest other story asks what density-based clustering (HDBSCAN's cluster selection)
    asks: does the article sit closer to this story than the story's own neighbourhood does? Its
    probability must reach ``absorb_ratio`` times the story's probability with its nearest other
    story, and the floor ``absorb_threshold`` keeps articles with no real neighbour alone (both
    calibrated). A story takes at most one lone article per pass, the most likely one.
    """
    # story num -> (p, lone story num, its signals and day gap) of the most likely lone article
    proposals: dict[int, tuple[float, int, tuple[tuple[float, ...], float | None]]] = {}
    for num in sorted(c.index.active()):
        story = c.stories.get(num)
        if story is None or len(story.members) != 1:
            continue
        row_num = story.members[0]
        row = c.rows[row_num]
        if row.duplicate_of is not None:
            continue
        best, p, info = c.best_story(row, num, scored=memo.scored)
        if best is None or p < c.model.absorb_threshold or p <= proposals.get(best.num, (0.0,))[0]:
            continue
        proposals[best.num] = (p, num, info)
    moves = 0
    for target_num, (p, num, (values, gap)) in sorted(proposals.items()):
        story, target = c.stories.get(num), c.stories.get(target_num)
        if story is None or target is None or len(story.members) != 1:
            continue  # the lone article or its target has already moved in this pass
        rival = max((q for other, q in _neighbour_stories(c, target, memo) if other != num), default=0.0)
        if p < c.model.absorb_ratio * rival:
            continue
        row_num = story.members[0]
        row = c.rows[row_num]
        assignment = c.explain_join(row, target, p, values, gap)  # only for the articles that move
        _drop_story(c, story)
        c.attach(row_num, target)
        reason = (
            f"moved from {story.id} (its own story): nearer to {target.id} than that story is to any "
            f"other (p={rival:.2f}); {assignment.reason}"
        )
        changed[row_num] = Assignment(row.id, target.id, assignment.score, reason, assignment.signals)
        moves += 1
    return moves


def _fresh_story_id(c: OnlineClusterer, row_nums: list[int]) -> str:
    """The id of a story split off with ``row_nums``: derived from its first article, like any story,
    unless a story of that id still exists (its seed article has moved on since)."""
    for row_num in row_nums:
        story_id = story_id_for(c.rows[row_num].id)
        if story_id not in c.story_num:
            return story_id
    n = 1
    while story_id_for(f"{c.rows[row_nums[0]].id}#{n}") in c.story_num:
        n += 1
    return story_id_for(f"{c.rows[row_nums[0]].id}#{n}")


def _scratch_story(c: OnlineClusterer, row_nums: list[int]) -> StoryState:
    """The aggregate of ``row_nums`` as a story, for scoring only (not indexed or registered)."""
    import numpy as np

    rows = [c.rows[m] for m in row_nums]
    story = StoryState(
        num=-1,
        id="",
        members=list(row_nums),
        title_sum=np.stack([r.title_vec for r in rows]).sum(axis=0, dtype=np.float32),
        body_sum=np.stack([r.body_vec for r in rows]).sum(axis=0, dtype=np.float32),
        recent=np.stack([r.title_vec for r in rows[-RECENT_MEMBERS:]]).astype(np.float32),
    )
    for row in rows:
        for key, value in zip(row.term_keys.tolist(), row.term_vals.tolist(), strict=True):
            story.terms[key] = story.terms.get(key, 0.0) + value
        for key in row.entities:
            story.entities[key] = story.entities.get(key, 0) + 1
    if len(story.terms) > 2 * c.config.max_story_terms:
        story.terms = dict(sorted(story.terms.items(), key=lambda kv: -kv[1])[: c.config.max_story_terms])
    days = [r.day for r in rows if r.day is not None]
    story.first, story.last = (min(days), max(days)) if days else (None, None)
    return story


def _halves(c: OnlineClusterer, story: StoryState) -> tuple[list[int], list[int]] | None:
    """The story's members in two groups by 2-means over their title/lead and body vectors (the
    group of its first article first), or ``None`` when a group would hold fewer than two.

    Starts from the two least similar members, so that the result does not depend on chance. Wire
    copies go with their original.
    """
    import numpy as np

    members = story.members
    vectors = np.stack([np.concatenate((c.rows[m].title_vec, c.rows[m].body_vec)) for m in members])
    vectors = vectors.astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    first, second = np.unravel_index(int(np.argmin(vectors @ vectors.T)), (len(members), len(members)))
    centres = vectors[[first, second]]
    for _ in range(20):
        labels = np.argmax(vectors @ centres.T, axis=1)
        if labels.min() == labels.max():
            return None
        moved = np.stack([vectors[labels == k].mean(axis=0) for k in (0, 1)])
        if np.allclose(moved, centres):
            break
        centres = moved
    return _two_groups(c, members, {m: int(labels[i]) for i, m in enumerate(members)})


def _gap_halves(c: OnlineClusterer, story: StoryState) -> tuple[list[int], list[int]] | None:
    """The story's members before and after the widest gap between their publication days (the
    group of its first article first), or ``None`` when a member is undated or a group would hold
    fewer than two. Wire copies go with their original."""
    dated = [(c.rows[m].day, m) for m in story.members]
    days = sorted((day, m) for day, m in dated if day is not None)
    if len(days) < len(dated) or len(days) < 4:
        return None
    widest, cut = max((days[i][0] - days[i - 1][0], i) for i in range(2, len(days) - 1))
    if widest <= 0.0:
        return None
    return _two_groups(c, story.members, {m: int(i >= cut) for i, (_, m) in enumerate(days)})


def _two_groups(
    c: OnlineClusterer, members: list[int], group: dict[int, int]
) -> tuple[list[int], list[int]] | None:
    """``members`` split by ``group`` (member -> 0 or 1), each wire copy moved to its original's
    group: the group of the first member, then the other; ``None`` when either has fewer than two."""
    for m in members:
        original = c.row_of.get(c.rows[m].duplicate_of or "")
        if original in group:
            group[m] = group[original]
    keep = [m for m in members if group[m] == group[members[0]]]
    move = [m for m in members if group[m] != group[members[0]]]
    if len(keep) < 2 or len(move) < 2:
        return None
    return keep, move


def _bisect_pass(c: OnlineClusterer, changed: dict[int, Assignment], memo: _Memo) -> int:
    """Cut each story whose members form two groups that are unlikely to be one story; the number
    of stories cut.

    An online clusterer can fuse two events of one topic (two rulings of one court, two quakes in
    one region) when an early report of the second event lands in the first story and the rest
    follow it. Detaching single members cannot undo that. Here a story's members are split in two
    and the two groups are scored story-to-story, as the merge pass scores two stories; the group
    without the story's first article becomes a story of its own when they are one story with a
    probability under the bar of that split. Two splits are tried: by 2-means over the members'
    vectors (bar ``bisect_threshold``), and, in a dated stream, at the widest gap between the
    members' publication days (bar ``gap_bisect_threshold``), which finds two events of one topic a
    few days apart whose reports read too alike for 2-means to part them. When both fall under
    their bars, the less likely one is cut. The bars are calibrated, and held to at most the merge
    threshold, so that the merge pass does not join what this pass cut.
    """
    bars = [
        (split, min(bar, c.model.merge_threshold))
        for split, bar in ((_halves, c.model.bisect_threshold), (_gap_halves, c.model.gap_bisect_threshold))
        if bar > 0.0
    ]
    if not bars:
        return 0
    cuts = 0
    for num in sorted(c.index.active()):
        story = c.stories.get(num)
        if story is None or len(story.members) < c.config.bisect_min_members:
            continue
        if memo.left_whole(story):
            continue
        best: tuple[float, list[int], list[int]] | None = None
        for split, bar in bars:
            halves = split(c, story)
            if halves is None:
                continue
            keep, move = halves
            p = _pair_probability(c, _scratch_story(c, keep), _scratch_story(c, move))
            if p < bar and (best is None or p < best[0]):
                best = (p, keep, move)
        if best is None:
            memo.whole[num] = story.version
            continue
        p, keep, move = best
        for row_num in move:
            _detach(c, row_num, story)
        new = c.new_story(move[0], _fresh_story_id(c, move))
        for row_num in move[1:]:
            c.attach(row_num, new)
        gap = _interval_gap(story, new)
        apart = f" {gap:.1f} days apart" if gap else ""
        for row_num in move:
            old = changed.get(row_num) or c.assigned[c.rows[row_num].id]
            reason = (
                f"split from {story.id} with {len(move) - 1} other article(s): its articles form two "
                f"groups{apart} that are one story with p={p:.2f} only; was: {old.reason}"
            )
            signals = {**old.signals, "bisect_probability": round(p, 4)}
            changed[row_num] = Assignment(old.article_id, new.id, round(1.0 - p, 4), reason, signals)
        cuts += 1
    return cuts


def recluster(c: OnlineClusterer, reuse: bool = True) -> list[Assignment]:
    """Merge, cut in two, split and reassign the active stories, then join lone articles to the
    story they are nearest; the assignments that changed story, in article order.

    The pass runs again while it changes something, at most ``recluster_passes`` times (calibrated):
    a merge or a cut can leave articles that now fit another story better, which only a further
    pass moves. A further pass scores again only what the passes before it changed (``_Memo``;
    ``reuse=False`` scores everything again, with the same outcome).
    """
    first: dict[str, str] = {}  # article id -> its story before the first pass
    memo = _Memo(reuse)
    for _ in range(max(c.model.recluster_passes, 1)):
        moved = _recluster_pass(c, memo)
        for previous, assignment in moved:
            first.setdefault(assignment.article_id, previous)
        if not moved:
            break
    out = [
        c.assigned[article_id]
        for article_id, story in first.items()
        if c.assigned[article_id].story_id != story
    ]
    return sorted(out, key=lambda a: c.row_of[a.article_id])


def _recluster_pass(c: OnlineClusterer, memo: _Memo) -> list[tuple[str, Assignment]]:
    """One recluster pass; (previous story id, assignment) of the articles that changed story, in
    article order."""
    changed: dict[int, Assignment] = {}
    for drop, (keep, p) in sorted(_merge_pass(c, memo).items()):
        source, target = c.stories[drop], c.stories[keep]
        for row_num in list(source.members):
            c.attach(row_num, target, index=False)
            old = c.assigned[c.rows[row_num].id]
            reason = (
                f"story {source.id} merged into {target.id} (story similarity p={p:.2f}); was: {old.reason}"
            )
            signals = {**old.signals, "merge_probability": round(p, 4)}
            changed[row_num] = Assignment(old.article_id, target.id, old.score, reason, signals)
        _drop_story(c, source)
        c.index.upsert(target.num, target.title_sum, tuple(target.entities))
    _bisect_pass(c, changed, memo)
    detached: list[tuple[int, int, float]] = []
    for num in sorted(c.index.active()):
        story = c.stories[num]
        if len(story.members) < 3:
            continue
        for row_num in story.members[1:]:
            row = c.rows[row_num]
            if row.duplicate_of is not None:
                continue
            p = memo.p_belongs(c, row_num, story)
            if p < c.model.split_threshold:
                detached.append((row_num, num, p))
    for row_num, num, p in detached:
        story = c.stories[num]
        if row_num not in story.members or len(story.members) < 2:
            continue
        _detach(c, row_num, story)
        row = c.rows[row_num]
        best, best_p, (values, gap) = c.best_story(row, num, scored=memo.scored)
        if best is not None and best_p >= c.model.threshold:
            assignment = c.explain_join(row, best, best_p, values, gap)
            c.attach(row_num, best)
        else:
            new = c.new_story(row_num, _fresh_story_id(c, [row_num]))
            signals = {"probability": round(1.0 - p, 4), "split_from": float(len(story.members))}
            assignment = Assignment(row.id, new.id, signals["probability"], "", signals)
        reason = f"split from {story.id} (p={p:.2f} of belonging); {assignment.reason}".rstrip("; ")
        changed[row_num] = Assignment(
            row.id, assignment.story_id, assignment.score, reason, assignment.signals
        )
    for _ in range(c.config.reassign_rounds):
        if not _reassign_pass(c, changed, memo):
            break
    _absorb_pass(c, changed, memo)
    out = []
    for row_num in sorted(changed):
        assignment = changed[row_num]
        previous = c.assigned[assignment.article_id]
        c.assigned[assignment.article_id] = assignment
        if previous.story_id != assignment.story_id:
            out.append((previous.story_id, assignment))
    return out
