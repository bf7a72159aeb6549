"""Fixtures for the web tests: a hand-built database, an API client, a live server and a browser."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.corpus import build_db

pytest.importorskip("fastapi", reason="the web extra (storylens[web]) is not installed")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("web") / "web.db")


@pytest.fixture
def client(web_db: Path) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from storylens.web import create_app

    with TestClient(create_app(web_db)) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(web_db: Path) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a background thread."""
    import httpx
    import uvicorn

    from storylens.web import create_app

    port = free_port()
    app = create_app(web_db, allowed_hosts=("127.0.0.1", "localhost"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/stories", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:
        pytest.fail("the test server did not start")
    yield base
    server.should_exit = True
    thread.join(timeout=10)


def _missing_browser(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"{reason} (CI must install it: pip install playwright==1.65.2; apt-get install -y chromium)"
        )
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright; skips when either is missing (fails on CI)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("playwright is not installed")
    if not CHROMIUM.exists():
        _missing_browser(f"{CHROMIUM} is not installed")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()
