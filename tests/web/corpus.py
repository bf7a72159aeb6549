"""A hand-built database for the web tests: fictional articles, stories and briefs written straight
through ``Store`` methods (no language layer), plus a hostile story whose every field carries markup."""

from __future__ import annotations

from pathlib import Path

from storylens.models import (
    Article,
    Assignment,
    Brief,
    BriefArticle,
    BriefConflict,
    BriefEntity,
    BriefFact,
    BriefQuote,
    BriefStory,
    ConflictEvidence,
    FactEvidence,
    QuoteVersion,
    SummarySentence,
    TimelineEvent,
    TimelineEvidence,
    content_hash,
)
from storylens.store import Store

FERRY_HL = (
    "Ferry crews in Port Aldren walked out on Tuesday morning in a dispute over night-shift pay.\n\n"
    "The harbour authority said 40 sailings were cancelled before noon.\n\n"
    "Union secretary Mara Quill said the crews would stay out until the board reopened talks.\n\n"
    "Commuters queued for buses along the coast road."
)
FERRY_NP = (
    "Ferry crews in Port Aldren walked out on Tuesday morning over night-shift pay.\n\n"
    "Officials said 55 sailings were cancelled by midday.\n\n"
    "Union secretary Mara Quill said the crews would stay out until the board reopened talks.\n\n"
    "The board chair, Tobin Reyes, called the strike premature."
)
FERRY_MW = (
    "Port Aldren ferry workers began a strike on Tuesday about pay for night shifts.\n\n"
    '"We will not sail for less," said union secretary Mara Quill.\n\n'
    "Island schools closed early because teachers could not reach them."
)
FESTIVAL = (
    "The Lantern Festival in Brightwater drew a record crowd on Saturday.\n\n"
    "Organiser Ines Farrow said nine thousand lanterns were handed out."
)

# Markup, event handlers and javascript: URLs in every field the pages show.
XSS = '<script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=1;alert(2)">'
HOSTILE_TITLE = f'Evil headline {XSS}<a href="javascript:window.__pwned=1">click</a>'
HOSTILE_TEXT = (
    f"Sentence one mentions the dam {XSS}.\n\n"
    '<svg onload="window.__pwned=1"></svg> The second sentence talks about the dam too.'
)
HOSTILE_SOURCE = 'Evil Outlet <b onmouseover="window.__pwned=1">x</b>'
HOSTILE_URL = "javascript:window.__pwned=1;alert(3)"


def article(
    id: str,
    source: str,
    title: str,
    text: str,
    published: str,
    url: str | None = None,
    duplicate_of: str | None = None,
) -> Article:
    return Article(
        id=id,
        source=source,
        title=title,
        text=text,
        original=text,
        url=url,
        published=published,
        content_hash=content_hash(text) if duplicate_of is None else content_hash(text + id),
        duplicate_of=duplicate_of,
        duplicate_kind="exact" if duplicate_of else None,
        similarity=1.0 if duplicate_of else None,
    )


def _brief_article(a: Article, reason: str) -> BriefArticle:
    return BriefArticle(
        id=a.id,
        source=a.source,
        title=a.title,
        url=a.url,
        published=a.published,
        text=a.text,
        duplicate_of=a.duplicate_of,
        independent=a.independent,
        reason=reason,
    )


def ferry_brief(arts: list[Article], reasons: dict[str, str]) -> Brief:
    hl, np, mw = arts[0], arts[1], arts[2]
    quill = BriefEntity(
        "e-quill",
        "Mara Quill",
        "PERSON",
        ("Mara Quill", "Quill"),
        (hl.id, np.id, mw.id),
        4,
        ("union secretary",),
    )
    reyes = BriefEntity("e-reyes", "Tobin Reyes", "PERSON", ("Tobin Reyes",), (np.id,), 1, ("board chair",))
    port = BriefEntity("e-port", "Port Aldren", "GPE", ("Port Aldren",), (hl.id, np.id, mw.id), 3)
    s_hl = "The harbour authority said 40 sailings were cancelled before noon."
    s_np = "Officials said 55 sailings were cancelled by midday."
    facts = (
        BriefFact(
            "f1",
            "Ferry crews in Port Aldren walked out on Tuesday over night-shift pay.",
            "corroborated",
            (hl.id, np.id, mw.id),
            3,
            (
                FactEvidence(hl.id, hl.text.split("\n\n")[0], 0, 90),
                FactEvidence(np.id, np.text.split("\n\n")[0], 0, 80),
            ),
        ),
        BriefFact(
            "f2",
            "40 sailings were cancelled.",
            "conflicting",
            (hl.id,),
            1,
            (FactEvidence(hl.id, s_hl, 92, 158),),
        ),
        BriefFact(
            "f3",
            "55 sailings were cancelled.",
            "conflicting",
            (np.id,),
            1,
            (FactEvidence(np.id, s_np, 82, 135),),
        ),
        BriefFact(
            "f4",
            "Island schools closed early.",
            "single_source",
            (mw.id,),
            1,
            (
                FactEvidence(
                    mw.id, "Island schools closed early because teachers could not reach them.", 120, 190
                ),
            ),
        ),
    )
    conflicts = (
        BriefConflict(
            "c1",
            "number",
            "How many sailings were cancelled",
            ("f2", "f3"),
            (ConflictEvidence(hl.id, s_hl, "40"), ConflictEvidence(np.id, s_np, "55")),
        ),
    )
    quotes = (
        BriefQuote(
            "q1",
            "the crews would stay out until the board reopened talks",
            "Mara Quill",
            "e-quill",
            (hl.id, np.id),
            "verbatim",
            (
                QuoteVersion(
                    hl.id, "the crews would stay out until the board reopened talks", "Mara Quill", 150, 205
                ),
                QuoteVersion(
                    np.id, "the crews would stay out until the board reopened talks", "Mara Quill", 140, 195
                ),
            ),
        ),
        BriefQuote(
            "q2",
            "We will not sail for less,",
            "Mara Quill",
            "e-quill",
            (mw.id,),
            "single",
            (QuoteVersion(mw.id, "We will not sail for less,", "Mara Quill", 60, 86),),
        ),
    )
    timeline = (
        TimelineEvent(
            "2026-04-14",
            "Ferry crews walk out over night-shift pay.",
            (hl.id, np.id),
            (TimelineEvidence(hl.id, "Tuesday"),),
        ),
    )
    summary = (
        SummarySentence(
            "Ferry crews in Port Aldren struck on Tuesday over night-shift pay.", (hl.id, np.id, mw.id)
        ),
        SummarySentence("Outlets disagree on how many sailings were cancelled: 40 or 55.", (hl.id, np.id)),
    )
    return Brief(
        story=BriefStory("s-ferry", "Ferry crews strike in Port Aldren", hl.published, arts[-1].published),
        articles=tuple(_brief_article(a, reasons[a.id]) for a in arts),
        entities=(quill, reyes, port),
        quotes=quotes,
        facts=facts,
        conflicts=conflicts,
        timeline=timeline,
        summary=summary,
    )


