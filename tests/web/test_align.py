"""Sentence splitting and alignment for the compare page."""

from __future__ import annotations

from storylens.web.align import MATCH_THRESHOLD, align_sentences, split_sentences


def test_split_sentences_plain_and_spans() -> None:
    text = 'The quay reopened on Monday. "It is safe," she said. Ships returned!\n\nA new paragraph'
    assert split_sentences(text) == [
        "The quay reopened on Monday.",
        '"It is safe," she said.',
        "Ships returned!",
        "A new paragraph",
    ]
    assert split_sentences(text, [{"start": 0, "end": 28}]) == ["The quay reopened on Monday."]


def test_alignment_is_ordered_and_one_to_one() -> None:
    left = ["Crews walked out on Tuesday over pay.", "Buses replaced the ferries.", "Schools closed early."]
    right = ["The mayor urged calm.", "On Tuesday crews walked out over pay.", "Buses replaced all ferries."]
    rows = align_sentences(left, right)
    assert [(r.left, r.right, r.status) for r in rows] == [
        (None, "The mayor urged calm.", "only"),
        (left[0], right[1], "shared"),
        (left[1], right[2], "shared"),
        (left[2], None, "only"),
    ]
    assert all(r.score is not None and r.score >= MATCH_THRESHOLD for r in rows if r.status == "shared")


def test_conflict_evidence_is_paired() -> None:
    left = ["Crews walked out on Tuesday.", "Officials said 40 sailings were cancelled."]
    right = ["Crews walked out on Tuesday.", "The port reported that fifty-five boats stayed in harbour."]
    conflicts = [
        {
            "description": "How many sailings were cancelled",
            "evidence": [
                {"article": "a", "sentence": left[1], "value": "40"},
                {"article": "b", "sentence": right[1], "value": "55"},
            ],
        }
    ]
    rows = align_sentences(left, right, left_id="a", right_id="b", conflicts=conflicts)
    assert [r.status for r in rows] == ["shared", "conflict"]
    assert rows[1].left == left[1] and rows[1].right == right[1]
    assert rows[1].conflict == "How many sailings were cancelled"
    # without the brief's conflict the two dissimilar sentences are not paired
    plain = align_sentences(left, right)
    assert [r.status for r in plain] == ["shared", "only", "only"]


def test_empty_sides() -> None:
    assert align_sentences([], []) == []
    assert [r.status for r in align_sentences(["One."], [])] == ["only"]


def test_same_value_on_both_sides_is_not_a_conflict_between_them() -> None:
    left = ["At least 12 people were killed, officials said."]
    right = ["At least 12 people were killed, officials said on Tuesday."]
    conflicts = [
        {
            "description": "death toll",
            "evidence": [
                {"article": "a", "sentence": left[0], "value": "at least 12"},
                {"article": "b", "sentence": right[0], "value": "at least 12"},
                {"article": "c", "sentence": "Eight people died.", "value": "eight"},
            ],
        }
    ]
    rows = align_sentences(left, right, left_id="a", right_id="b", conflicts=conflicts)
    assert [r.status for r in rows] == ["shared"]
    # against the article that says eight, the same sentence conflicts
    rows = align_sentences(left, ["Eight people died."], left_id="a", right_id="c", conflicts=conflicts)
    assert [r.status for r in rows] == ["conflict"]
    assert rows[0].right == "Eight people died."
