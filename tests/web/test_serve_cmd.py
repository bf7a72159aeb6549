"""``storylens serve``: the missing-extra message and a real server process on a loopback port."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylens.cli import main as cli_main
from tests.web.conftest import free_port


def test_missing_web_extra_is_one_clear_line(web_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from storylens.cli import cli

    monkeypatch.setitem(sys.modules, "fastapi", None)  # import fails as if not installed
    result = CliRunner().invoke(cli, ["serve", "--db", str(web_db)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "storylens[web]" in lines[0]


def test_help_lists_the_options() -> None:
    from storylens.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--host", "--port", "--allow-ingest", "127.0.0.1"):
        assert option in result.output
    assert callable(cli_main)


def test_serve_process_answers_on_loopback(web_db: Path) -> None:
    import httpx

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "storylens", "serve", "--db", str(web_db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        response = None
        while time.monotonic() < deadline and response is None:
            try:
                response = httpx.get(base + "/", timeout=2)
            except httpx.HTTPError:
                time.sleep(0.05)
        assert response is not None and response.status_code == 200
        assert "Ferry crews strike in Port Aldren" in response.text
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert "server" not in response.headers
        # a page reached through another host name (DNS rebinding) is refused
        assert httpx.get(base + "/", headers={"host": "rebind.example"}).status_code == 400
        ingest = httpx.post(
            base + "/api/ingest", content=b"{}", headers={"content-type": "application/x-ndjson"}
        )
        assert ingest.status_code == 403
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in err.decode()