def hostile_brief(a: Article) -> Brief:
    ent = BriefEntity("e-evil", f"Evil Person {XSS}", "PERSON", (f"Evil {XSS}",), (a.id,), 2)
    return Brief(
        story=BriefStory("s-hostile", HOSTILE_TITLE, a.published, a.published),
        articles=(_brief_article(a, f"reason {XSS}"),),
        entities=(ent,),
        quotes=(
            BriefQuote(
                "q1",
                f"quote {XSS}",
                f"Evil Person {XSS}",
                "e-evil",
                (a.id,),
                "single",
                (QuoteVersion(a.id, f"quote {XSS}", f"speaker {XSS}", 0, 10),),
            ),
        ),
        facts=(
            BriefFact(
                "f1", f"fact {XSS}", "single_source", (a.id,), 1, (FactEvidence(a.id, f"ev {XSS}", 0, 5),)
            ),
        ),
        conflicts=(
            BriefConflict(
                "c1",
                "other",
                f"conflict {XSS}",
                ("f1",),
                (ConflictEvidence(a.id, f"one {XSS}", f"v {XSS}"), ConflictEvidence(a.id, f"two {XSS}", "2")),
            ),
        ),
        timeline=(
            TimelineEvent("2026-04-01", f"event {XSS}", (a.id,), (TimelineEvidence(a.id, f"expr {XSS}"),)),
        ),
        summary=(SummarySentence(f"summary {XSS}", (a.id,)),),
    )


def build_db(path: Path, *, hostile: bool = True) -> Path:
    """Write the test database: a ferry strike story (4 articles, one wire copy, brief cached), a
    festival story (1 article, no brief) and, with ``hostile``, a story full of markup."""
    ferry = [
        article(
            "hl-1",
            "Harbor Ledger",
            "Ferry crews strike in Port Aldren",
            FERRY_HL,
            "2026-04-14T08:00:00+00:00",
            "https://harbor.example/ferry",
        ),
        article(
            "np-1",
            "Northgate Post",
            "Port Aldren ferries halted by strike",
            FERRY_NP,
            "2026-04-14T12:30:00+00:00",
            "http://northgate.example/strike",
        ),
        article(
            "mw-1",
            "Meridian Wire",
            "Ferry workers strike over night pay",
            FERRY_MW,
            "2026-04-14T15:00:00+00:00",
        ),
        article(
            "vc-1",
            "Valley Courier",
            "Ferry workers strike over night pay",
            FERRY_MW,
            "2026-04-15T09:00:00+00:00",
            duplicate_of="mw-1",
        ),
    ]
    reasons = {
        "hl-1": "first article of the story",
        "np-1": "shares Mara Quill, Port Aldren; title similarity 0.62; same day",
        "mw-1": "shares Mara Quill, Port Aldren; title similarity 0.55; same day",
        "vc-1": "wire copy of mw-1",
    }
    festival = article(
        "bw-1",
        "Brightwater Bugle",
        "Lantern Festival draws record crowd",
        FESTIVAL,
        "2026-04-11T18:00:00+00:00",
    )
    with Store(path) as store:
        with store.transaction():
            for a in [*ferry, festival]:
                store.add_article(a)
            store.save_assignments(
                [Assignment(a.id, "s-ferry", 0.9, reasons[a.id]) for a in ferry]
                + [Assignment("bw-1", "s-fest", 1.0, "first article of the story")]
            )
        store.save_brief("s-ferry", ferry_brief(ferry, reasons).to_dict())
        if hostile:
            bad = article(
                "ev-1", HOSTILE_SOURCE, HOSTILE_TITLE, HOSTILE_TEXT, "2026-04-01T10:00:00+00:00", HOSTILE_URL
            )
            other = article(
                "ev-2",
                "Calm Times",
                "Dam report",
                "The dam was inspected. " + XSS,
                "2026-04-01T11:00:00+00:00",
                "data:text/html,<script>alert(4)</script>",
            )
            with store.transaction():
                store.add_article(bad)
                store.add_article(other)
                store.save_assignments(
                    [
                        Assignment("ev-1", "s-hostile", 0.5, f"reason {XSS}"),
                        Assignment("ev-2", "s-hostile", 0.5, "dam"),
                    ]
                )
            store.save_brief("s-hostile", hostile_brief(bad).to_dict())
    return path
