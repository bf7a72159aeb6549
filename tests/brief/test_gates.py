"""Quality gates: fail when conflict false alarms rise or alignment F1 falls below the recorded floor.

Floors (measured values in brackets, see the report of `storylens eval conflicts|alignment`):
- conflicts: false-alarm rate at most 0.10 [0.00], miss rate at most 0.30 [0.00] on the 59 bundled cases
  (37 agreeing, 22 expected conflicts);
- alignment: held-out F1 at least 0.76 [0.82] on 111 NeuS pairs (static embeddings).
"""

from __future__ import annotations

from pathlib import Path

import pytest

MAX_FALSE_ALARM_RATE = 0.10
MAX_MISS_RATE = 0.30
MIN_ALIGNMENT_F1 = 0.76


def test_conflict_false_alarm_and_miss_rates() -> None:
    from storylens.eval.alignment import real_annotator
    from storylens.eval.conflicts import run

    if real_annotator() is None:
        pytest.skip("storylens.annotate not importable: conflict cases need the real annotator")
    result = run()
    assert result["cases"] >= 55
    assert result["false_alarm_rate"] <= MAX_FALSE_ALARM_RATE, result["failures"]
    assert result["miss_rate"] <= MAX_MISS_RATE, result["failures"]


def test_alignment_f1_floor(shared_data: Path) -> None:
    from storylens.eval.alignment import run

    if not (shared_data / "neus" / "train.jsonl").exists():
        pytest.skip("NeuS not present")
    result = run(shared_data)
    assert result["pairs"] >= 100
    assert result["model"]["f1"] >= MIN_ALIGNMENT_F1, result
