"""JSON routes under ``/api/``: stories, one story's brief, articles, entities and ingest.

Reads the store (one connection per request); ``GET /api/stories/{id}`` builds and caches a brief
when none is cached (``pipeline.story_brief``); ``POST /api/ingest`` writes articles through
``pipeline.ingest_records`` (only when the server runs with ``--allow-ingest``).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool

from storylens.models import to_dict
from storylens.store import Store
from storylens.web import queries
from storylens.web.app import settings_of, store_for

__all__ = ["INGEST_CONTENT_TYPES", "brief_or_error", "router"]

log = logging.getLogger("storylens.web")
router = APIRouter(prefix="/api", tags=["api"])
StoreDep = Annotated[Store, Depends(store_for)]
DATE = r"^\d{4}-\d{2}-\d{2}$"

# A browser form on another site can only send text/plain, form or multipart bodies without asking
# first (CORS preflight, which this server never grants): requiring a JSON-lines type blocks
# cross-site POSTs to a local server.
INGEST_CONTENT_TYPES = (
    "application/x-ndjson",
    "application/jsonl",
    "application/json-lines",
    "application/json",
)


def brief_or_error(store: Store, story_id: str) -> dict[str, Any]:
    """The story's brief (``storylens.brief/1``): cached, else built now. 404 for an unknown story,
    503 when the brief cannot be built in this installation."""
    from storylens.pipeline import story_brief

    cached = store.cached_brief(story_id)
    if cached is not None:
        return cached
    try:
        return story_brief(store, story_id).to_dict()
    except KeyError:
        raise HTTPException(404, f"no story {story_id!r}") from None
    except Exception as exc:
        log.exception("building the brief of %s failed", story_id)
        raise HTTPException(503, f"the brief of {story_id!r} cannot be built: {exc}") from None


@router.get("/stories", summary="List stories (newest first), paged, searchable and filterable")
def list_stories(
    store: StoreDep,
    page: Annotated[int, Query(ge=1, description="Page number, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=200, description="Stories per page")] = 20,
    q: Annotated[
        str, Query(max_length=500, description="Full-text search over article titles and text")
    ] = "",
    source: Annotated[
        str, Query(max_length=200, description="Only stories with an article from this outlet")
    ] = "",
    since: Annotated[
        str | None, Query(pattern=DATE, description="Stories active on or after (YYYY-MM-DD)")
    ] = None,
    until: Annotated[
        str | None, Query(pattern=DATE, description="Stories begun on or before (YYYY-MM-DD)")
    ] = None,
) -> dict[str, Any]:
    """`{"page", "per_page", "total", "pages", "stories": [...]}`; each story is the
    `storylens stories --format json` record plus `conflicts` (from the cached brief, else null)."""
    wanted = queries.StoryFilter(q=q, source=source, since=since or "", until=until or "")
    found = queries.filter_stories(store, wanted, page, per_page)
    conflicts = queries.brief_conflict_counts(store, [s.id for s in found.stories])
    return {
        "page": found.page,
        "per_page": found.per_page,
        "total": found.total,
        "pages": found.pages,
        "stories": [s.summary_dict() | {"conflicts": conflicts.get(s.id)} for s in found.stories],
    }


@router.get(
    "/stories/{story_id}",
    summary="A story's cross-source brief (storylens.brief/1)",
    responses={404: {"description": "no such story"}, 503: {"description": "the brief cannot be built"}},
)
def get_story(story_id: str, store: StoreDep) -> dict[str, Any]:
    """Exactly the `storylens.brief/1` JSON contract (schema `storylens/schemas/brief-1.json`)."""
    return brief_or_error(store, story_id)


@router.get(
    "/articles/{article_id}",
    summary="One article, with its story and why it was grouped",
    responses={404: {"description": "no such article"}},
)
def get_article(article_id: str, store: StoreDep) -> dict[str, Any]:
    """The stored article record plus `story_id` and `reason` (null when not in a story)."""
    article = store.article(article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id!r}")
    assignment = store.assignment(article_id)
    data: dict[str, Any] = to_dict(article)
    data["independent"] = article.independent
    data["story_id"] = assignment.story_id if assignment else None
    data["reason"] = assignment.reason if assignment else None
    return data


def entity_view(store: Store, entity_id: str) -> dict[str, Any] | None:
    """An entity across the stories whose cached brief names it, with the quotes attributed to it."""
    rows = queries.entity_rows(store, entity_id)
    if not rows:
        return None
    briefs = queries.cached_briefs(store, [r["story_id"] for r in rows])
    ids_by_story = {r["story_id"]: r["entity_id"] for r in rows}
    main = next((r for r in rows if r["entity_id"] == entity_id), rows[0])
    variants: dict[str, None] = {main["name"]: None}
    stories: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    for row in rows:
        brief = briefs.get(row["story_id"], {})
        local_id = ids_by_story[row["story_id"]]
        entity: dict[str, Any] = next((e for e in brief.get("entities", []) if e.get("id") == local_id), {})
        names = {row["name"].casefold(), *(v.casefold() for v in entity.get("variants", []))}
        for v in entity.get("variants", []):
            variants.setdefault(v, None)
        stories.append(
            {
                "id": row["story_id"],
                "title": row["title"],
                "entity_id": local_id,
                "mentions": row["mentions"],
                "articles": list(entity.get("articles", [])),
                "roles": list(entity.get("roles", [])),
            }
        )
        for quote in brief.get("quotes", []):
            speaker = (quote.get("speaker") or "").casefold()
            if quote.get("speaker_entity") == local_id or (speaker and speaker in names):
                quotes.append(quote | {"story_id": row["story_id"]})
    return {
        "id": entity_id,
        "name": main["name"],
        "type": main["type"],
        "variants": list(variants),
        "stories": stories,
        "quotes": quotes,
    }


@router.get(
    "/entities/{entity_id}",
    summary="A person or organisation: its stories and quotes",
    responses={404: {"description": "no cached brief names this entity"}},
)
def get_entity(entity_id: str, store: StoreDep) -> dict[str, Any]:
    """`{"id", "name", "type", "variants", "stories": [...], "quotes": [...]}` from the cached briefs."""
    view = entity_view(store, entity_id)
    if view is None:
        raise HTTPException(404, f"no entity {entity_id!r} in any cached brief")
    return view


@router.post(
    "/ingest",
    summary="Add articles (JSON lines body); only with `storylens serve --allow-ingest`",
    responses={
        403: {"description": "ingest is off"},
        413: {"description": "body too large"},
        415: {"description": "not sent as JSON lines"},
    },
)
async def ingest(request: Request) -> dict[str, Any]:
    """Body: one JSON article record per line (the CLI's JSONL input format), sent as
    `application/x-ndjson`. Returns `{"added": [ids], "duplicates": [ids], "rejected":
    [{"origin", "reason"}], "summary"}` with the same validation and messages as `storylens ingest`."""
    settings = settings_of(request)
    if not settings.allow_ingest:
        raise HTTPException(
            403, "ingest is off: start the server with `storylens serve --allow-ingest` to accept articles"
        )
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in INGEST_CONTENT_TYPES:
        raise HTTPException(
            415, f"send JSON lines as Content-Type: application/x-ndjson (got {kind or 'none'!r})"
        )
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > settings.max_body_bytes:
            from storylens.web.app import _too_large

            raise HTTPException(413, _too_large(settings.max_body_bytes))
    return await run_in_threadpool(_ingest_body, settings, bytes(body))


def _ingest_body(settings: Any, body: bytes) -> dict[str, Any]:
    from storylens.ingest import InputError, _read_jsonl, decode_bytes
    from storylens.models import RawArticle, Rejection
    from storylens.pipeline import EmbedderError, ingest_records

    origin = "<request>"
    try:
        text = decode_bytes(body)
    except InputError as exc:
        return {
            "added": [],
            "duplicates": [],
            "rejected": [{"origin": origin, "reason": str(exc)}],
            "summary": "",
        }
    raws: list[RawArticle] = []
    rejected: list[Rejection] = []
    for item in _read_jsonl(text, origin):
        (rejected if isinstance(item, Rejection) else raws).append(item)  # type: ignore[arg-type]
    with settings.ingest_lock, settings.open_store() as store:
        try:
            report = ingest_records(store, raws, annotate=settings.annotate_ingest)
        except EmbedderError as exc:  # the stories' embedder cannot load here: nothing stored
            raise HTTPException(503, f"cannot ingest: {exc}") from None
    report.rejected[:0] = rejected
    return {
        "added": report.added,
        "duplicates": report.duplicates,
        "rejected": [{"origin": r.origin, "reason": r.reason} for r in report.rejected],
        "summary": report.summary(),
    }
