"""Metrics, features and candidate index of the clusterer, on small hand-made inputs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.cluster import StoryClusterer
from storylens.cluster.features import compute_features, extract_names, number_terms, parse_day, tokenize
from storylens.cluster.index import CandidateIndex
from storylens.eval.clustering import paired_bootstrap, scores
from tests.cluster.conftest import QUAKE_ONE_A, QUAKE_TWO


def test_scores_match_hand_computed_values() -> None:
    gold = ["a", "a", "a", "b", "b"]
    predicted = ["x", "x", "y", "y", "y"]
    result = scores(gold, predicted)
    # predicted pairs: (0,1) (2,3) (2,4) (3,4) -> true: (0,1), (3,4); gold pairs: 3 + 1 = 4
    assert result["pairwise_p"] == pytest.approx(0.5)
    assert result["pairwise_r"] == pytest.approx(0.5)
    # B3 precision: items 0,1 -> 1; items 2,3,4 -> 1/3, 2/3, 2/3 ; mean = (2 + 5/3) / 5
    assert result["b3_p"] == pytest.approx(round((2 + 5 / 3) / 5, 4))
    assert scores(gold, gold)["pairwise_f1"] == 1.0 and scores(gold, gold)["ari"] == 1.0


def test_paired_bootstrap_separates_a_real_lead_from_a_tie() -> None:
    gold = [f"s{i // 3}" for i in range(60)]  # 20 stories of three articles
    perfect = list(gold)
    one_wrong = [f"{g}-x" if i % 3 == 0 else g for i, g in enumerate(gold)]  # first article split off
    same = paired_bootstrap(gold, one_wrong, one_wrong, rounds=200)
    assert same == {"pairwise_f1": (0.0, 0.0, 0.0), "b3_f1": (0.0, 0.0, 0.0)}
    lead = paired_bootstrap(gold, perfect, one_wrong, rounds=200)
    diff, low, high = lead["pairwise_f1"]
    assert diff == pytest.approx(1.0 - scores(gold, one_wrong)["pairwise_f1"], abs=1e-4)
    assert 0.0 < low <= diff <= high
    # one story in twenty differs: the lead is real but its interval reaches down to almost nothing
    worse_once = [f"{g}-x" if i == 0 else g for i, g in enumerate(gold)]
    small = paired_bootstrap(gold, perfect, worse_once, rounds=200)
    assert small["pairwise_f1"][1] == 0.0 < small["pairwise_f1"][0]


def test_features_tokens_names_and_dates() -> None:
    assert tokenize("The earthquakes struck Marenport's harbour") == [
        "earthquake",
        "struck",
        "marenport",
        "harbour",
    ]
    names = extract_names("Police said Ilsa Brandt met the Veloria Seismic Institute. Police left.")
    assert "Ilsa Brandt" in names and "Veloria Seismic Institute" in names and "Police" not in names
    assert parse_day("2031-03-04") == pytest.approx(parse_day("2031-03-05T00:00:00Z") - 1)  # type: ignore[operator]
    assert parse_day("last Tuesday") is None and parse_day(None) is None


def test_numbers_are_keyword_terms_written_one_way() -> None:
    text = "Claims rose to 6.6 million, 40,000 marched (police said 40000); 14.7% on 2031-05-03 at 10:30."
    assert number_terms(text) == ["#6.6", "#40000", "#40000", "#14.7", "#2031", "#10", "#30"]
    # single digits, leading zeros and trailing decimal zeros carry nothing of their own
    assert number_terms("3 people, 07 May, 5.0 magnitude, 6.60 million, 0.50 and 0.0") == ["#6.6", "#0.5"]


def test_numbers_reach_the_keyword_terms_and_read_without_their_mark() -> None:
    vocabulary: dict[int, str] = {}
    (features,) = compute_features([QUAKE_ONE_A], _StubEmbedder(), vocabulary)
    assert "6.8" in vocabulary.values() and "#6.8" not in vocabulary.values()
    assert len(features.terms) == len(set(tokenize(f"{QUAKE_ONE_A.title} {QUAKE_ONE_A.text}"))) + 2  # 6.8, 12


def test_keywords_are_explained_as_first_written_and_counted_as_folded() -> None:
    from storylens.cluster import ClusterItem
    from storylens.cluster.features import key_of

    text = "Lumeris talks: the Lumeris talk went on; 40,000 shares, then 40000 more, in talks."
    item = ClusterItem("x", "Lumeris takeover talks", text, "Wire", None)
    vocabulary: dict[int, str] = {}
    (features,) = compute_features([item], _StubEmbedder(), vocabulary)
    # "talks" and "talk" are one term ("talk"), shown as the text first wrote it
    assert vocabulary[key_of("talk")] == "talks" and vocabulary[key_of("lumeri")] == "lumeris"
    assert vocabulary[key_of("#40000")] == "40,000"
    # the counts are those of the folded terms: title twice, then the text
    assert features.terms[key_of("talk")] == pytest.approx(1.0 + np.log(5))
    assert features.terms[key_of("#40000")] == pytest.approx(1.0 + np.log(2))
    whole = f"{item.title} {item.title} {text}"  # the order of the terms is unchanged: words, then numbers
    assert list(features.terms) == [key_of(t) for t in dict.fromkeys(tokenize(whole) + number_terms(whole))]


def test_entity_names_are_shown_as_written_in_the_text_not_as_a_capitalised_dateline() -> None:
    from storylens.cluster import ClusterItem
    from storylens.cluster.features import key_of

    text = "KELMAR, April 18 (Wire) - A quake shook the town of Kelmar, said Mayor Benedek Soos."
    item = ClusterItem("x", "Quake shakes KELMAR highlands", text, "Wire", None)
    names: dict[int, str] = {}
    (features,) = compute_features([item], _StubEmbedder(), names=names)
    assert names[key_of("kelmar")] == "Kelmar"  # one entity, written as the text writes the name
    assert features.entities.count(key_of("kelmar")) == 1
    # a later article writing it in capitals does not change how it is shown
    compute_features(
        [ClusterItem("y", "KELMAR quake", "KELMAR - Aftershocks hit.", "Wire", None)],
        _StubEmbedder(),
        names=names,
    )
    assert names[key_of("kelmar")] == "Kelmar"


def test_a_reason_names_each_shared_entity_once_the_longer_name_standing_for_its_parts() -> None:
    from storylens.cluster.explain import distinct_names, join_reason

    names = ["Caldera Grid", "Lumeris Energy", "Tobias Renner", "Lumeris", "Caldera", "Grid Authority"]
    assert distinct_names(names) == ["Caldera Grid", "Lumeris Energy", "Tobias Renner", "Grid Authority"]
    # a short form ranked first (rarer) brings its longest full form to its place
    assert distinct_names(["Benvenar", "Seran", "Meloria", "Lucia Benvenar", "Upper Seran"]) == [
        "Lucia Benvenar",
        "Upper Seran",
        "Meloria",
    ]
    # whole words only, case aside
    assert distinct_names(["Ostra", "Ostravo", "brisca", "Brisca Province"]) == [
        "Ostra",
        "Ostravo",
        "Brisca Province",
    ]
    reason = join_reason({"title": 0.7, "body": 0.9, "probability": 0.8}, names, [], 1.0)
    assert reason.startswith(
        "shares Caldera Grid, Lumeris Energy, Tobias Renner, Grid Authority; title similarity 0.70"
    )


class _StubEmbedder:
    name, dim = "stub", 2

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 2), dtype=np.float32) / np.sqrt(2)


@given(st.integers(min_value=10, max_value=10**12), st.sampled_from(["", ".0", ".00"]))
@settings(max_examples=200, deadline=None)
def test_a_number_is_one_term_with_or_without_thousands_separators(n: int, zeros: str) -> None:
    plain, grouped = f"{n}{zeros}", f"{n:,}{zeros}"
    assert number_terms(f"about {plain} people") == number_terms(f"about {grouped} people") == [f"#{n}"]


@given(st.text(alphabet="0123456789.,% -abc", max_size=40))
@settings(max_examples=300, deadline=None)
def test_number_terms_are_marked_numbers_without_separators(text: str) -> None:
    for term in number_terms(text):
        assert term.startswith("#") and "," not in term and len(term) >= 3
        float(term[1:])  # reads as a number
        assert not term.endswith(".") and not (term[1] == "0" and term[2:3].isdigit())


def test_candidate_index_finds_nearest_and_entity_postings_and_forgets_removed() -> None:
    index = CandidateIndex(dim=4)
    vectors = np.eye(4, dtype=np.float32)
    for story in range(4):
        index.upsert(story, vectors[story], (100 + story,))
    assert index.query(vectors[2], k=1) == [2]
    assert 3 in index.query(vectors[0], k=1, entities=(103,))
    index.remove(2)
    assert 2 not in index.query(vectors[2], k=3) and len(index) == 3


def test_candidate_index_rebuilt_after_many_removals_still_finds_every_active_story() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((40, 8)).astype(np.float32)
    index = CandidateIndex(dim=8)
    for round_ in range(110):  # 110 x 40 removals: the graph is rebuilt from its active stories
        for story in range(40):
            index.upsert(story, vectors[story], (1000 + story,))
        for story in range(round_ % 2, 40, 2):
            index.remove(story)
    assert index._removed < 4096  # rebuilt at least once
    active = sorted(index.active())
    assert active == list(range(0, 40, 2))  # the last round removed the odd ones
    for story in active:
        assert index.query(vectors[story], k=1) == [story]
        assert index.query(-vectors[story], k=1, entities=(1000 + story,))[-1] == story
    assert 1 not in index.query(vectors[1], k=40, entities=(1001,))  # removed: in neither index


def test_quiet_stories_leave_the_candidate_index() -> None:
    clusterer = StoryClusterer()
    clusterer.add([QUAKE_ONE_A])
    assert len(clusterer._core.index) == 1
    later = dataclasses.replace(QUAKE_TWO, published="2031-06-01T00:00:00Z")
    clusterer.add([later])
    assert len(clusterer._core.index) == 1  # only the new story is searchable
    assert len(clusterer.stories()) == 2


def test_lead_end_marks_the_lead_inside_the_full_text() -> None:
    from storylens.cluster import ClusterItem
    from storylens.cluster.features import LEAD_CHARS, _lead, _lead_end

    long_text = " ".join(f"word{i}" for i in range(200))
    for text in ("Short report.", long_text):
        item = ClusterItem(id="x", title="Dam talks", text=text, source="s", published=None)
        body = f"{item.title}\n{item.text}"
        lead_part = body[len(item.title) + 1 : _lead_end(item)]
        assert _lead(item) == f"{item.title}. {lead_part}"
        assert len(lead_part) <= LEAD_CHARS


def test_synthetic_dates_keep_each_story_within_days_and_the_labels_aligned() -> None:
    from storylens.cluster.features import parse_day
    from storylens.eval.clustering import synthetic_days, with_synthetic_dates
    from tests.cluster.conftest import BUDGET, QUAKE_ONE_A, QUAKE_ONE_B, QUAKE_TWO

    items = [QUAKE_ONE_A, BUDGET, QUAKE_ONE_B, QUAKE_TWO]
    labels = ["quake-1", "budget", "quake-1", "quake-2"]
    assert synthetic_days(labels, 7) == synthetic_days(labels, 7)  # seeded
    dated, dated_labels = with_synthetic_dates(items, labels, seed=7)
    days = [parse_day(item.published) for item in dated]
    assert days == sorted(days) and all(day is not None for day in days)
    pairs = {(item.id, label) for item, label in zip(dated, dated_labels, strict=True)}
    assert pairs == {(item.id, label) for item, label in zip(items, labels, strict=True)}
    one = [day for day, label in zip(days, dated_labels, strict=True) if label == "quake-1" and day]
    assert len(one) == 2 and max(one) - min(one) <= 5.0
