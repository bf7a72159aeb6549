"""Server-rendered HTML pages: stories, story (the brief), compare, article, entity and API docs.

Reads the store (one connection per request) and the story briefs (cached, or built and cached by
``pipeline.story_brief`` on a story's first visit); writes nothing else. Every value from the
database is passed to Jinja2 templates with autoescape on; article URLs become links only for
http(s) schemes.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from storylens.models import Article
from storylens.store import Store
from storylens.web import queries
from storylens.web.app import render, store_for

__all__ = ["router"]

log = logging.getLogger("storylens.web")
router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
StoreDep = Annotated[Store, Depends(store_for)]
PER_PAGE = 25
STATUS_ORDER = ("conflicting", "corroborated", "single_source")
STATUS_LABEL = {
    "conflicting": "Conflicting",
    "corroborated": "Corroborated",
    "single_source": "Single source",
}


def _date_or_none(value: str) -> str | None:
    try:
        return date.fromisoformat(value.strip()).isoformat() if value.strip() else ""
    except ValueError:
        return None


@router.get("/")
def stories_page(
    request: Request,
    store: StoreDep,
    q: Annotated[str, Query(max_length=500)] = "",
    source: Annotated[str, Query(max_length=200)] = "",
    since: Annotated[str, Query(max_length=40)] = "",
    until: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> HTMLResponse:
    problems = [
        f"{name}: use the form YYYY-MM-DD"
        for name, v in (("from", since), ("to", until))
        if _date_or_none(v) is None
    ]
    wanted = queries.StoryFilter(
        q=q.strip(), source=source, since=_date_or_none(since) or "", until=_date_or_none(until) or ""
    )
    found = queries.filter_stories(store, wanted, page, PER_PAGE)
    conflicts = queries.brief_conflict_counts(store, [s.id for s in found.stories])
    outlets: dict[str, list[str]] = {}
    if found.stories:
        ids = [a for s in found.stories for a in s.articles]
        by_article = _sources_of(store, ids)
        for s in found.stories:
            outlets[s.id] = sorted({by_article[a] for a in s.articles if a in by_article}, key=str.casefold)
    params = {k: v for k, v in (("q", q), ("source", source), ("since", since), ("until", until)) if v}
    return render(
        "stories.html",
        title="Stories",
        found=found,
        conflicts=conflicts,
        outlets=outlets,
        sources=queries.source_names(store),
        wanted=wanted,
        form={"q": q, "source": source, "since": since, "until": until},
        problems=problems,
        params=params,
        filtered=bool(params),
    )


def _sources_of(store: Store, article_ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for article_id, name in store.execute(
            f"SELECT a.id, s.name FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id IN ({marks})",
            chunk,
        ):
            out[article_id] = name
    return out


def _story_parts(store: Store, story_id: str) -> tuple[Any, list[Article], dict[str, str], dict[str, int]]:
    found = store.stories([story_id])
    if not found:
        raise HTTPException(404, f"no story {story_id!r}")
    story = found[0]
    assignments = store.story_assignments(story_id)
    reasons = {a.article_id: a.reason for a in assignments}
    articles = store.articles([a.article_id for a in assignments])
    numbers = {a.id: n for n, a in enumerate(articles, start=1)}
    return story, articles, reasons, numbers


def _brief(store: Store, story_id: str) -> tuple[dict[str, Any] | None, str | None]:
    """The story's brief JSON, or None with the reason it could not be built."""
    cached = store.cached_brief(story_id)
    if cached is not None:
        return _complete(cached), None
    from storylens.pipeline import story_brief

    try:
        return _complete(story_brief(store, story_id).to_dict()), None
    except KeyError:
        raise HTTPException(404, f"no story {story_id!r}") from None
    except Exception as exc:
        log.exception("building the brief of %s failed", story_id)
        return None, f"{type(exc).__name__}: {exc}"


BRIEF_LISTS = ("articles", "entities", "quotes", "facts", "conflicts", "timeline", "summary")


def _complete(brief: dict[str, Any]) -> dict[str, Any]:
    """A brief with every list the page shows present (a brief cached by an older build may lack one)."""
    for key in BRIEF_LISTS:
        brief.setdefault(key, [])
    return brief


