"""The coreference metrics on small textbook cases."""

from __future__ import annotations

import pytest

from storylens.eval.entities import b_cubed, ceaf_e, conll_f1, muc


def test_perfect_clustering_scores_one() -> None:
    gold = {"a": "1", "b": "1", "c": "2"}
    assert conll_f1(gold, dict(gold))["conll_f1"] == pytest.approx(1.0)


def test_muc_counts_links() -> None:
    gold = {"a": "1", "b": "1", "c": "1", "d": "2"}
    pred = {"a": "x", "b": "x", "c": "y", "d": "y"}
    p, r, _ = muc(gold, pred)
    # gold links: 2 (abc) + 0; kept in response partition {ab},{c}: 1 -> recall 1/2
    # response links: 1 (ab) + 1 (cd); kept in gold partition: ab only -> precision 1/2
    assert (p, r) == (pytest.approx(0.5), pytest.approx(0.5))


def test_b_cubed_all_in_one_cluster() -> None:
    gold = {"a": "1", "b": "1", "c": "2", "d": "2"}
    pred = {m: "x" for m in gold}
    p, r, _ = b_cubed(gold, pred)
    assert (p, r) == (pytest.approx(0.5), pytest.approx(1.0))


def test_ceaf_e_singletons_against_one_cluster() -> None:
    gold = {"a": "1", "b": "1"}
    pred = {"a": "x", "b": "y"}
    p, r, _ = ceaf_e(gold, pred)
    # best alignment: {a,b} with {a} -> phi4 = 2*1/3; precision over 2 response clusters, recall over 1
    assert p == pytest.approx(1 / 3) and r == pytest.approx(2 / 3)
