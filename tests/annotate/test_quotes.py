"""Quote detection and speaker attribution on hand-written sentences, one pattern per test."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from storylens.annotate.quotes import find_quote_spans
from storylens.models import ArticleAnnotations

Annotate = Callable[..., ArticleAnnotations]


def _direct(ann: ArticleAnnotations) -> list[tuple[str, str | None, str]]:
    return [(q.text.rstrip(",. "), q.speaker, q.kind) for q in ann.quotes if q.kind != "indirect"]


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        (
            "“The bridge will reopen by spring,” said Anna Kovacs.",
            "The bridge will reopen by spring",
            "Anna Kovacs",
        ),
        ('"The water is safe," Omar Haddad said on Monday.', "The water is safe", "Omar Haddad"),
        (
            "Lena Ortiz said: «The count was fair and transparent.»",
            "The count was fair and transparent",
            "Lena Ortiz",
        ),
        (
            "„Wir bleiben hier bis zum Ende“, said Claire Dumont.",
            "Wir bleiben hier bis zum Ende",
            "Claire Dumont",
        ),
        (
            "‘This was a hard season for farmers,’ said Ruth Abernathy.",
            "This was a hard season for farmers",
            "Ruth Abernathy",
        ),
    ],
)
def test_quote_styles_and_speaker_position(annotate: Annotate, text: str, quote: str, speaker: str) -> None:
    assert _direct(annotate(text)) == [(quote, speaker, "direct")]


def test_statement_and_apposition(annotate: Annotate) -> None:
    ann = annotate(
        "Velgrad's chief diplomat Irena Marsh said in a statement: “We will not accept these terms.”"
    )
    assert _direct(ann) == [("We will not accept these terms", "Irena Marsh", "direct")]
    assert ann.quotes[0].cue == "said"


def test_pronoun_speaker_resolves_to_named_person(annotate: Annotate) -> None:
    text = "Mira Castellano, the port director, spoke after the inspection. “The cranes are safe again,” she said."
    ann = annotate(text)
    (quote,) = [q for q in ann.quotes if q.kind == "direct"]
    assert quote.speaker == "Mira Castellano"
    assert text[quote.speaker_start : quote.speaker_end] == "she"


def test_institution_speaker_is_kept(annotate: Annotate) -> None:
    ann = annotate("“The sanctions will backfire on those who imposed them,” the Kremlin said.")
    assert _direct(ann)[0][1] == "Kremlin"


def test_surname_speaker_gets_full_name(annotate: Annotate) -> None:
    ann = annotate("Police chief Viktor Salo arrived at noon. “Two suspects are in custody,” said Salo.")
    assert _direct(ann)[0][1] == "Viktor Salo"


def test_multi_paragraph_quote_is_one_quote(annotate: Annotate) -> None:
    text = (
        "Marek Halloran described the work.\n\n“First we drain the tunnel and check every joint.\n\n"
        "“Only then can we say when trains will run again,” he said."
    )
    quotes = [q for q in annotate(text).quotes if q.kind == "direct"]
    assert len(quotes) == 1
    assert quotes[0].text.startswith("First") and quotes[0].text.rstrip(",").endswith("again")
    assert quotes[0].speaker == "Marek Halloran"


def test_speaker_on_the_preceding_line_and_after_a_dash(annotate: Annotate) -> None:
    ann = annotate(
        "Speaking at the harbour, Sofia Reyes told reporters:\n“The ferries will run on the winter timetable.”"
    )
    assert _direct(ann)[0][1] == "Sofia Reyes"
    ann = annotate("Daniel Okafor did not hesitate — “Every family will get a room by Friday,” he said.")
    assert _direct(ann)[0][1] == "Daniel Okafor"


def test_scare_quotes_are_fragments(annotate: Annotate) -> None:
    ann = annotate("Critics called the plan a “reform” that changed nothing.")
    assert [(q.text, q.kind) for q in ann.quotes] == [("reform", "fragment")]


def test_reported_speech_is_indirect(annotate: Annotate) -> None:
    ann = annotate("Tomas Brandt said that the border would reopen within a week.")
    (quote,) = ann.quotes
    assert (quote.kind, quote.text, quote.speaker, quote.cue) == (
        "indirect",
        "the border would reopen within a week",
        "Tomas Brandt",
        "said",
    )


def test_unbalanced_marks_never_crash(annotate: Annotate) -> None:
    ann = annotate(
        "Lena Ortiz said: “The count will finish tomorrow and results follow at noon.\n\nThe board met."
    )
    assert _direct(ann) == [
        ("The count will finish tomorrow and results follow at noon", "Lena Ortiz", "direct")
    ]
    assert annotate("The sign read ” closed and the crowd went home “ again.").quotes == ()


def test_apostrophes_are_not_quotes() -> None:
    assert (
        find_quote_spans("The farmers' union rejected the mayor's offer, and the drivers' strike went on.")
        == []
    )


def test_a_closing_mark_the_parser_puts_in_the_next_sentence_moves_back() -> None:
    from storylens.annotate.annotator import mend_sentences

    text = 'He said: "That would be something."\n\nThe dam fills in June.'
    cut = text.index('."') + 1  # the parser's boundary, between the full stop and the mark
    mended = mend_sentences(text, [(0, cut), (cut, len(text))], find_quote_spans(text))
    assert [text[s.start : s.end] for s in mended] == [
        'He said: "That would be something."',
        "The dam fills in June.",
    ]
