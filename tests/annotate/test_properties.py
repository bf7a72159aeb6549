"""Property tests: the quote and date parsers never crash and offsets stay in range on any text."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylens.annotate.dates import extract_dates
from storylens.annotate.quotes import extract_quotes, find_quote_spans

MARKS = "“”\"'‘’«»„‹›—–-:,.!?\n "
WORDS = [
    "said",
    "Anna",
    "Kovacs",
    "he",
    "she",
    "Friday",
    "last",
    "week",
    "on",
    "will",
    "meet",
    "the",
    "Kremlin",
    "told",
    "42",
]
text_strategy = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(list(MARKS))), max_size=60).map(" ".join),
    st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(list(MARKS))), max_size=60).map("".join),
)


@given(text_strategy)
@settings(max_examples=300, deadline=None)
def test_quote_spans_are_ordered_and_in_range(text: str) -> None:
    last = 0
    for open_, close, start, end in find_quote_spans(text):
        assert last <= open_ < start <= end <= close <= len(text)
        last = close


@given(text_strategy)
@settings(max_examples=200, deadline=None)
def test_quotes_without_a_parse_never_crash(text: str) -> None:
    for q in extract_quotes(text, None, []):
        assert 0 <= q.start <= q.end <= len(text)
        assert text[q.start : q.end] == q.text


@given(text_strategy, st.sampled_from([None, "2026-03-10T09:00:00+00:00", "2026-02-29", "garbage"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_full_annotation_never_crashes(text: str, published: str | None) -> None:
    from storylens.annotate.nlp import get_nlp

    doc = get_nlp()(text)
    from storylens.annotate.entities import extract_entities

    entities = extract_entities(doc)
    for q in extract_quotes(text, doc, entities):
        assert 0 <= q.start <= q.end <= len(text)
        if q.speaker_start is not None:
            assert 0 <= q.speaker_start <= (q.speaker_end or 0) <= len(text)
    for d in extract_dates(text, published, doc):
        assert 0 <= d.start < d.end <= len(text)
        assert text[d.start : d.end] == d.text
    for e in entities:
        assert text[e.start : e.end] == e.text


@given(text_strategy, st.lists(st.integers(min_value=0, max_value=200), max_size=12))
@settings(max_examples=300, deadline=None)
def test_mended_sentences_are_ordered_in_range_and_lose_no_word(text: str, cuts: list[int]) -> None:
    from storylens.annotate.annotator import mend_sentences

    bounds = sorted({0, len(text), *(c for c in cuts if c < len(text))})
    spans = [(a, b) for a, b in pairwise(bounds) if text[a:b].strip()]
    mended = mend_sentences(text, spans, find_quote_spans(text))
    last = 0
    for sentence in mended:
        assert last <= sentence.start < sentence.end <= len(text)
        last = sentence.end
    covered = "".join(text[s.start : s.end] for s in mended)
    assert "".join(covered.split()) == "".join("".join(text[a:b] for a, b in spans).split())
