"""The calibration's grid steps on hand-built articles (the full run reads the training sets)."""

from __future__ import annotations

import pytest

from storylens.cluster.calibrate import calibrate_bisect
from tests.cluster.vectors import ONE_SIGNAL, feats


def test_a_grid_step_scores_every_setting_reports_each_and_keeps_off_on_a_tie(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # two clean stories: cutting anything can only tie with off, so off is kept
    articles = [
        feats("a1", (1, 0, 0)),
        feats("a2", (1, 0.1, 0)),
        feats("b1", (0, 1, 0)),
        feats("b2", (0, 1, 0.1)),
    ]
    sets = [(articles, ["a", "a", "b", "b"])]
    bar, grid = calibrate_bisect(sets, (3, 3), {**ONE_SIGNAL, "merge_threshold": 0.3}, seed=1)
    assert bar == 0.0
    assert list(grid) == ["0.0", "0.2", "0.3"]  # bars above the merge threshold are not tried
    assert set(grid.values()) == {1.0}
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["cut in two 0.0: 1.0000", "cut in two 0.2: 1.0000", "cut in two 0.3: 1.0000"]
