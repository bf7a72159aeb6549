"""The FastAPI application: settings, security headers, size limits, static files and error pages.

Reads the storylens database named in the settings (one ``Store`` connection per request, closed
after it); writes to it only through ``POST /api/ingest`` when ingest is allowed, and through
``story_brief`` when a story page caches a freshly built brief. Imported only by ``storylens serve``
and the tests: fastapi, starlette and jinja2 load here, never at ``storylens --help`` time.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from storylens.store import Store

__all__ = ["CSP", "MAX_BODY_BYTES", "WebSettings", "create_app", "render", "settings_of", "templates"]

MAX_BODY_BYTES = 5 * 1024 * 1024  # POST /api/ingest bodies above this are refused with 413

# Nothing but our own stylesheet; no script at all (the app works without JavaScript), inline SVG
# charts only use presentation attributes, images only from here or data: URIs.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

_HERE = Path(__file__).parent
STATIC_DIR = _HERE / "static"
TEMPLATE_DIR = _HERE / "templates"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass
class WebSettings:
    """How one app instance serves: which database, whether ingest is on, and its limits."""

    db_path: Path
    allow_ingest: bool = False
    max_body_bytes: int = MAX_BODY_BYTES
    annotate_ingest: bool = True  # run the language layer on ingested articles (as the CLI does)
    allowed_hosts: tuple[str, ...] = ()  # Host header values accepted (empty: any)
    ingest_lock: threading.Lock = field(default_factory=threading.Lock)

    def open_store(self) -> Store:
        return Store(self.db_path)


class SecurityMiddleware:
    """Adds the security headers to every response, refuses oversized bodies (413) and, when
    ``allowed_hosts`` is set, requests for other host names (400: blocks DNS rebinding)."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in existing]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        if self.settings.allowed_hosts:
            host = headers.get(b"host", b"").decode("latin-1")
            name = urlsplit(f"//{host}").hostname or ""
            if name not in self.settings.allowed_hosts:
                await _plain(send_secure, 400, f"unexpected Host header {host!r}")
                return
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.settings.max_body_bytes
            except ValueError:
                await _plain(send_secure, 400, "invalid Content-Length")
                return
            if too_big:
                await _plain(send_secure, 413, _too_large(self.settings.max_body_bytes))
                return
        await self.app(scope, receive, send_secure)


def _too_large(limit: int) -> str:
    return f"request body too large: the limit is {limit // (1024 * 1024)} MB ({limit} bytes)"


async def _plain(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def settings_of(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def store_for(request: Request) -> Iterator[Store]:
    """FastAPI dependency: a store connection for this request, closed afterwards."""
    store = settings_of(request).open_store()
    try:
        yield store
    finally:
        store.close()


# -- templates --------------------------------------------------------------------------------------


def safe_url(url: Any) -> str | None:
    """The URL when it is an absolute http(s) URL; None otherwise (``javascript:``, ``data:``, ...)."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ord(c) < 32 for c in candidate):
        return None
    return candidate


def short_time(value: Any) -> str:
    """``2026-03-09T10:00:00+00:00`` → ``2026-03-09 10:00`` (dates stay dates)."""
    if not isinstance(value, str) or not value:
        return "–"
    text = value.replace("T", " ")
    return text[:16] if len(text) > 10 else text


_ENV: Any = None


def templates() -> Any:
    """The Jinja2 environment (autoescape always on, also for included SVG)."""
    global _ENV
    if _ENV is None:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined

        env = Environment(
            loader=FileSystemLoader(str(TEMPLATE_DIR)),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=StrictUndefined,
        )
        env.filters["safe_url"] = safe_url
        env.filters["short_time"] = short_time
        env.filters["seg"] = lambda value: quote(str(value), safe="")
        _ENV = env
    return _ENV


def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(templates().get_template(name).render(**context), status_code=status_code)


# -- static files -------------------------------------------------------------------------------------


def _static_files() -> dict[str, tuple[bytes, str]]:
    """Every shipped static file by name, read once (a fixed list: no path is ever joined from a URL)."""
    files: dict[str, tuple[bytes, str]] = {}
    for path in sorted(STATIC_DIR.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if kind.startswith("text/"):
                kind += "; charset=utf-8"
            files[path.name] = (path.read_bytes(), kind)
    return files


# -- the app --------------------------------------------------------------------------------------------


def create_app(
    db_path: str | Path,
    *,
    allow_ingest: bool = False,
    max_body_bytes: int = MAX_BODY_BYTES,
    annotate_ingest: bool = True,
    allowed_hosts: Sequence[str] = (),
) -> FastAPI:
    """The storylens web app and HTTP API over the database at ``db_path``."""
    from storylens import __version__
    from storylens.web import api, pages

    settings = WebSettings(
        Path(db_path),
        allow_ingest=allow_ingest,
        max_body_bytes=max_body_bytes,
        annotate_ingest=annotate_ingest,
        allowed_hosts=tuple(allowed_hosts),
    )
    app = FastAPI(
        title="storylens",
        version=__version__,
        description="Stories, cross-source briefs, articles and entities of a storylens database.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.include_router(api.router)
    app.include_router(pages.router)
    static = _static_files()

    @app.get("/static/{name:path}", include_in_schema=False)
    def static_file(name: str) -> Response:
        found = static.get(name)
        if found is None:
            raise StarletteHTTPException(404, "no such file")
        return Response(found[0], media_type=found[1], headers={"Cache-Control": "public, max-age=3600"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return render(
            "error.html",
            exc.status_code,
            title=f"Error {exc.status_code}",
            status=exc.status_code,
            detail=str(exc.detail),
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()
        ]
        if _wants_json(request):
            return JSONResponse({"detail": problems}, status_code=422)
        text = "; ".join(f"{'.'.join(str(x) for x in p['loc'][1:])}: {p['msg']}" for p in problems)
        return render(
            "error.html", 422, title="Invalid request", status=422, detail=f"invalid request: {text}"
        )

    app.add_middleware(SecurityMiddleware, settings=settings)
    return app


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/api" or path.endswith(".json")
