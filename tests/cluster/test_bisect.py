"""The step of ``recluster`` that cuts a story made of two events in two, on hand-built vectors
(one signal: title similarity, as in ``test_reassign``)."""

from __future__ import annotations

import dataclasses

import pytest

from storylens.cluster.model import OFF, ClusterConfig
from storylens.cluster.online import OnlineClusterer, story_id_for
from storylens.cluster.recluster import _fresh_story_id, recluster
from tests.cluster.vectors import ONE_SIGNAL, feats

# the join threshold 0 puts every article into the first story
WEIGHTS = {**ONE_SIGNAL, "threshold": 0.0, "reassign_threshold": 0.5, "bisect_threshold": 0.4}
FIRST = [("a1", (1.0, 0.0, 0.0)), ("a2", (0.98, 0.2, 0.0))]  # one event
SECOND = [("b1", (0.0, 1.0, 0.0)), ("b2", (0.2, 0.98, 0.0))]  # another, seen after the first


def fused(
    articles: list[tuple[str, tuple[float, float, float]]],
    bar: float = 0.4,
    merge: float = OFF,
    **copies: str,
) -> OnlineClusterer:
    weights = {**WEIGHTS, "bisect_threshold": bar, "merge_threshold": merge}
    c = OnlineClusterer(3, ClusterConfig(weights=weights))
    for article_id, vector in articles:
        c.add(feats(article_id, vector, copies.get(article_id)))
    assert len({a.story_id for a in c.assigned.values()}) == 1  # fused into one story
    return c


def test_a_story_of_two_events_is_cut_in_two() -> None:
    c = fused(FIRST + SECOND)
    story = c.assigned["a1"].story_id
    changed = recluster(c)
    assert sorted(a.article_id for a in changed) == ["b1", "b2"]
    assert {a.story_id for a in changed} == {story_id_for("b1")}  # named after its first article
    assert c.assigned["a1"].story_id == c.assigned["a2"].story_id == story  # the first keeps its id
    # the halves' mean title similarity is about 0.2: p = sigmoid(10 * 0.2 - 5) = 0.05
    assert c.assigned["b2"].reason.startswith(f"split from {story} with 1 other article(s): ")
    assert "p=0.05" in c.assigned["b2"].reason
    assert c.assigned["b2"].signals["bisect_probability"] == pytest.approx(0.05, abs=0.01)
    assert recluster(c) == []  # stable: a second pass changes nothing


def test_one_event_stays_whole_and_the_step_can_be_off() -> None:
    one_event = [*FIRST, ("a3", (0.95, 0.3, 0.05)), ("a4", (0.99, 0.0, 0.1))]
    assert recluster(fused(one_event)) == []
    assert recluster(fused(FIRST + SECOND, bar=0.0)) == []  # bar 0: off


def test_the_bar_is_held_to_the_merge_threshold() -> None:
    # the halves are one story with p = 0.05: a merge threshold of 0.04 would join them again
    assert recluster(fused(FIRST + SECOND, merge=0.04)) == []
    c = fused(FIRST + SECOND, merge=0.06)
    assert [a.article_id for a in recluster(c)] == ["b1", "b2"]


def test_small_stories_are_left_to_the_single_member_steps() -> None:
    assert recluster(fused(FIRST + SECOND[:1])) == []  # a group of one is not cut off here


def test_a_wire_copy_stays_with_its_original() -> None:
    # the copy reads like the second event (an edited republication), but it is a copy of a2
    c = fused([*FIRST, *SECOND, ("a2-copy", (0.5, 0.87, 0.0))], **{"a2-copy": "a2"})
    recluster(c)
    assert c.assigned["a2-copy"].story_id == c.assigned["a2"].story_id == c.assigned["a1"].story_id
    assert c.assigned["b1"].story_id == c.assigned["b2"].story_id != c.assigned["a1"].story_id


def test_the_new_story_never_takes_the_id_of_a_story_that_still_exists() -> None:
    c = fused(FIRST + SECOND)
    rows = [c.row_of["b1"], c.row_of["b2"]]
    assert _fresh_story_id(c, rows) == story_id_for("b1")
    c.new_story(c.row_of["a1"], story_id_for("b1"))  # as when b1 seeded a story, then moved on
    assert _fresh_story_id(c, rows) == story_id_for("b2")
    c.new_story(c.row_of["a2"], story_id_for("b2"))
    assert _fresh_story_id(c, rows) not in c.story_num


# Two events of one topic: their reports read alike (title similarity about 0.97), so only their
# dates part them. The time signal scores the gap between the groups' date spans.
TIMED = {**WEIGHTS, "bisect_threshold": 0.0, "coef": [10.0, 0, 0, 0, 0, 8.0, 0, 0]}
ALIKE = [(1.0, 0.0, 0.0), (0.98, 0.2, 0.0), (0.97, 0.0, 0.24), (0.99, 0.1, 0.1)]


def dated(days: list[float], gap_bar: float, bisect_bar: float = 0.0) -> OnlineClusterer:
    weights = {**TIMED, "gap_bisect_threshold": gap_bar, "bisect_threshold": bisect_bar}
    c = OnlineClusterer(3, ClusterConfig(weights=weights))
    for n, (day, vector) in enumerate(zip(days, ALIKE, strict=True)):
        c.add(dataclasses.replace(feats(f"x{n}", vector), day=20000.0 + day))
    assert len({a.story_id for a in c.assigned.values()}) == 1  # fused into one story
    return c


def test_two_events_of_one_topic_a_week_apart_are_cut_at_the_gap() -> None:
    c = dated([0.0, 0.5, 7.0, 7.5], gap_bar=0.3)
    story = c.assigned["x0"].story_id
    changed = recluster(c)
    assert sorted(a.article_id for a in changed) == ["x2", "x3"]
    assert c.assigned["x0"].story_id == c.assigned["x1"].story_id == story
    assert c.assigned["x2"].story_id == c.assigned["x3"].story_id == story_id_for("x2")
    # 6.5 days between the groups' date spans: time = exp(-6.5 / 3) - 1 = -0.885; with the groups'
    # mean title similarity of about 0.97, p = sigmoid(9.7 - 5 - 8 * 0.885) = 0.09
    reason = c.assigned["x3"].reason
    assert reason.startswith(
        f"split from {story} with 1 other article(s): its articles form two groups 6.5 days "
    )
    assert "p=0.09 only" in reason
    assert c.assigned["x3"].signals["bisect_probability"] == pytest.approx(0.09, abs=0.01)
    assert recluster(c) == []  # stable: a second pass changes nothing


def test_a_story_that_runs_day_after_day_is_not_cut_and_the_step_can_be_off() -> None:
    # a day apart at most: p = sigmoid(9.7 - 5 - 8 * 0.28) = 0.92 that the halves are one story
    assert recluster(dated([0.0, 1.0, 2.0, 3.0], gap_bar=0.3)) == []
    assert recluster(dated([0.0, 0.5, 7.0, 7.5], gap_bar=0.0)) == []  # bar 0: off
    # 2-means alone cannot part reports this alike
    assert recluster(dated([0.0, 0.5, 7.0, 7.5], gap_bar=0.0, bisect_bar=0.4)) == []
