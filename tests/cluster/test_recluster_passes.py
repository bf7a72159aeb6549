"""``recluster`` runs its pass again while a pass changes something, up to ``recluster_passes``, and
reports each article whose story differs from the one it had before the first pass."""

from __future__ import annotations

import pytest

import storylens.cluster.recluster as recluster_module
from storylens.cluster.model import ClusterConfig
from storylens.cluster.online import OnlineClusterer
from storylens.models import Assignment
from tests.cluster.vectors import ONE_SIGNAL, feats


def moved(article_id: str, story_id: str) -> Assignment:
    return Assignment(article_id, story_id, 0.9, f"moved to {story_id}", {})


# what three passes in a row change: (story before, new assignment)
PASSES = [
    [("s-a", moved("b", "s-x"))],
    [("s-x", moved("b", "s-a")), ("s-a", moved("a", "s-y"))],  # b moves back; a moves on
    [],
]


@pytest.mark.parametrize(
    ("passes", "runs", "reported"),
    [
        (1, 1, [("b", "s-x")]),
        (2, 2, [("a", "s-y")]),  # b is back in its first story: not a change
        (3, 3, [("a", "s-y")]),
        (5, 3, [("a", "s-y")]),  # a pass that changes nothing ends the run
    ],
)
def test_the_pass_repeats_until_nothing_changes_and_reports_net_changes(
    monkeypatch: pytest.MonkeyPatch, passes: int, runs: int, reported: list[tuple[str, str]]
) -> None:
    c = OnlineClusterer(3, ClusterConfig(weights={**ONE_SIGNAL, "recluster_passes": passes}))
    c.add(feats("a", (1, 0, 0)))
    c.add(feats("b", (0, 1, 0)))
    calls: list[int] = []

    def one_pass(core: OnlineClusterer, memo: object) -> list[tuple[str, Assignment]]:
        calls.append(1)
        for _, assignment in PASSES[len(calls) - 1]:  # as the real pass records its changes
            core.assigned[assignment.article_id] = assignment
        return PASSES[len(calls) - 1]

    monkeypatch.setattr(recluster_module, "_recluster_pass", one_pass)
    changed = recluster_module.recluster(c)
    assert len(calls) == runs
    assert [(a.article_id, a.story_id) for a in changed] == reported  # in article order
    assert all(c.assigned[a.article_id] is a for a in changed)  # the latest assignment of each


def test_one_pass_is_the_default() -> None:
    c = OnlineClusterer(3, ClusterConfig(weights=ONE_SIGNAL))
    assert c.model.recluster_passes == 1
    assert (
        OnlineClusterer(3, ClusterConfig(weights=ONE_SIGNAL, recluster_passes=3)).model.recluster_passes == 3
    )
