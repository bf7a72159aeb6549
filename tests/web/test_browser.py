"""The pages in real headless Chromium: navigation, search, compare, hostile content, screenshots.

Skips when playwright or /usr/bin/chromium is missing, except on CI (CI=true), where it fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import SCREENSHOTS

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    pg = context.new_page()
    pg.dialogs: list[str] = []  # type: ignore[attr-defined,misc]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    yield pg
    context.close()


def _wait_for_fragment(pg: Any, fragment: str) -> None:
    """Wait until the address ends in #fragment: an in-page jump may land after click() or press() returns."""
    from playwright.sync_api import expect

    expect(pg).to_have_url(re.compile("#" + re.escape(fragment) + "$"))


def _no_overflow(pg: Any) -> None:
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= pg.viewport_size["width"], f"page is {width}px wide at {pg.viewport_size['width']}px"


def test_list_story_compare_flow(page: Any, live_server: str) -> None:
    page.goto(live_server + "/")
    assert page.title().startswith("Stories")
    rows = page.locator("table.stories tbody tr")
    assert rows.count() == 3
    ferry = rows.filter(has_text="Ferry crews strike")
    assert "Harbor Ledger" in ferry.inner_text() and "3 of 4" in ferry.inner_text()
    assert ferry.locator(".badge.conflicting").inner_text() == "1"
    ferry.get_by_role("link", name="Ferry crews strike in Port Aldren").click()
    page.wait_for_url("**/stories/s-ferry")
    assert page.locator("h1").inner_text() == "Ferry crews strike in Port Aldren"
    conflict = page.locator(".conflict-card").first
    assert [v.inner_text() for v in conflict.locator(".value").all()] == ["40", "55"]
    assert page.locator("ul.facts .badge.corroborated").count() == 1
    assert page.locator(".wide svg.chart circle.dot").count() == 4
    assert page.locator(".wide svg.chart circle.dot.copy").count() == 1
    assert page.locator(".narrow svg.chart").first.is_hidden()  # the phone variant, hidden at 1280 px
    assert "wire copy of mw-1" in page.locator("#art-4 .why").inner_text()
    # citation links jump to the article list
    page.locator("ol.summary a.cite").first.click()
    _wait_for_fragment(page, "art-1")
    page.get_by_role("link", name="Compare two articles").click()
    page.wait_for_url("**/compare?**")
    shared = page.locator(".compare-row.shared")
    conflicting = page.locator(".compare-row.conflict")
    assert shared.count() >= 2
    assert conflicting.count() == 1
    assert "40 sailings" in conflicting.inner_text() and "55 sailings" in conflicting.inner_text()
    assert page.locator(".legend").is_visible()
    # the pickers work without script: choose another pair and submit
    page.select_option("#cmp-b", "mw-1")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**b=mw-1**")
    assert "Meridian Wire" in page.locator(".compare-row.head").inner_text()
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_search_and_filters(page: Any, live_server: str) -> None:
    page.goto(live_server + "/")
    page.fill("#q", "lanterns")
    page.press("#q", "Enter")
    page.wait_for_url("**q=lanterns**")
    titles = page.locator("table.stories td.title a").all_inner_texts()
    assert titles == ["Lantern Festival draws record crowd"]
    page.goto(live_server + "/?source=Northgate+Post")
    assert page.locator("table.stories td.title a").all_inner_texts() == ["Ferry crews strike in Port Aldren"]
    page.goto(live_server + "/?until=2026-04-05")
    assert page.locator("table.stories tbody tr").count() == 1
    page.goto(live_server + "/?q=zzzqqq")
    assert "0 stories match" in page.locator(".count").inner_text()


def test_keyboard_skip_link_and_focus(page: Any, live_server: str) -> None:
    page.goto(live_server + "/stories/s-ferry")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className + '|' + document.activeElement.textContent")
    assert focused == "skip|Skip to content"
    assert page.locator("a.skip").bounding_box()["y"] >= 0  # visible once focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    _wait_for_fragment(page, "main")


def test_hostile_content_runs_no_script(page: Any, live_server: str) -> None:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    for path in (
        "/",
        "/stories/s-hostile",
        "/stories/s-hostile/compare",
        "/articles/ev-1",
        "/articles/ev-2",
        "/entities/e-evil",
        "/?q=dam",
    ):
        page.goto(live_server + path)
        page.wait_for_load_state("load")
        for element in page.locator("main a, main b, main img, main svg, main span").all()[:60]:
            element.dispatch_event("mouseover")  # would fire any injected onmouseover handler
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.locator("script").count() == 0, path
        assert page.locator("[onerror], [onload], [onmouseover]").count() == 0, path
        assert page.locator("a[href^='javascript:'], a[href^='data:']").count() == 0, path
    assert page.dialogs == []  # type: ignore[attr-defined]
    page.goto(live_server + "/stories/s-hostile")
    assert "<script>" in page.locator("h1").inner_text()  # shown as text, not run


@pytest.mark.parametrize("size", list(WIDTHS))
def test_screenshots_and_layout(browser: Any, live_server: str, size: str) -> None:
    width, height = WIDTHS[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "stories": "/",
        "story": "/stories/s-ferry",
        "compare": "/stories/s-ferry/compare?a=hl-1&b=np-1",
        "article": "/articles/np-1",
        "entity": "/entities/e-quill",
        "docs": "/docs",
    }
    try:
        for name, path in pages.items():
            pg.goto(live_server + path)
            _no_overflow(pg)
            pg.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            assert (SCREENSHOTS / f"{name}-{width}.png").stat().st_size > 5000
        assert requests and all(u.startswith(live_server) for u in requests), (
            "a page loaded something off-server"
        )
    finally:
        context.close()


def test_charts_have_fixed_size(page: Any, live_server: str) -> None:
    page.goto(live_server + "/stories/s-ferry")
    boxes = [c.bounding_box() for c in page.locator("svg.chart:visible").all()]
    assert len(boxes) == 2
    for box in boxes:
        assert box["width"] > 300 and box["height"] > 50
    # the same size whether or not the stylesheet has loaded: width/height attributes set the ratio
    ratios = page.evaluate(
        "[...document.querySelectorAll('.wide svg.chart')].map(s => s.getAttribute('width') / s.getAttribute('height'))"
    )
    assert all(abs(r - b["width"] / b["height"]) < 0.05 for r, b in zip(ratios, boxes, strict=True))


def test_missing_browser_skips_locally_and_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.web.conftest import _missing_browser

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        _missing_browser("/usr/bin/chromium is not installed")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _missing_browser("/usr/bin/chromium is not installed")
