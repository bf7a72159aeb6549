"""``storylens serve``: the local web app and HTTP API."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from storylens.cli._common import db_option, open_store

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on."
)
@click.option(
    "--allow-ingest",
    is_flag=True,
    help="Accept POST /api/ingest (JSON lines, 5 MB at most). Off by default.",
)
def serve(db: Path, host: str, port: int, allow_ingest: bool) -> None:
    """Serve the stories, briefs, comparisons and a JSON API of a database in the browser.

    Everything is served from this machine (no CDN); pages work without JavaScript.
    API reference at /docs, OpenAPI at /openapi.json.

    \b
    Examples:
      storylens serve --db news.db             # http://127.0.0.1:8000/
      storylens serve --port 8080 --allow-ingest
    """
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError as exc:
        raise click.ClickException(
            f"the web app needs the 'web' extra ({exc.name} is missing): pip install 'storylens[web]'"
        ) from None
    from storylens.web import create_app

    open_store(db).close()  # create or migrate now, and fail early on a bad database
    allowed = LOOPBACK_NAMES if _is_loopback(host) else ()
    if not _is_loopback(host):
        click.echo(
            f"warning: listening on {host}, reachable from other machines; there is no login", err=True
        )
    app = create_app(db, allow_ingest=allow_ingest, allowed_hosts=allowed)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"storylens: serving {db} at http://{shown}:{port}/ (Ctrl+C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
