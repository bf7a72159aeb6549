"""Markdown and HTML renderings: worksheet layout and escaping of hostile article text."""

from __future__ import annotations

import re

from storylens.render import safe_url
from tests.brief.helpers import annotate, article, brief_of

HOSTILE = "<script>alert(1)</script>"


def _hostile_brief():  # type: ignore[no-untyped-def]
    a = article(
        "a1",
        "Evil <b>Outlet</b>",
        f"Police said 40,000 protesters marched through Lakeport {HOSTILE} on Saturday.",
        title=f"Crowds {HOSTILE} march",
        url="javascript:alert(1)",
        published="2026-03-08T10:00:00Z",
    )
    b = article(
        "b1",
        "Northgate Post",
        "Police said 25,000 protesters marched through Lakeport on Saturday.",
        url="https://northgate.example/march?a=1&b=2",
        published="2026-03-08T11:00:00Z",
    )
    anns = [
        annotate(a, quantities=[("40,000 protesters", 40000, "protesters", "exact")]),
        annotate(b, quantities=[("25,000 protesters", 25000, "protesters", "exact")]),
    ]
    return brief_of([a, b], anns, reasons={"a1": "shares <i>Lakeport</i>", "b1": "title similarity 0.8"})


def test_html_is_self_contained_and_escapes_article_text() -> None:
    page = _hostile_brief().to_html()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:" not in page
    assert "<b>Outlet</b>" not in page and "<i>Lakeport</i>" not in page
    assert 'href="https://northgate.example/march?a=1&amp;b=2"' in page
    assert not re.search(
        r"""(src|href)=["']?(https?:)?//(?!northgate\.example)""", page
    )  # no external assets
    assert "<style>" in page and "<link" not in page
    assert "40,000 protesters" in page and "25,000 protesters" in page  # both values side by side
    assert 'href="#source-1"' in page and 'id="source-1"' in page


def test_markdown_escapes_and_never_links_javascript() -> None:
    text = _hostile_brief().to_markdown()
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "javascript:" not in text
    assert "(https://northgate.example/march?a=1&b=2)" in text
    for section in (
        "## Summary",
        "## Conflicts",
        "## Facts",
        "## Quotes",
        "## Timeline",
        "## Entities",
        "## Sources",
    ):
        assert section in text
    assert "[\\[1\\]](#source-1)" in text
    assert "why grouped: shares &lt;i&gt;Lakeport&lt;/i&gt;" in text


def test_safe_url() -> None:
    assert safe_url("https://a.example/x") == "https://a.example/x"
    assert safe_url("HTTP://a.example") == "HTTP://a.example"
    for bad in (
        "javascript:alert(1)",
        "data:text/html,hi",
        "//a.example",
        'https://a.example/"onmouseover',
        None,
        "",
    ):
        assert safe_url(bad) is None
