"""The online story clusterer on hand-built fictional articles."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from storylens.cluster import ClusterConfig, ClusterItem, StoryClusterer, cluster_items
from storylens.models import Assignment
from tests.cluster.conftest import BUDGET, QUAKE_ONE_A, QUAKE_ONE_B, item


def by_id(assignments: list[Assignment]) -> dict[str, Assignment]:
    return {a.article_id: a for a in assignments}


def test_two_outlets_on_one_event_join(quake_items: list[ClusterItem]) -> None:
    result = by_id(cluster_items(quake_items))
    assert result["q1-courier"].story_id == result["q1-harbour"].story_id
    assert result["q1-courier"].score >= 0.5


def test_two_earthquakes_weeks_apart_are_separate_stories(quake_items: list[ClusterItem]) -> None:
    result = by_id(cluster_items(quake_items))
    assert result["q2-highland"].story_id != result["q1-harbour"].story_id
    assert result["budget-1"].story_id not in {result["q1-harbour"].story_id, result["q2-highland"].story_id}


def test_same_event_retold_weeks_later_is_a_new_story() -> None:
    later = dataclasses.replace(QUAKE_ONE_B, id="q1-anniversary", published="2031-04-20T10:00:00Z")
    result = by_id(cluster_items([QUAKE_ONE_A, later]))
    assert result["q1-anniversary"].story_id != result["q1-harbour"].story_id


def test_missing_dates_are_neutral() -> None:
    undated = [
        dataclasses.replace(QUAKE_ONE_A, published=None),
        dataclasses.replace(QUAKE_ONE_B, published=None),
    ]
    result = by_id(cluster_items(undated))
    assert result["q1-courier"].story_id == result["q1-harbour"].story_id
    assert result["q1-courier"].signals["time"] == 0.0


def test_closeness_in_time_raises_a_pair_and_weeks_apart_lower_it() -> None:
    from storylens.cluster.online import OnlineClusterer

    no_dates = [dataclasses.replace(a, published=None) for a in (QUAKE_ONE_A, QUAKE_ONE_B)]
    undated = cluster_items(no_dates)
    dated = cluster_items([QUAKE_ONE_A, QUAKE_ONE_B])
    p_undated, p_dated = by_id(undated)["q1-courier"].score, by_id(dated)["q1-courier"].score
    assert by_id(undated)["q1-courier"].signals["dated"] == 0.0
    assert by_id(dated)["q1-courier"].signals["dated"] == 1.0
    assert p_dated > p_undated
    core = OnlineClusterer(8, ClusterConfig())
    near, far = core.time_signals(0.5), core.time_signals(21.0)
    model = core.model
    base = (0.5, 0.5, 0.5, 0.05, 0.2)
    undated_p = model.probability((*base, 0.0, 0.1, 0.0))
    near_p = model.probability((*base, near[0], 0.1, near[1]))
    far_p = model.probability((*base, far[0], 0.1, far[1]))
    assert near_p > undated_p > far_p


def test_wire_copy_joins_its_original_whatever_its_text() -> None:
    copy = item("wire-1", "Budget approved", "Short wire text.", "Wire", "2031-03-05T09:00:00Z", "q1-harbour")
    result = by_id(cluster_items([QUAKE_ONE_A, BUDGET, copy]))
    assert result["wire-1"].story_id == result["q1-harbour"].story_id
    assert result["wire-1"].reason == "wire copy of q1-harbour"
    assert result["wire-1"].score == 1.0


def test_wire_copy_listed_before_its_original_still_joins_it() -> None:
    copy = item("wire-2", "Quake copy", "Copy.", "Wire", "2031-03-04T06:10:00Z", "q1-harbour")
    result = by_id(cluster_items([copy, QUAKE_ONE_A]))
    assert result["wire-2"].story_id == result["q1-harbour"].story_id


def test_story_ids_derive_from_the_seed_and_are_stable(quake_items: list[ClusterItem]) -> None:
    first = by_id(cluster_items(quake_items))
    second = by_id(cluster_items(list(reversed(quake_items))))  # same publication order after sorting
    assert {k: v.story_id for k, v in first.items()} == {k: v.story_id for k, v in second.items()}
    seed = "q1-harbour"
    assert first[seed].story_id == "s-" + hashlib.sha1(seed.encode()).hexdigest()[:10]


def test_items_are_assigned_in_publication_order() -> None:
    result = cluster_items([QUAKE_ONE_B, QUAKE_ONE_A])  # the later report listed first
    assert [a.article_id for a in result] == ["q1-harbour", "q1-courier"]
    assert result[0].reason.startswith("first article of the story")


def test_explanations_name_signals_and_shared_entities(quake_items: list[ClusterItem]) -> None:
    result = by_id(cluster_items(quake_items))
    joined = result["q1-courier"]
    assert "title similarity" in joined.reason and "same day" in joined.reason
    assert "Marenport" in joined.reason
    for name in ("title", "body", "keywords", "entities", "time", "probability"):
        assert name in joined.signals
    assert result["q2-highland"].reason.startswith("first article of the story")


def test_earlier_assignments_are_unchanged_by_later_adds(quake_items: list[ClusterItem]) -> None:
    clusterer = StoryClusterer()
    first = by_id(clusterer.add(quake_items[:2]))
    clusterer.add(quake_items[2:])
    now = clusterer.assignments()
    assert all(now[k] == v for k, v in first.items())
    assert clusterer.add([QUAKE_ONE_A])[0] == first["q1-harbour"]  # re-adding is a no-op


def test_state_round_trip_keeps_ids_and_continues_identically(quake_items: list[ClusterItem]) -> None:
    clusterer = StoryClusterer()
    clusterer.add(quake_items[:3])
    restored = StoryClusterer.from_state(clusterer.to_state())
    assert restored.assignments() == clusterer.assignments()
    assert restored.add([BUDGET]) == clusterer.add([BUDGET])
    assert restored.stories() == clusterer.stories()


def test_state_is_not_a_pickle(quake_items: list[ClusterItem]) -> None:
    import io

    import numpy as np

    clusterer = StoryClusterer()
    clusterer.add(quake_items)
    data = clusterer.to_state()
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        assert "meta" in z.files and z["title"].shape == (4, clusterer.embedder.dim)


def test_recluster_merges_split_story_and_keeps_the_older_id() -> None:
    from storylens.cluster import ClusterConfig

    # a join threshold of 1.0 makes every article start a story; recluster must merge the two reports
    clusterer = StoryClusterer(config=ClusterConfig(threshold=1.0, merge_threshold=0.5))
    first = by_id(clusterer.add([QUAKE_ONE_A, QUAKE_ONE_B, BUDGET]))
    assert first["q1-courier"].story_id != first["q1-harbour"].story_id
    changed = clusterer.recluster()
    assert [a.article_id for a in changed] == ["q1-courier"]
    assert changed[0].story_id == first["q1-harbour"].story_id
    assert "merged into" in changed[0].reason
    assert clusterer.assignments()["budget-1"].story_id == first["budget-1"].story_id
    assert clusterer.recluster() == []


def test_unknown_embedder_is_a_clear_error() -> None:
    from storylens.embed import get_embedder

    with pytest.raises(ValueError, match="unknown embedder"):
        get_embedder("nonexistent")


def test_static_embedder_rows_are_normalised_and_torch_free() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from storylens.embed import get_embedder; import numpy as np; "
        "v = get_embedder('static').embed(['a harbour', 'a quake']); "
        "assert v.dtype == np.float32 and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5); "
        "assert 'torch' not in sys.modules; print(v.shape[1])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "256"


def test_a_long_batch_is_reclustered_before_its_early_stories_go_quiet() -> None:
    from storylens.cluster import ClusterConfig

    # joins are off (threshold 1.0), so only the recluster pass can bring the two reports together;
    # the budget article six weeks later takes the quake stories out of the window (14 days)
    later = dataclasses.replace(BUDGET, published="2031-04-20T09:00:00Z")
    config = ClusterConfig(threshold=1.0, merge_threshold=0.5)

    once = StoryClusterer(config=config)
    once.add([QUAKE_ONE_A, QUAKE_ONE_B, later])
    assert once.recluster() == []  # at the end of the batch the quake stories are no longer active

    clusterer = StoryClusterer(config=config)
    assigned, moved = clusterer.add_and_recluster([later, QUAKE_ONE_B, QUAKE_ONE_A])
    assert [a.article_id for a in assigned] == ["q1-harbour", "q1-courier", "budget-1"]  # date order
    assert [a.article_id for a in moved] == ["q1-courier"]
    assert "merged into" in moved[0].reason
    final = clusterer.assignments()
    assert final["q1-courier"].story_id == final["q1-harbour"].story_id != final["budget-1"].story_id


def test_an_article_older_than_the_window_still_joins_its_story() -> None:
    """Backfill: the stream has moved weeks ahead when an older article of a quiet story arrives."""
    later = dataclasses.replace(BUDGET, id="budget-late", published="2031-05-20T09:00:00Z")
    clusterer = StoryClusterer()
    quake, _ = clusterer.add([QUAKE_ONE_A, later])
    (late,) = clusterer.add([QUAKE_ONE_B])
    assert late.story_id == quake.story_id
