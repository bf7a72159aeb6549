"""How a batch is cut for the recluster passes within it (shared by ingest and the calibration)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from storylens.cluster import recluster_spans


def test_a_batch_within_the_step_is_one_span() -> None:
    assert recluster_spans([0.0, 1.0, 6.9], 7.0) == [(0, 3)]
    assert recluster_spans([], 7.0) == [(0, 0)]
    assert recluster_spans([None, None], 7.0) == [(0, 2)]


def test_a_span_ends_where_time_has_moved_on_by_the_step() -> None:
    assert recluster_spans([0.0, 3.0, 7.0, 8.0, 14.5, 15.0], 7.0) == [(0, 2), (2, 4), (4, 6)]


def test_undated_articles_stay_in_the_span_they_arrive_in() -> None:
    # the span's clock starts at its first dated article
    assert recluster_spans([None, 2.0, None, 9.5, None], 7.0) == [(0, 3), (3, 5)]


days = st.lists(st.one_of(st.none(), st.floats(min_value=0.0, max_value=60.0)), max_size=40).map(
    lambda xs: sorted(xs, key=lambda d: (d is None, d or 0.0))
)


@given(days, st.floats(min_value=0.5, max_value=14.0))
def test_spans_cover_the_batch_in_order_and_each_stays_within_the_step(
    batch: list[float | None], step: float
) -> None:
    spans = recluster_spans(batch, step)
    assert spans[0][0] == 0 and spans[-1][1] == len(batch)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    for begin, end in spans:
        dated = [d for d in batch[begin:end] if d is not None]
        assert not dated or max(dated) - dated[0] < step
    for begin, _ in spans[1:]:  # a new span starts only where the step is reached
        assert batch[begin] is not None
