"""Boilerplate removal: pattern lines, lines repeated by one source, audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest

from storylens.clean import LineLearner, clean_article, clean_batch, clean_text, is_boilerplate
from storylens.models import RawArticle
from storylens.store import Store

from ..conftest import BRIDGE


@pytest.mark.parametrize(
    "line",
    [
        "Subscribe to our newsletter for daily updates.",
        "Sign up for our morning briefing",
        "Share this article on Facebook, X and WhatsApp",
        "Follow us on Instagram",
        "Read more: Council approves harbour budget",
        "© 2026 Harbor Ledger. All rights reserved.",
        "We use cookies to improve your experience. Accept all cookies",
        "Facebook | Twitter | WhatsApp | Email",
        "Copyright 2026 Meridian Wire",
    ],
)
def test_call_to_action_lines(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "The minister said she would read more reports before deciding.",
        "Residents were asked to share their views at a public meeting on Thursday.",
        "The ferry company said it would follow the safety rules to the letter.",
        "Police asked witnesses to come forward.",
        "Subscribers to the city's water alerts were told to boil water "
        + "until further notice, officials said, as crews worked overnight on the main. " * 3,
    ],
)
def test_news_lines_are_kept(line: str) -> None:
    assert not is_boilerplate(line)


def test_clean_text_keeps_paragraphs_and_audit() -> None:
    text = BRIDGE + "\n\nSubscribe to our newsletter for daily updates.\nShare this article on Facebook\n"
    cleaned, removed = clean_text(text)
    assert cleaned == BRIDGE
    assert removed == ["Subscribe to our newsletter for daily updates.", "Share this article on Facebook"]


def test_embedded_call_to_action_removed() -> None:
    text = "First paragraph of the story.\n\nRead more: Other headline\n\nSecond paragraph of the story."
    cleaned, removed = clean_text(text)
    assert cleaned == "First paragraph of the story.\n\nSecond paragraph of the story."
    assert removed == ["Read more: Other headline"]


def test_clean_article_ids_and_metadata() -> None:
    raw = RawArticle(
        text=BRIDGE + "\n\nFollow us on Instagram", origin="x.txt", source="Harbor Ledger", title=""
    )
    article = clean_article(raw)
    assert article.id.startswith("a-") and article.id == clean_article(raw).id  # stable derived id
    assert article.title.startswith("The city closed the Old Mill bridge")
    assert article.removed == ("Follow us on Instagram",)
    assert article.original.endswith("Follow us on Instagram")
    kept = clean_article(RawArticle(text=BRIDGE, origin="y", id="given-id", source="S"))
    assert kept.id == "given-id"


def test_nothing_left_is_an_error() -> None:
    with pytest.raises(ValueError, match="no text left"):
        clean_article(RawArticle(text="Subscribe to our newsletter\nFollow us on X", origin="z"))


def test_lines_repeated_by_one_source_are_learned(tmp_path: Path) -> None:
    footer = "The Valley Courier is an independent, reader-funded newsroom."
    raws = [
        RawArticle(
            text=f"Story number {i} about the valley.\n\n{footer}", origin=f"{i}.txt", source="Valley Courier"
        )
        for i in range(3)
    ]
    other = RawArticle(text=f"A story elsewhere.\n\n{footer}", origin="o.txt", source="Harbor Ledger")
    results = dict((r.origin, a) for r, a in clean_batch([*raws, other]))
    assert all(footer in a.removed for o, a in results.items() if o != "o.txt" and not isinstance(a, str))
    assert not isinstance(results["o.txt"], str) and footer in results["o.txt"].text  # other source: kept

    # learned counts persist in the store: a later single article of that source is cleaned too
    with Store(tmp_path / "s.db") as store:
        with store.transaction():
            from storylens.clean import _candidate_lines

            for raw in raws:
                store.count_lines("Valley Courier", _candidate_lines(raw.text))
        learner = LineLearner(store)
        later = RawArticle(text=f"A later story.\n\n{footer}", origin="l.txt", source="Valley Courier")
        learner.observe([later])
        assert clean_article(later, repeated=learner.repeated(later.source, later.text)).removed == (footer,)
