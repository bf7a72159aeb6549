"""The SQLite store: articles, sources, stories, membership, annotations and cached briefs.

Embedded SQLite in WAL mode with foreign keys on, an FTS5 index over title and text, and a schema
versioned through ``PRAGMA user_version`` with forward-only migrations. Writers group a whole
ingest batch in one transaction (``with store.transaction():``), so a killed run leaves the
database as it was before the batch or after it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storylens.models import Article, Assignment, Story

__all__ = ["SCHEMA_VERSION", "Store", "StoreError", "default_db_path"]


class StoreError(RuntimeError):
    """The database cannot be used (newer schema, not a storylens database, ...)."""


def default_db_path() -> Path:
    """``$STORYLENS_DB`` or ``./storylens.db``."""
    return Path(os.environ.get("STORYLENS_DB") or "storylens.db")


_MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
    );
    CREATE TABLE articles (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        source_id INTEGER NOT NULL REFERENCES sources(id),
        title TEXT NOT NULL DEFAULT '',
        url TEXT,
        published TEXT,
        language TEXT,
        author TEXT,
        original TEXT NOT NULL,
        text TEXT NOT NULL,
        removed TEXT NOT NULL DEFAULT '[]',
        content_hash TEXT NOT NULL,
        duplicate_of TEXT REFERENCES articles(id),
        duplicate_kind TEXT CHECK (duplicate_kind IN ('exact', 'near')),
        similarity REAL,
        origin TEXT NOT NULL DEFAULT '',
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_source ON articles(source_id);
    CREATE INDEX articles_duplicate ON articles(duplicate_of);
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TABLE minhashes (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        signature BLOB NOT NULL
    );
    CREATE TABLE source_lines (
        source_id INTEGER NOT NULL REFERENCES sources(id),
        line_hash TEXT NOT NULL,
        line TEXT NOT NULL,
        articles INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (source_id, line_hash)
    );
    CREATE TABLE annotations (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        data TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE story_articles (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        story_id TEXT NOT NULL REFERENCES stories(id),
        score REAL NOT NULL,
        reason TEXT NOT NULL,
        signals TEXT NOT NULL DEFAULT '{}',
        assigned_at TEXT NOT NULL
    );
    CREATE INDEX story_articles_story ON story_articles(story_id);
    CREATE TABLE cluster_state (
        key TEXT PRIMARY KEY,
        data BLOB NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE briefs (
        story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
        data TEXT NOT NULL,
        built_at TEXT NOT NULL
    );
    CREATE TABLE story_entities (
        story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        entity_id TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        mentions INTEGER NOT NULL,
        PRIMARY KEY (story_id, entity_id)
    );
    CREATE INDEX story_entities_entity ON story_entities(entity_id);
    CREATE INDEX story_entities_name ON story_entities(name);
    """,
]

SCHEMA_VERSION = len(_MIGRATIONS)

