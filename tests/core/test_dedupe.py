"""Exact copies, wire copies and near-duplicates."""

from __future__ import annotations

from dataclasses import replace

from storylens.dedupe import Deduplicator
from storylens.models import Article, content_hash

from ..conftest import BRIDGE, FESTIVAL


def art(id: str, source: str, text: str) -> Article:
    return Article(id=id, source=source, title="t", text=text, original=text, content_hash=content_hash(text))


def test_same_source_same_text_adds_nothing() -> None:
    d = Deduplicator()
    assert d.check(art("a", "Harbor Ledger", BRIDGE)).kind == "new"
    assert d.check(art("b", "Harbor Ledger", BRIDGE + " ")).kind == "skip"
    assert d.check(art("a", "Other", FESTIVAL)).kind == "skip"  # same id again


def test_other_source_same_text_is_a_wire_copy() -> None:
    d = Deduplicator()
    d.check(art("wire", "Meridian Wire", BRIDGE))
    verdict = d.check(art("copy", "Harbor Ledger", BRIDGE.upper()))  # normalised: case and punctuation
    assert verdict.kind == "exact"
    assert verdict.article.duplicate_of == "wire" and not verdict.article.independent


def test_lightly_edited_copy_is_a_near_duplicate() -> None:
    d = Deduplicator()
    d.check(art("wire", "Meridian Wire", BRIDGE))
    edited = BRIDGE.replace("complained", "said").replace("half an hour", "thirty minutes")
    edited = edited.rsplit("\n\n", 1)[0] + "\n\n(Meridian Wire)"
    verdict = d.check(art("edit", "Coastline Daily", edited))
    assert verdict.kind == "near" and verdict.article.duplicate_of == "wire"
    assert verdict.article.similarity is not None and verdict.article.similarity >= 0.5
    # a copy of the copy points at the original
    again = d.check(art("edit2", "Civic Times", edited.replace("ferries", "boats")))
    assert again.kind == "near" and again.article.duplicate_of == "wire"


def test_different_reports_are_independent() -> None:
    d = Deduplicator()
    d.check(art("a", "Harbor Ledger", BRIDGE))
    other = (
        "Engineers shut the ninety-year-old Old Mill crossing at the start of the week when they spotted "
        "fractures. Ana Ruiz, the transport commissioner, expects repairs to take weeks and promised extra ferries."
    )
    assert d.check(art("b", "Northgate Post", other)).kind == "new"
    assert d.check(art("c", "Northgate Post", FESTIVAL)).kind == "new"


def test_signatures_reload_from_store(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from storylens.store import Store

    with Store(tmp_path / "d.db") as store:
        first = Deduplicator(store).check(art("wire", "Meridian Wire", BRIDGE))
        with store.transaction():
            store.add_article(first.article, first.signature)
        edited = BRIDGE.replace("complained", "grumbled")
        verdict = Deduplicator(store).check(art("copy", "Coastline Daily", edited))
        assert verdict.kind == "near" and verdict.article.duplicate_of == "wire"
        exact = Deduplicator(store).check(replace(art("copy2", "Valley Courier", BRIDGE)))
        assert exact.kind == "exact"
