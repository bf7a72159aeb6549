"""Quality gates: fail when a measured score falls under the floor recorded beside it.

Floors sit a little under the figures measured when they were set (same commands as
``storylens eval quotes|dates|entities``):
- quotes (bundled set, 53 cases): speaker accuracy 0.964, detection F1 1.000
- dates (bundled table, 64 rows): accuracy 1.000
- entities (ECB+ dev, 568 named mentions): B3 F1 0.792, CoNLL F1 0.784; exact-match baseline 0.620 / 0.632
"""

from __future__ import annotations

from pathlib import Path

QUOTE_SPEAKER_FLOOR = 0.92
QUOTE_DETECTION_F1_FLOOR = 0.95
DATE_ACCURACY_FLOOR = 0.95
ENTITY_B3_FLOOR = 0.77
ENTITY_CONLL_FLOOR = 0.76


def test_quote_gate() -> None:
    from storylens.eval.quotes import run

    result = run()
    assert result["cases"] >= 40
    assert result["speaker_accuracy"] >= QUOTE_SPEAKER_FLOOR, result
    assert result["detection_f1"] >= QUOTE_DETECTION_F1_FLOOR, result


def test_date_gate() -> None:
    from storylens.eval.dates import run

    result = run()
    assert result["rows"] >= 50
    assert result["accuracy"] >= DATE_ACCURACY_FLOOR, result


def test_entity_gate(shared_data: Path) -> None:
    from storylens.eval.entities import run

    result = run(shared_data, split="dev")
    ours, baseline = result["storylens"], result["baseline_exact"]
    assert ours["b3_f1"] >= ENTITY_B3_FLOOR, ours
    assert ours["conll_f1"] >= ENTITY_CONLL_FLOOR, ours
    assert ours["conll_f1"] > baseline["conll_f1"] and ours["b3_f1"] > baseline["b3_f1"]