_ARTICLE_COLUMNS = (
    "a.id, s.name AS source, a.title, a.url, a.published, a.language, a.author, a.original, a.text, "
    "a.removed, a.content_hash, a.duplicate_of, a.duplicate_kind, a.similarity, a.origin"
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """A storylens database. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self._conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
        self._conn.row_factory = sqlite3.Row
        self._in_transaction = False
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(f"{self.path}: not a storylens database ({exc})") from None

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def _migrate(self) -> None:
        version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this storylens ({SCHEMA_VERSION}); upgrade"
            )
        for number in range(version, SCHEMA_VERSION):
            with self.transaction():
                for statement in _split_sql(_MIGRATIONS[number]):
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version={number + 1}")

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work; nested calls join the outer transaction."""
        if self._in_transaction:
            yield
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._in_transaction = False

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """Run one statement (for read queries the store has no method for)."""
        return self._conn.execute(sql, params)

    # -- sources and articles --------------------------------------------------------------------
    def source_id(self, name: str) -> int:
        row = self._conn.execute("SELECT id FROM sources WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        cursor = self._conn.execute("INSERT INTO sources(name) VALUES (?)", (name,))
        return int(cursor.lastrowid or 0)

    def add_article(self, article: Article, signature: bytes | None = None) -> None:
        """Insert one article (inside the caller's transaction)."""
        self._conn.execute(
            "INSERT INTO articles(id, source_id, title, url, published, language, author, original, text, "
            "removed, content_hash, duplicate_of, duplicate_kind, similarity, origin, ingested_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                self.source_id(article.source),
                article.title,
                article.url,
                article.published,
                article.language,
                article.author,
                article.original,
                article.text,
                json.dumps(list(article.removed), ensure_ascii=False),
                article.content_hash,
                article.duplicate_of,
                article.duplicate_kind,
                article.similarity,
                article.origin,
                _now(),
            ),
        )
        if signature is not None:
            self._conn.execute(
                "INSERT INTO minhashes(article_id, signature) VALUES (?, ?)", (article.id, signature)
            )

    def has_article(self, article_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def find_by_hash(self, content_hash: str) -> list[tuple[str, str, str | None]]:
        """(id, source, duplicate_of) of the stored articles with this normalised-text hash, oldest first."""
        rows = self._conn.execute(
            "SELECT a.id, s.name, a.duplicate_of FROM articles a JOIN sources s ON s.id = a.source_id "
            "WHERE a.content_hash = ? ORDER BY a.rowid",
            (content_hash,),
        ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def signatures(self) -> Iterator[tuple[str, bytes, str | None]]:
        """(article id, MinHash signature, duplicate_of) of every stored article."""
        for row in self._conn.execute(
            "SELECT m.article_id, m.signature, a.duplicate_of FROM minhashes m JOIN articles a ON a.id = m.article_id"
        ):
            yield row[0], row[1], row[2]

    def article(self, article_id: str) -> Article | None:
        row = self._conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        return _row_to_article(row) if row else None

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """Articles by id (in the given order), or all of them in ingest order."""
        if ids is None:
            rows = self._conn.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id ORDER BY a.rowid"
            ).fetchall()
            return [_row_to_article(r) for r in rows]
        wanted = list(ids)
        found: dict[str, Article] = {}
        for chunk_start in range(0, len(wanted), 500):
            chunk = wanted[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._conn.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id "
                f"WHERE a.id IN ({marks})",
                chunk,
            ):
                found[row["id"]] = _row_to_article(row)
        return [found[i] for i in wanted if i in found]

    def count_articles(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def search(self, query: str, limit: int = 50) -> list[str]:
        """Article ids matching an FTS5 query over title and text, best first."""
        terms = " ".join(f'"{t}"' for t in query.replace('"', " ").split() if t)
        if not terms:
            return []
        rows = self._conn.execute(
            "SELECT a.id FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
            (terms, limit),
        ).fetchall()
        return [r[0] for r in rows]

    # -- repeated lines per source (for boilerplate learning) --------------------------------------
    def line_counts(self, source: str, line_hashes: Iterable[str]) -> dict[str, int]:
        row = self._conn.execute("SELECT id FROM sources WHERE name = ?", (source,)).fetchone()
        if not row:
            return {}
        hashes = list(set(line_hashes))
        counts: dict[str, int] = {}
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for line_hash, n in self._conn.execute(
                f"SELECT line_hash, articles FROM source_lines WHERE source_id = ? AND line_hash IN ({marks})",
                [row[0], *chunk],
            ):
                counts[line_hash] = int(n)
        return counts

    def count_lines(self, source: str, lines: dict[str, str]) -> None:
        """Record that one more article of ``source`` carried each of ``lines`` (hash → line)."""
        source_id = self.source_id(source)
        self._conn.executemany(
            "INSERT INTO source_lines(source_id, line_hash, line, articles) VALUES (?, ?, ?, 1) "
            "ON CONFLICT(source_id, line_hash) DO UPDATE SET articles = articles + 1",
            [(source_id, h, line) for h, line in lines.items()],
        )

    # -- annotations --------------------------------------------------------------------------------
    def save_annotations(self, article_id: str, data: dict[str, Any]) -> None:
        self._conn.execute(
            "INSERT INTO annotations(article_id, data, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT(article_id) DO UPDATE SET data = excluded.data, created_at = excluded.created_at",
            (article_id, json.dumps(data, ensure_ascii=False), _now()),
        )

    def annotations(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = list(ids)
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for article_id, data in self._conn.execute(
                f"SELECT article_id, data FROM annotations WHERE article_id IN ({marks})", chunk
            ):
                out[article_id] = json.loads(data)
        return out

    # -- stories --------------------------------------------------------------------------------------
    def save_assignments(
        self, assignments: Iterable[Assignment], titles: dict[str, str] | None = None
    ) -> None:
        """Record (or move) articles into stories; stories that end up empty are removed."""
        now = _now()
        titles = titles or {}
        touched: set[str] = set()
        for a in assignments:
            previous = self._conn.execute(
                "SELECT story_id FROM story_articles WHERE article_id = ?", (a.article_id,)
            ).fetchone()
            if previous is not None:
                touched.add(previous[0])  # the story an article leaves changes too
            self._conn.execute(
                "INSERT INTO stories(id, title, created_at, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at",
                (a.story_id, titles.get(a.story_id, ""), now, now),
            )
            self._conn.execute(
                "INSERT INTO story_articles(article_id, story_id, score, reason, signals, assigned_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(article_id) DO UPDATE SET story_id = excluded.story_id, "
                "score = excluded.score, reason = excluded.reason, signals = excluded.signals, "
                "assigned_at = excluded.assigned_at",
                (a.article_id, a.story_id, float(a.score), a.reason, json.dumps(a.signals), now),
            )
            touched.add(a.story_id)
        self._conn.execute(
            "DELETE FROM stories WHERE id NOT IN (SELECT DISTINCT story_id FROM story_articles)"
        )
        for story_id in touched:
            self._conn.execute("DELETE FROM briefs WHERE story_id = ?", (story_id,))
        self._refresh_titles(touched)

    def _refresh_titles(self, story_ids: Iterable[str]) -> None:
        """A story's title is its earliest independent article's title."""
        for story_id in story_ids:
            row = self._conn.execute(
                "SELECT a.title FROM story_articles m JOIN articles a ON a.id = m.article_id "
                "WHERE m.story_id = ? AND a.title != '' "
                "ORDER BY a.duplicate_of IS NOT NULL, a.published IS NULL, a.published, a.rowid LIMIT 1",
                (story_id,),
            ).fetchone()
            if row:
                self._conn.execute("UPDATE stories SET title = ? WHERE id = ?", (row[0], story_id))

    def assignment(self, article_id: str) -> Assignment | None:
        row = self._conn.execute(
            "SELECT article_id, story_id, score, reason, signals FROM story_articles WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        if not row:
            return None
        return Assignment(row[0], row[1], float(row[2]), row[3], json.loads(row[4]))

    def story_assignments(self, story_id: str) -> list[Assignment]:
        rows = self._conn.execute(
            "SELECT m.article_id, m.story_id, m.score, m.reason, m.signals FROM story_articles m "
            "JOIN articles a ON a.id = m.article_id WHERE m.story_id = ? "
            "ORDER BY a.published IS NULL, a.published, a.rowid",
            (story_id,),
        ).fetchall()
        return [Assignment(r[0], r[1], float(r[2]), r[3], json.loads(r[4])) for r in rows]

    def stories(self, story_ids: Iterable[str] | None = None) -> list[Story]:
        """Stories, newest activity first, with source counts computed from their articles."""
        where = ""
        params: list[Any] = []
        if story_ids is not None:
            ids = list(story_ids)
            if not ids:
                return []
            where = f"WHERE m.story_id IN ({','.join('?' * len(ids))})"
            params = ids
        rows = self._conn.execute(
            "SELECT m.story_id, st.title, a.id, s.name, a.duplicate_of, a.published "
            "FROM story_articles m JOIN stories st ON st.id = m.story_id JOIN articles a ON a.id = m.article_id "
            f"JOIN sources s ON s.id = a.source_id {where} "
            "ORDER BY a.published IS NULL, a.published, a.rowid",
            params,
        ).fetchall()
        grouped: dict[str, list[sqlite3.Row]] = {}
        for row in rows:
            grouped.setdefault(row[0], []).append(row)
        stories = [_make_story(story_id, members) for story_id, members in grouped.items()]
        stories.sort(key=lambda s: (s.last_published or "", s.id), reverse=True)
        return stories

    def unassigned_articles(self) -> list[str]:
        rows = self._conn.execute(
            "SELECT a.id FROM articles a LEFT JOIN story_articles m ON m.article_id = a.id "
            "WHERE m.article_id IS NULL ORDER BY a.published IS NULL, a.published, a.rowid"
        ).fetchall()
        return [r[0] for r in rows]

    def load_state(self, key: str) -> bytes | None:
        row = self._conn.execute("SELECT data FROM cluster_state WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def save_state(self, key: str, data: bytes) -> None:
        self._conn.execute(
            "INSERT INTO cluster_state(key, data, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            (key, data, _now()),
        )

    # -- cached briefs and story entities ---------------------------------------------------------------
    def cached_brief(self, story_id: str) -> dict[str, Any] | None:
        row = self._conn.execute("SELECT data FROM briefs WHERE story_id = ?", (story_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_brief(self, story_id: str, data: dict[str, Any]) -> None:
        """Cache a story's brief and index its entities (for entity pages and search)."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO briefs(story_id, data, built_at) VALUES (?, ?, ?) ON CONFLICT(story_id) "
                "DO UPDATE SET data = excluded.data, built_at = excluded.built_at",
                (story_id, json.dumps(data, ensure_ascii=False), _now()),
            )
            self._conn.execute("DELETE FROM story_entities WHERE story_id = ?", (story_id,))
            self._conn.executemany(
                "INSERT OR REPLACE INTO story_entities(story_id, entity_id, name, type, mentions) "
                "VALUES (?, ?, ?, ?, ?)",
                [(story_id, e["id"], e["name"], e["type"], e["mentions"]) for e in data.get("entities", [])],
            )


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (triggers contain semicolons inside BEGIN…END)."""
    statements: list[str] = []
    buffer: list[str] = []
    for line in script.strip().splitlines():
        buffer.append(line)
        candidate = "\n".join(buffer).strip()
        if candidate.endswith(";") and sqlite3.complete_statement(candidate):
            statements.append(candidate)
            buffer = []
    if "\n".join(buffer).strip():
        statements.append("\n".join(buffer).strip())
    return statements


def _row_to_article(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"],
        source=row["source"],
        title=row["title"],
        text=row["text"],
        original=row["original"],
        url=row["url"],
        published=row["published"],
        language=row["language"],
        author=row["author"],
        removed=tuple(json.loads(row["removed"])),
        content_hash=row["content_hash"],
        duplicate_of=row["duplicate_of"],
        duplicate_kind=row["duplicate_kind"],
        similarity=row["similarity"],
        origin=row["origin"],
    )


def _make_story(story_id: str, members: list[sqlite3.Row]) -> Story:
    sources = {m[3] for m in members}
    by_id = {m[2]: m for m in members}
    independent: set[str] = set()
    for m in members:
        root = m[2]
        seen = {root}
        while by_id.get(root) is not None and by_id[root][4] and by_id[root][4] not in seen:
            root = by_id[root][4]
            seen.add(root)
        # a copy counts as its original's source; an original outside the story still counts once
        independent.add(by_id[root][3] if root in by_id else f"article:{root}")
    dates = sorted(m[5] for m in members if m[5])
    return Story(
        id=story_id,
        title=members[0][1],
        articles=tuple(m[2] for m in members),
        sources=len(sources),
        independent_sources=len(independent),
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
    )