@router.get("/stories/{story_id}")
def story_page(story_id: str, store: StoreDep) -> HTMLResponse:
    from storylens.web.charts import NARROW, NARROW_LABEL_W, coverage_chart, sources_chart

    story, articles, reasons, numbers = _story_parts(store, story_id)
    brief, problem = _brief(store, story_id)
    by_id = {a.id: a for a in articles}
    facts: dict[str, list[dict[str, Any]]] = {s: [] for s in STATUS_ORDER}
    for fact in (brief or {}).get("facts", []):
        facts.setdefault(fact["status"], []).append(fact)
    fact_text = {f["id"]: f["text"] for f in (brief or {}).get("facts", [])}
    pair = [a.id for a in articles if a.independent][:2] or [a.id for a in articles][:2]
    return render(
        "story.html",
        title=story.title or story.id,
        story=story,
        brief=brief,
        problem=problem,
        articles=articles,
        by_id=by_id,
        reasons=reasons,
        numbers=numbers,
        facts=facts,
        fact_text=fact_text,
        status_order=STATUS_ORDER,
        status_label=STATUS_LABEL,
        coverage=coverage_chart(articles, numbers),
        coverage_narrow=coverage_chart(articles, numbers, width=NARROW, label_w=NARROW_LABEL_W),
        sources=sources_chart(articles, story.independent_sources),
        sources_narrow=sources_chart(
            articles, story.independent_sources, width=NARROW, label_w=NARROW_LABEL_W
        ),
        compare_pair=pair if len(pair) == 2 else None,
    )


@router.get("/stories/{story_id}/compare")
def compare_page(
    story_id: str,
    store: StoreDep,
    a: Annotated[str, Query(max_length=300)] = "",
    b: Annotated[str, Query(max_length=300)] = "",
) -> HTMLResponse:
    from storylens.web.align import MATCH_THRESHOLD, align_sentences, split_sentences

    story, articles, _reasons, numbers = _story_parts(store, story_id)
    by_id = {x.id: x for x in articles}
    if len(articles) < 2:
        raise HTTPException(404, "this story has a single article: nothing to compare")
    a = a if a in by_id else articles[0].id
    b = b if b in by_id and b != a else next(x.id for x in articles if x.id != a)
    stored = store.annotations([a, b])
    brief = store.cached_brief(story_id) or {}
    left = split_sentences(by_id[a].text, stored.get(a, {}).get("sentences", []))
    right = split_sentences(by_id[b].text, stored.get(b, {}).get("sentences", []))
    rows = align_sentences(left, right, left_id=a, right_id=b, conflicts=brief.get("conflicts", []))
    counts = {k: sum(1 for r in rows if r.status == k) for k in ("shared", "only", "conflict")}
    return render(
        "compare.html",
        title=f"Compare — {story.title or story.id}",
        story=story,
        articles=articles,
        numbers=numbers,
        left=by_id[a],
        right=by_id[b],
        rows=rows,
        counts=counts,
        threshold=MATCH_THRESHOLD,
        has_brief=bool(brief),
    )


@router.get("/articles/{article_id}")
def article_page(article_id: str, store: StoreDep) -> HTMLResponse:
    article = store.article(article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id!r}")
    assignment = store.assignment(article_id)
    story = store.stories([assignment.story_id])[0] if assignment else None
    original = store.article(article.duplicate_of) if article.duplicate_of else None
    paragraphs = [p.strip() for p in article.text.split("\n\n") if p.strip()]
    return render(
        "article.html",
        title=article.title or article.id,
        article=article,
        paragraphs=paragraphs,
        assignment=assignment,
        story=story,
        original=original,
    )


@router.get("/entities/{entity_id}")
def entity_page(entity_id: str, store: StoreDep) -> HTMLResponse:
    from storylens.web.api import entity_view

    view = entity_view(store, entity_id)
    if view is None:
        raise HTTPException(404, f"no entity {entity_id!r} in any cached brief")
    return render("entity.html", title=view["name"], entity=view)


@router.get("/docs")
def docs_page(request: Request) -> HTMLResponse:
    """The API reference, rendered here from the OpenAPI document (no CDN assets)."""
    spec = request.app.openapi()
    endpoints = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": p.get("name", ""),
                    "in": p.get("in", ""),
                    "required": bool(p.get("required")),
                    "description": p.get("description", ""),
                    "schema": _schema_text(p.get("schema", {})),
                }
                for p in op.get("parameters", [])
            ]
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": params,
                    "responses": sorted(op.get("responses", {})),
                }
            )
    return render("docs.html", title="API", spec=spec, endpoints=endpoints)


def _schema_text(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(_schema_text(s) for s in schema["anyOf"])
    text = str(schema.get("type", ""))
    limits = [
        f"{k}={schema[k]}" for k in ("minimum", "maximum", "maxLength", "pattern", "default") if k in schema
    ]
    return text + (f" ({', '.join(limits)})" if limits else "")
