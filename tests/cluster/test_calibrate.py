"""The calibration's grid steps on hand-built articles (the full run reads the training sets)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from storylens.cluster.calibrate import (
    LATE_STEPS,
    TIE,
    Confirmation,
    Scorer,
    _best,
    _resume,
    calibrate_bisect,
    main,
)
from storylens.cluster.features import ArticleFeatures
from storylens.eval.clustering import shuffled
from tests.cluster.vectors import ONE_SIGNAL, feats


def _stories(*articles: tuple[str, tuple[float, ...]]) -> tuple[list[ArticleFeatures], list[str]]:
    """Articles from (id, vector) pairs, and their gold stories: each id's first letter."""
    return [feats(i, v) for i, v in articles], [i[0] for i, _ in articles]


def _two_stories() -> tuple[list[ArticleFeatures], list[str]]:
    """Four articles in two clean stories, and their gold stories."""
    return _stories(("a1", (1, 0, 0)), ("a2", (1, 0.1, 0)), ("b1", (0, 1, 0)), ("b2", (0, 1, 0.1)))


def test_a_grid_step_scores_every_setting_reports_each_and_keeps_off_on_a_tie(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # two clean stories: cutting anything can only tie with off, so off is kept
    scorer = Scorer([_two_stories()], (3, 3), seed=1)
    bar, grid = calibrate_bisect(scorer, {**ONE_SIGNAL, "merge_threshold": 0.3})
    assert bar == 0.0
    assert list(grid) == ["0.0", "0.2", "0.3"]  # bars above the merge threshold are not tried
    assert set(grid.values()) == {1.0}
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["cut in two 0.0: 1.0000", "cut in two 0.2: 1.0000", "cut in two 0.3: 1.0000"]


def test_a_setting_gaining_less_than_a_tie_comes_on_only_when_every_further_shuffle_confirms_it() -> None:
    asked: list[str] = []

    def confirms(answer: bool) -> Callable[[str], bool]:
        def gains_elsewhere(setting: str) -> bool:
            asked.append(setting)
            return answer

        return gains_elsewhere

    small_gain = {"off": 0.8, "a": 0.801, "b": 0.7}
    assert _best(small_gain, "off", confirms(True)) == "a"
    assert _best(small_gain, "off", confirms(False)) == "off"
    assert asked == ["a", "a"]  # only the best setting is checked
    asked.clear()
    assert _best({"off": 0.8, "a": 0.8 + 2 * TIE}, "off", confirms(False)) == "a"  # clear gain: no check
    assert _best({"off": 0.8, "a": 0.8}, "off", confirms(True)) == "off"  # no gain: no check
    assert asked == []


def test_confirmation_scores_each_shuffle_until_one_does_not_gain(capsys: pytest.CaptureFixture[str]) -> None:
    shuffles = {seed: [shuffled(*_two_stories(), seed)] for seed in (1, 2)}
    separate = {**ONE_SIGNAL, "threshold": 0.5}
    lumped = {**ONE_SIGNAL, "threshold": 0.0}  # every article joins the first story
    confirm = Confirmation(Scorer([_two_stories()], (3, 3), 0, shuffles=shuffles))
    assert confirm("separate", separate, lumped)
    assert list(confirm.gains) == ["separate, shuffle 1", "separate, shuffle 2"]
    assert all(gain > 0 for gain in confirm.gains.values())
    assert not confirm("lumped", lumped, separate)
    assert list(confirm.gains)[2:] == ["lumped, shuffle 1"]  # stops at the first shuffle without a gain
    assert capsys.readouterr().err.splitlines()[-1].startswith("lumped, shuffle 1: -")
    no_shuffles = Confirmation(Scorer([_two_stories()], (3, 3), 0))
    assert not no_shuffles("anything", separate, lumped)  # nothing to confirm on


def _three_stories() -> tuple[list[ArticleFeatures], list[str]]:
    """Six articles in three stories, two of them close (joined by a low threshold)."""
    return _stories(
        ("a1", (1, 0, 0)),
        ("b1", (0.8, 0.6, 0)),
        ("a2", (1, 0.1, 0)),
        ("c1", (0, 0, 1)),
        ("b2", (0.75, 0.65, 0.05)),
        ("c2", (0, 0.1, 1)),
    )


def test_the_scores_of_a_grid_do_not_depend_on_the_number_of_worker_processes() -> None:
    sets = [_two_stories(), _three_stories()]
    trials = {str(t): {**ONE_SIGNAL, "threshold": t} for t in (0.01, 0.5, 0.99)}
    grids, records = [], []
    for jobs in (1, 2):
        with Scorer(sets, (3, 3), seed=5, names=["two", "three"], jobs=jobs) as scorer:
            grids.append(scorer.grid("join", trials, "both"))
            records.append(scorer.by_set)
    assert grids[0] == grids[1]
    assert records[0] == records[1]
    assert len(set(grids[0].values())) > 1  # the settings score differently: the check has teeth
    assert list(records[0]["join"]["0.5"]) == ["two", "three"]


def test_the_both_objective_is_the_mean_of_the_undated_and_the_dated_one() -> None:
    scorer = Scorer([_two_stories(), _three_stories()], (3, 3), seed=5)
    trials = [{**ONE_SIGNAL, "threshold": t} for t in (0.01, 0.5)]
    undated = list(scorer.objectives(trials, "undated"))
    dated = list(scorer.objectives(trials, "dated"))
    both = list(scorer.objectives(trials, "both"))
    for (u, u_sets), (d, d_sets), (b, b_sets) in zip(undated, dated, both, strict=True):
        assert b == (u + d) / 2
        assert b_sets == [(x + y) / 2 for x, y in zip(u_sets, d_sets, strict=True)]
        assert u == sum(u_sets) / 2
    with pytest.raises(ValueError, match="mode must be one of"):
        next(scorer.objectives(trials, "weekly"))


def test_a_calibration_resumed_gets_the_cut_at_a_gap_in_time_scored_on_the_dated_stream(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # two events whose reports read alike; the dated stream (seed 1) starts them about 6 days apart
    alike = _stories(
        ("a1", (1, 0, 0)), ("a2", (0.98, 0.2, 0)), ("b1", (0.97, 0, 0.24)), ("b2", (0.99, 0.1, 0.1))
    )
    timed = {**ONE_SIGNAL, "threshold": 0.0, "merge_threshold": 0.3, "coef": [10.0, 0, 0, 0, 0, 8.0, 0, 0]}
    earlier = {"join_only_score": 0.5, "objective_by_data_set": {"join": {"x": {"set": 0.5}}}}
    resumed = _resume(Scorer([alike], (3, 3), seed=1, names=["set"]), {**timed, "calibration": earlier})
    record = resumed.pop("calibration")
    grid = record["gap_bisect_threshold_grid_dated"]
    assert list(grid) == ["0.0", "0.1", "0.2", "0.3"]  # bars above the merge threshold are not tried
    # off leaves the two events fused; p that they are one story is about 0.15: bars above cut them
    assert grid["0.0"] == grid["0.1"] < grid["0.2"] == grid["0.3"] == 1.0
    assert resumed == {**timed, "gap_bisect_threshold": 0.2, "recluster_passes": 1}  # the rest is kept
    passes = record["recluster_passes_grid"]
    assert list(passes) == ["1", "2", "3"] and len(set(passes.values())) == 1  # a tie: one pass
    assert record["join_only_score"] == 0.5  # and so is the record of the earlier steps
    assert record["objective_by_data_set"]["join"] == {"x": {"set": 0.5}}
    assert record["objective_by_data_set"]["cut at a gap in time"]["0.2"] == {"set": 1.0}
    assert capsys.readouterr().err.splitlines()[2] == "cut at a gap in time 0.2: 1.0000"


def test_resume_needs_weights_to_resume_and_leaves_complete_ones_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "weights.json"
    late = {key: 0.3 for key, _, _ in LATE_STEPS}
    complete = {**ONE_SIGNAL, **late, "calibration": {"join_only_score": 0.5}}
    out.write_text(json.dumps({"models": {"static": complete}}))
    with pytest.raises(SystemExit):
        main(["--resume", "--embedder", "minilm", "--out", str(out), "--data", str(tmp_path)])
    assert f"--resume: {out} holds no weights for minilm" in capsys.readouterr().err
    # nothing to run: the (empty) data folder is never read
    main(["--resume", "--embedder", "static", "--out", str(out), "--data", str(tmp_path)])
    assert "static: every step is calibrated already" in capsys.readouterr().err
    assert json.loads(out.read_text())["models"]["static"] == complete


def test_resume_runs_only_the_last_steps_the_weights_lack(capsys: pytest.CaptureFixture[str]) -> None:
    scorer = Scorer([_two_stories()], (3, 3), seed=1, names=["set"])
    resumed = _resume(scorer, {**ONE_SIGNAL, "merge_threshold": 0.3, "gap_bisect_threshold": 0.2})
    assert resumed["gap_bisect_threshold"] == 0.2 and resumed["recluster_passes"] == 1
    assert list(resumed["calibration"]) == [
        "recluster_passes_grid",
        "gains_over_off_on_further_shuffles",
        "objective_by_data_set",
    ]
    assert [line.rsplit(":", 1)[0] for line in capsys.readouterr().err.splitlines()] == [
        "recluster passes 1",
        "recluster passes 2",
        "recluster passes 3",
    ]
    with pytest.raises(ValueError, match="calibrate them afresh"):
        _resume(scorer, {**ONE_SIGNAL, "merge_threshold": 0.3, "recluster_passes": 2})


def test_the_dated_stream_feeds_each_batch_as_ingest_feeds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import storylens.cluster.recluster as recluster_module
    from storylens.cluster import recluster_spans
    from storylens.cluster.calibrate import _objective
    from storylens.eval.clustering import synthetic_days

    # twelve stories of two articles: their dates spread over weeks, within one batch of 100
    articles, labels = _stories(
        *((f"{chr(97 + k)}{n}", (1.0, k / 12, n / 10)) for k in range(12) for n in (1, 2))
    )
    clock: list[float] = []
    monkeypatch.setattr(recluster_module, "recluster", lambda c: clock.append(c.clock) or [])
    _objective(articles, labels, (3, 3), ONE_SIGNAL, recluster=True, stream_seed=3)
    days = sorted(synthetic_days(labels, 3))
    assert len(clock) == len(recluster_spans(days, 7.0)) > 1  # also within the batch, as dates move on
    assert clock[-1] == days[-1]
    assert clock == sorted(clock)
