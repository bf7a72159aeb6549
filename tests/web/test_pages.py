"""Server-rendered pages through the TestClient: content, escaping, safe links, compare alignment."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from tests.web.corpus import HOSTILE_URL


def test_story_list_rows(client: Any) -> None:
    html = client.get("/").text
    assert "Ferry crews strike in Port Aldren" in html
    assert "Harbor Ledger, Meridian Wire, Northgate Post, Valley Courier" in html
    assert "3 of 4" in html
    assert 'title="no brief built yet">–<' in html  # festival: no cached brief
    assert html.index("Ferry crews") < html.index("Lantern Festival") < html.index("Evil headline")


def test_story_page_shows_the_brief(client: Any) -> None:
    html = client.get("/stories/s-ferry").text
    for text in (
        "Summary",
        "How many sailings were cancelled",
        "Corroborated",
        "Single source",
        "verbatim",
        "2026-04-14",
        "Mara Quill",
        "wire copy of mw-1",
        "shares Mara Quill, Port Aldren",
    ):
        assert text in html
    assert re.search(r'<p class="value">40</p>.*<p class="value">55</p>', html, re.S)
    assert 'href="#art-1"' in html and 'id="art-4"' in html
    assert 'href="/entities/e-quill"' in html
    assert 'href="https://harbor.example/ferry"' in html and 'href="http://northgate.example/strike"' in html
    assert html.count("<svg") == 4  # two charts, wide and narrow variants


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_hostile_values_are_escaped(client: Any) -> None:
    for path in (
        "/",
        "/stories/s-hostile",
        "/articles/ev-1",
        "/articles/ev-2",
        "/entities/e-evil",
        "/stories/s-hostile/compare",
        "/?q=dam",
    ):
        html = client.get(path).text
        parser = Tags()
        parser.feed(html)
        names = {tag for tag, _ in parser.tags}
        assert "script" not in names and "img" not in names and "b" not in names, path
        handlers = [(tag, a) for tag, attrs in parser.tags for a in attrs if a.startswith("on")]
        assert handlers == [], path
        hrefs = [attrs.get("href") or "" for _, attrs in parser.tags]
        assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))], path
        assert "&lt;script&gt;" in html, path
    assert HOSTILE_URL not in client.get("/articles/ev-1").text
    assert "not an http(s) link" in client.get("/articles/ev-1").text


def test_compare_page_alignment(client: Any) -> None:
    html = client.get("/stories/s-ferry/compare", params={"a": "hl-1", "b": "np-1"}).text
    rows = re.findall(r'<div class="compare-row (\w+)"', html)
    assert rows == ["head", "shared", "conflict", "shared", "only", "only"]
    assert "Shared" in html and "Only here" in html and "Conflicting" in html  # the legend
    # an unknown or repeated id falls back to two different articles of the story
    fallback = client.get("/stories/s-ferry/compare", params={"a": "zzz", "b": "zzz"}).text
    assert len(re.findall(r'<option value="[^"]+" selected>', fallback)) == 2


def test_article_and_entity_pages(client: Any) -> None:
    html = client.get("/articles/vc-1").text
    assert "copy of" in html and 'href="/articles/mw-1"' in html and "independent source" in html
    entity = client.get("/entities/e-quill").text
    assert "We will not sail for less" in entity and "Ferry crews strike in Port Aldren" in entity


def test_not_found_pages(client: Any) -> None:
    for path in ("/stories/nope", "/articles/nope", "/entities/nope", "/stories/s-fest/compare"):
        response = client.get(path)
        assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")


def test_bad_dates_in_the_form(client: Any) -> None:
    html = client.get("/", params={"since": "soon"}).text
    assert "from: use the form YYYY-MM-DD" in html
