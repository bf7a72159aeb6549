"""``signals`` sums keywords and entities over what a query shares with a story only; each sum must
be the one a walk over all of the query's terms and entities gives, to the last bit."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.cluster.model import ClusterConfig
from storylens.cluster.online import OnlineClusterer, StoryState, make_query

KEYS = st.integers(min_value=0, max_value=15)  # few keys: most examples share several
# values whose sums round (square roots), so that a sum taken in another order shows
WEIGHTS = st.integers(min_value=1, max_value=10**6).map(lambda i: math.sqrt(i) / 7.0)


def _story(c: OnlineClusterer, terms: dict[int, float], entities: dict[int, int], size: int) -> StoryState:
    return StoryState(
        num=0,
        id="s-0",
        members=list(range(size)),
        title_sum=np.ones(c.dim, dtype=np.float32),
        body_sum=np.ones(c.dim, dtype=np.float32),
        recent=np.ones((1, c.dim), dtype=np.float32),
        terms=terms,
        entities=entities,
    )


def _walked(query_terms: dict[int, tuple[float, float]], story_terms: dict[int, float]) -> float:
    dot = 0.0
    for key, (value, idf) in query_terms.items():
        other = story_terms.get(key)
        if other:
            dot += value * other * idf
    return dot


@settings(max_examples=200, deadline=None)
@given(
    query_terms=st.dictionaries(KEYS, st.tuples(WEIGHTS, WEIGHTS), max_size=40),
    story_terms=st.dictionaries(KEYS, st.one_of(st.just(0.0), WEIGHTS), max_size=40),
    query_entities=st.dictionaries(KEYS, WEIGHTS, max_size=12),
    story_entities=st.dictionaries(KEYS, st.integers(min_value=0, max_value=5), max_size=12),
    linkage=st.sampled_from(["average", "centroid"]),
)
def test_sums_over_shared_keys_equal_the_walk_over_all_keys(
    query_terms: dict[int, tuple[float, float]],
    story_terms: dict[int, float],
    query_entities: dict[int, float],
    story_entities: dict[int, int],
    linkage: str,
) -> None:
    c = OnlineClusterer(4, ClusterConfig(linkage=linkage))
    size = 5
    story = _story(c, story_terms, story_entities, size)
    term_norm = 1.0 if query_terms else 0.0
    entities = tuple(query_entities.items())
    mass = sum(query_entities.values())
    vec = np.ones(4, dtype=np.float32)
    query = make_query(vec, vec, query_terms, term_norm, entities, mass, None)
    values, _ = c.signals(query, story)

    story_norm = float(size) if linkage == "average" else c.story_term_norm(story)
    expected_keywords = _walked(query_terms, story_terms) / (term_norm * story_norm) if term_norm else 0.0
    if linkage == "average":
        shared = sum(w * min(story_entities.get(k, 0), size) / size for k, w in entities)
    else:
        shared = sum(w for k, w in entities if story_entities.get(k, 0) > 0)
    expected_entities = shared / mass if mass > 0 else 0.0
    assert values[3] == expected_keywords
    assert values[4] == expected_entities
