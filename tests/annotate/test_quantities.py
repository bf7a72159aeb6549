"""Quantities: value, head noun, qualifier and kind."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from storylens.models import ArticleAnnotations

Annotate = Callable[..., ArticleAnnotations]


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "kind"),
    [
        ("Police said 40,000 protesters marched through Velgrad.", 40000, "protesters", "exact", "cardinal"),
        (
            "More than 40,000 protesters marched through Velgrad.",
            40000,
            "protesters",
            "more_than",
            "cardinal",
        ),
        ("At least 12 people were injured in the crush.", 12, "people", "at_least", "cardinal"),
        ("The repairs will cost about 1.5 million euros.", 1_500_000, "EUR", "about", "money"),
        ("The levy raised $2.3 billion last year.", 2_300_000_000, "USD", "exact", "money"),
        ("Turnout rose to 64% in the capital.", 64, "%", "exact", "percent"),
        ("Nearly 300 homes lost power overnight.", 300, "homes", "about", "cardinal"),
        ("Up to 500 soldiers will be deployed.", 500, "soldiers", "at_most", "cardinal"),
        ("Eight people were rescued from the river.", 8, "people", "exact", "cardinal"),
    ],
)
def test_quantities_are_normalised(
    annotate: Annotate, text: str, value: float, unit: str, qualifier: str, kind: str
) -> None:
    quantities = annotate(text).quantities
    assert quantities, text
    q = quantities[0]
    assert (q.value, q.unit, q.qualifier, q.kind) == (pytest.approx(value), unit, qualifier, kind)
    assert text[q.start : q.end] == q.text


def test_ordinals_and_number_words(annotate: Annotate) -> None:
    ann = annotate("It was the third round of talks, and a dozen envoys attended.")
    kinds = {(q.kind, q.value) for q in ann.quantities}
    assert ("ordinal", 3) in kinds
    assert any(q.value == 12 for q in ann.quantities)
