"""Read queries the web app needs and the store has no method for.

Reads the ``stories``, ``story_articles``, ``articles``, ``sources``, ``briefs`` and
``story_entities`` tables through ``Store.execute``; writes nothing. Everything here is plain
SQL over the store's schema, so the pages stay fast on large databases (no brief is built).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from storylens.models import Story

__all__ = [
    "StoryFilter",
    "StoryPage",
    "brief_conflict_counts",
    "cached_briefs",
    "entity_rows",
    "filter_stories",
    "source_names",
    "stories_with_articles",
]

_CHUNK = 500


@dataclass(frozen=True)
class StoryFilter:
    """What the story list is narrowed to: an FTS query, one outlet and a date range (inclusive)."""

    q: str = ""
    source: str = ""
    since: str = ""  # YYYY-MM-DD
    until: str = ""  # YYYY-MM-DD


@dataclass(frozen=True)
class StoryPage:
    """One page of the filtered story list, newest first."""

    stories: list[Story]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def source_names(store: Any) -> list[str]:
    """Every outlet in the database, alphabetically."""
    return [r[0] for r in store.execute("SELECT name FROM sources ORDER BY name COLLATE NOCASE")]


def stories_with_articles(store: Any, article_ids: Sequence[str]) -> set[str]:
    """Ids of the stories holding any of these articles."""
    found: set[str] = set()
    for chunk in _chunks(list(article_ids)):
        marks = ",".join("?" * len(chunk))
        found.update(
            r[0]
            for r in store.execute(
                f"SELECT DISTINCT story_id FROM story_articles WHERE article_id IN ({marks})", list(chunk)
            )
        )
    return found


def _stories_with_source(store: Any, source: str) -> set[str]:
    rows = store.execute(
        "SELECT DISTINCT m.story_id FROM story_articles m JOIN articles a ON a.id = m.article_id "
        "JOIN sources s ON s.id = a.source_id WHERE s.name = ?",
        (source,),
    )
    return {r[0] for r in rows}


# How many articles a search looks at: enough that every story sharing a rare term is found, bounded
# so a query matching every article of a large database stays quick.
SEARCH_ARTICLE_LIMIT = 2000


def filter_stories(store: Any, wanted: StoryFilter, page: int = 1, per_page: int = 20) -> StoryPage:
    """Stories matching ``wanted`` (newest activity first), sliced to one page.

    A story matches the date range when its span [first, last published] overlaps it; it matches
    the search when any of its articles matches the FTS5 query; it matches the source when any of
    its articles comes from that outlet.
    """
    ids: set[str] | None = None
    if wanted.q.strip():
        ids = stories_with_articles(store, store.search(wanted.q, limit=SEARCH_ARTICLE_LIMIT))
    if wanted.source:
        by_source = _stories_with_source(store, wanted.source)
        ids = by_source if ids is None else ids & by_source
    if ids is not None and not ids:
        return StoryPage([], 0, page, per_page)
    stories: list[Story] = store.stories(sorted(ids) if ids is not None else None)
    if wanted.since:
        stories = [s for s in stories if (s.last_published or s.first_published or "")[:10] >= wanted.since]
    if wanted.until:
        stories = [s for s in stories if s.first_published and s.first_published[:10] <= wanted.until]
    start = (page - 1) * per_page
    return StoryPage(stories[start : start + per_page], len(stories), page, per_page)


def brief_conflict_counts(store: Any, story_ids: Sequence[str]) -> dict[str, int]:
    """Number of conflicts in each story's cached brief (stories without a cached brief are absent)."""
    counts: dict[str, int] = {}
    for chunk in _chunks(list(story_ids)):
        marks = ",".join("?" * len(chunk))
        for story_id, n in store.execute(
            f"SELECT story_id, json_array_length(data, '$.conflicts') FROM briefs WHERE story_id IN ({marks})",
            list(chunk),
        ):
            counts[story_id] = int(n or 0)
    return counts


def cached_briefs(store: Any, story_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The cached brief JSON of each story that has one."""
    out: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(list(story_ids)):
        marks = ",".join("?" * len(chunk))
        for story_id, data in store.execute(
            f"SELECT story_id, data FROM briefs WHERE story_id IN ({marks})", list(chunk)
        ):
            out[story_id] = json.loads(data)
    return out


def entity_rows(store: Any, entity_id: str) -> list[dict[str, Any]]:
    """``story_entities`` rows of an entity: its own id, plus rows in other stories naming the same
    entity (same name and type, case-insensitive), since entity ids are assigned per brief."""
    first = store.execute(
        "SELECT name, type FROM story_entities WHERE entity_id = ? LIMIT 1", (entity_id,)
    ).fetchone()
    if first is None:
        return []
    rows = store.execute(
        "SELECT e.story_id, e.entity_id, e.name, e.type, e.mentions, st.title FROM story_entities e "
        "JOIN stories st ON st.id = e.story_id "
        "WHERE e.entity_id = ? OR (e.name = ? COLLATE NOCASE AND e.type = ?) "
        "ORDER BY st.updated_at DESC, e.story_id",
        (entity_id, first[0], first[1]),
    ).fetchall()
    return [
        {"story_id": r[0], "entity_id": r[1], "name": r[2], "type": r[3], "mentions": r[4], "title": r[5]}
        for r in rows
    ]
