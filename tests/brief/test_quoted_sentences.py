"""A quote of several sentences is one statement with its speaker, and a closing quotation mark
stays with the sentence it closes."""

from __future__ import annotations

import storylens
from storylens.align.claims import join_quoted
from storylens.models import QuoteMention, Sentence

ARTICLES = [
    {
        "id": "courier-1",
        "source": "Valley Courier",
        "title": "Farmers wait for the river talks",
        "published": "2026-03-18T08:00:00Z",
        "text": "Farmers on the Lower Plain are watching the talks in Dravik.\n\n"
        '"Last spring we lost a week of water. Nobody warned us," said Giorgio Palandri, who grows '
        "rice near Castel Morra.\n\n"
        '"One phone number to call before the tunnel closes would already be something."\n\n'
        "The reservoir is due to start filling in June.",
    },
    {
        "id": "post-1",
        "source": "Northgate Post",
        "title": "River talks open in Dravik",
        "published": "2026-03-18T09:00:00Z",
        "text": "The foreign ministers of Kastrovia and Meloria began talks in Dravik on Wednesday.\n\n"
        "The reservoir behind the new dam is due to start filling in June, officials said.",
    },
]


def _facts() -> list[str]:
    return [fact.text for fact in storylens.compare(ARTICLES).facts]


def test_a_quote_of_two_sentences_is_one_fact_with_its_speaker() -> None:
    quoted = [text for text in _facts() if "lost a week of water" in text]
    assert len(quoted) == 1, quoted
    assert "Nobody warned us" in quoted[0] and "Giorgio Palandri" in quoted[0]
    assert not any(text.startswith("Nobody warned us") for text in _facts())


def test_a_closing_quotation_mark_ends_its_own_sentence_not_the_next() -> None:
    facts = _facts()
    phone = [text for text in facts if "One phone number" in text]
    assert phone and phone[0].endswith('something."'), phone
    reservoir = [text for text in facts if "start filling in June" in text]
    assert reservoir and not any(text.startswith('"') for text in reservoir), reservoir


def test_sentences_are_joined_only_where_a_direct_quote_runs_across_them() -> None:
    sentences = [Sentence(0, 10), Sentence(11, 20), Sentence(21, 30), Sentence(31, 40)]
    quotes = [
        QuoteMention(text="…", start=1, end=19),  # across the first boundary
        QuoteMention(text="…", start=22, end=35, kind="indirect"),  # reported speech: not joined
    ]
    assert join_quoted(sentences, quotes) == (Sentence(0, 20), Sentence(21, 30), Sentence(31, 40))
    assert join_quoted(sentences, []) == tuple(sentences)
