"""The SQLite store: schema, migrations, FTS, transactions, story membership."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storylens.models import Article, Assignment, content_hash
from storylens.store import SCHEMA_VERSION, Store, StoreError


def art(
    id: str, source: str, text: str, published: str | None = None, duplicate_of: str | None = None
) -> Article:
    return Article(
        id=id,
        source=source,
        title=f"Title {id}",
        text=text,
        original=text,
        content_hash=content_hash(text),
        published=published,
        duplicate_of=duplicate_of,
    )


def test_schema_pragmas(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        tables = {r[0] for r in store.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"sources", "articles", "stories", "story_articles", "annotations", "articles_fts"} <= tables
    with Store(tmp_path / "a.db") as again:  # reopening runs no migration twice
        assert again.schema_version == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "new.db")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this storylens"):
        Store(tmp_path / "new.db")


def test_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a storylens database"):
        Store(tmp_path / "junk.db")


def test_articles_fts_and_roundtrip(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        with store.transaction():
            store.add_article(
                art("a1", "Harbor Ledger", "The ferry terminal opened in Zürich.", "2026-03-01")
            )
            store.add_article(art("a2", "Northgate Post", "Lantern festival draws crowds.", "2026-03-02"))
        assert store.search("zurich") == ["a1"]  # diacritics folded
        assert store.search("festival crowds") == ["a2"]
        assert store.search('"; DROP TABLE articles; --') == []
        got = store.article("a1")
        assert got is not None and got.source == "Harbor Ledger" and got.published == "2026-03-01"
        assert [a.id for a in store.articles(["a2", "a1", "zz"])] == ["a2", "a1"]


def test_transaction_rolls_back_everything(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.add_article(art("a1", "S", "text one"))
            raise RuntimeError("interrupted")
        assert store.count_articles() == 0
        with pytest.raises(sqlite3.IntegrityError), store.transaction():
            store.add_article(art("a1", "S", "text one"))
            store.add_article(art("a1", "S", "text one again"))
        assert store.count_articles() == 0


def test_story_counts_wire_copies_once(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        with store.transaction():
            store.add_article(art("w", "Meridian Wire", "wire text", "2026-03-01T10:00:00+00:00"))
            store.add_article(
                art("c1", "Harbor Ledger", "wire text", "2026-03-01T12:00:00+00:00", duplicate_of="w")
            )
            store.add_article(art("o", "Northgate Post", "own report", "2026-03-02T09:00:00+00:00"))
            store.save_assignments(
                [Assignment(i, "s-1", 1.0, "first article of the story") for i in ("w", "c1", "o")]
            )
        (story,) = store.stories()
        assert story.articles == ("w", "c1", "o")
        assert (story.sources, story.independent_sources) == (3, 2)
        assert story.first_published == "2026-03-01T10:00:00+00:00"
        assert story.title == "Title w"
        # moving an article out leaves the first story and removes empty stories
        with store.transaction():
            store.save_assignments([Assignment("o", "s-2", 0.9, "split")])
        assert {s.id: len(s.articles) for s in store.stories()} == {"s-1": 2, "s-2": 1}
        with store.transaction():
            store.save_assignments([Assignment("o", "s-1", 0.9, "merged")])
        assert [s.id for s in store.stories()] == ["s-1"]


def test_moving_an_article_drops_the_cached_brief_of_the_story_it_leaves(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        with store.transaction():
            for i in ("a", "b", "c"):
                store.add_article(art(i, f"Outlet {i}", f"text {i}", "2026-03-01T10:00:00+00:00"))
            store.save_assignments([Assignment(i, "s-1", 1.0, "joined") for i in ("a", "b")])
            store.save_assignments([Assignment("c", "s-2", 1.0, "first article of the story")])
        store.save_brief("s-1", {"story_id": "s-1"})
        store.save_brief("s-2", {"story_id": "s-2"})
        with store.transaction():
            store.save_assignments([Assignment("b", "s-2", 0.8, "moved from s-1")])
        assert store.cached_brief("s-1") is None  # left by b: stale
        assert store.cached_brief("s-2") is None  # joined by b: stale
