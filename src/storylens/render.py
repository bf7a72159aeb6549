"""Markdown and HTML renderings of a ``Brief``, laid out as a fact-checker's worksheet.

Reads a ``Brief`` record; writes text. Order: summary with citation marks ([1], [2] linking to the
sources list), conflicts with the differing values side by side, facts grouped by status with
badges, quotes with every outlet's version and speaker, timeline, entities, sources (independent
vs wire copy, with why each was grouped).

Every piece of article-derived text is escaped: in HTML with ``html.escape`` (the page is
self-contained: inline CSS, no script, no external asset); in Markdown, characters that would
start markup are backslash-escaped and ``<``/``>``/``&`` become entities. Article URLs are linked
only when their scheme is http or https.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote, urlsplit

from storylens.models import Brief, BriefConflict, BriefFact

__all__ = ["brief_html", "brief_markdown", "md_escape", "safe_url"]

STATUS_ORDER = (
    ("corroborated", "Corroborated", "corroborated by independent outlets"),
    ("conflicting", "Conflicting", "outlets disagree"),
    ("single_source", "Single source", "reported by one outlet only"),
)
MATCH_LABELS = {
    "verbatim": "same words",
    "paraphrase": "paraphrased",
    "misattributed": "MISATTRIBUTED",
    "single": "one outlet",
}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL with a host, else None (never link anything else)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    if any(ch in url for ch in "\r\n\t\x00 \"'<>`"):
        return None
    return url


def md_escape(text: str | None) -> str:
    """Text safe to place in Markdown (one line; markup characters escaped; no raw HTML)."""
    text = " ".join((text or "").split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_url(url: str) -> str:
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def _numbers(brief: Brief) -> dict[str, int]:
    return {a.id: i for i, a in enumerate(brief.articles, start=1)}


def _cite_md(articles: Iterable[str], numbers: dict[str, int]) -> str:
    return "".join(f"[\\[{numbers[a]}\\]](#source-{numbers[a]})" for a in articles if a in numbers)


def _cite_html(articles: Iterable[str], numbers: dict[str, int]) -> str:
    return "".join(
        f'<a class="cite" href="#source-{numbers[a]}">[{numbers[a]}]</a>' for a in articles if a in numbers
    )


def _source_name(brief: Brief, article_id: str) -> str:
    for article in brief.articles:
        if article.id == article_id:
            return article.source
    return article_id


def _facts_by_status(facts: Sequence[BriefFact], status: str) -> list[BriefFact]:
    return [f for f in facts if f.status == status]


# -- Markdown ----------------------------------------------------------------------------------


def _md_conflict(brief: Brief, conflict: BriefConflict, numbers: dict[str, int]) -> list[str]:
    lines = [f"### ⚠ {md_escape(conflict.kind.capitalize())}: {md_escape(conflict.description)}", ""]
    lines += ["| Source | Value | Sentence |", "| --- | --- | --- |"]
    for ev in conflict.evidence:
        source = f"{md_escape(_source_name(brief, ev.article))} {_cite_md([ev.article], numbers)}"
        lines.append(f"| {source} | **{md_escape(ev.value)}** | {md_escape(ev.sentence)} |")
    return [*lines, ""]


def brief_markdown(brief: Brief) -> str:
    """The brief as Markdown."""
    numbers = _numbers(brief)
    story = brief.story
    independent = sum(1 for a in brief.articles if a.independent)
    out = [f"# {md_escape(story.title)}", ""]
    span = " · ".join(
        part
        for part in (
            f"story `{story.id.replace('`', '')}`",
            f"{len(brief.articles)} articles, {independent} independent",
            f"first {md_escape(story.first_published)}" if story.first_published else "",
            f"last {md_escape(story.last_published)}" if story.last_published else "",
        )
        if part
    )
    out += [f"_{span}_", ""]
    counts = {key: len(_facts_by_status(brief.facts, key)) for key, _, _ in STATUS_ORDER}
    out += [
        f"**{counts['corroborated']}** corroborated · **{counts['conflicting']}** conflicting · "
        f"**{counts['single_source']}** single-source facts · **{len(brief.conflicts)}** conflicts",
        "",
    ]
    out += ["## Summary", ""]
    out += [f"- {md_escape(s.text)} {_cite_md(s.articles, numbers)}" for s in brief.summary] or [
        "_No summary._"
    ]
    out += ["", "## Conflicts", ""]
    if brief.conflicts:
        for conflict in brief.conflicts:
            out += _md_conflict(brief, conflict, numbers)
    else:
        out += ["_No conflicts found between outlets._", ""]
    out += ["## Facts", ""]
    for key, label, meaning in STATUS_ORDER:
        facts = _facts_by_status(brief.facts, key)
        if not facts:
            continue
        out += [f"### {label} ({len(facts)}) — {meaning}", ""]
        for fact in facts:
            badge = f"`{key.replace('_', ' ')} · {fact.independent_sources} source{'s' * (fact.independent_sources != 1)}`"
            out.append(f"- {badge} {md_escape(fact.text)} {_cite_md(fact.articles, numbers)}")
        out.append("")
    out += ["## Quotes", ""]
    if not brief.quotes:
        out += ["_No quotes._", ""]
    for q in brief.quotes:
        speaker = md_escape(q.speaker) if q.speaker else "_unknown speaker_"
        out.append(
            f"- **{speaker}**: “{md_escape(q.text)}” — `{MATCH_LABELS[q.match]}` {_cite_md(q.articles, numbers)}"
        )
        if len(q.versions) > 1:
            for v in q.versions:
                who = md_escape(v.speaker) if v.speaker else "unknown speaker"
                out.append(f"    - {_cite_md([v.article], numbers)} {who}: “{md_escape(v.text)}”")
    out += ["", "## Timeline", ""]
    if brief.timeline:
        out += ["| Date | Event | Sources | Expressions |", "| --- | --- | --- | --- |"]
        for event in brief.timeline:
            expressions = "; ".join(md_escape(e.expression) for e in event.evidence)
            out.append(
                f"| {md_escape(event.date)} | {md_escape(event.text)} | {_cite_md(event.articles, numbers)} | {expressions} |"
            )
    else:
        out.append("_No dated events._")
    out += ["", "## Entities", ""]
    if brief.entities:
        out += ["| Name | Type | Also called | Mentions | Sources |", "| --- | --- | --- | --- | --- |"]
        for e in brief.entities:
            variants = ", ".join(md_escape(v) for v in e.variants if v != e.name)
            out.append(
                f"| {md_escape(e.name)} | {md_escape(e.type)} | {variants} | {e.mentions} | {_cite_md(e.articles, numbers)} |"
            )
    else:
        out.append("_No entities._")
    out += ["", "## Sources", ""]
    for article in brief.articles:
        n = numbers[article.id]
        url = safe_url(article.url)
        title = md_escape(article.title) or "(untitled)"
        linked = f"[{title}]({_md_url(url)})" if url else title
        kind = (
            "independent"
            if article.independent
            else f"wire copy of {_cite_md([article.duplicate_of or ''], numbers) or md_escape(article.duplicate_of)}"
        )
        parts = [f'{n}. <a id="source-{n}"></a>**{md_escape(article.source)}** — {linked}', kind]
        if article.published:
            parts.append(md_escape(article.published))
        if article.reason:
            parts.append(f"why grouped: {md_escape(article.reason)}")
        out.append(" · ".join(parts))
    return "\n".join(out).rstrip() + "\n"


# -- HTML --------------------------------------------------------------------------------------

CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:60rem;padding:1.5rem;color:#1d1d1f;background:#fafafa}
h1{font-size:1.6rem;margin:.2rem 0}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
.meta{color:#555}.cite{font-size:.8em;text-decoration:none;margin-left:.15em}
.badge{display:inline-block;font-size:.75em;font-weight:600;padding:.05em .5em;border-radius:.7em;margin-right:.4em;white-space:nowrap}
.corroborated{background:#d9f2dd;color:#185c26}.conflicting{background:#fde0dc;color:#8a1c10}.single_source{background:#eee;color:#444}
.verbatim{background:#d9f2dd;color:#185c26}.paraphrase{background:#e2ecfb;color:#1c4587}.misattributed{background:#fde0dc;color:#8a1c10}.single{background:#eee;color:#444}
.conflict{border:2px solid #e0533d;background:#fff5f3;border-radius:.5rem;padding:.6rem 1rem;margin:.8rem 0}
.values{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:.6rem}
.value{background:#fff;border:1px solid #f0b8ae;border-radius:.4rem;padding:.5rem}.value strong{font-size:1.1em;color:#8a1c10}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e3e3e3;padding:.3rem .5rem;text-align:left;vertical-align:top}
.versions{margin:.2rem 0 .6rem 1.2rem;color:#444;font-size:.92em}.copy{color:#7a5b00}
"""


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _html_conflict(brief: Brief, conflict: BriefConflict, numbers: dict[str, int]) -> str:
    values = "".join(
        f'<div class="value"><div>{_e(_source_name(brief, ev.article))} {_cite_html([ev.article], numbers)}</div>'
        f"<strong>{_e(ev.value)}</strong><div>{_e(ev.sentence)}</div></div>"
        for ev in conflict.evidence
    )
    return (
        f'<div class="conflict" id="{_e(conflict.id)}"><div><span class="badge conflicting">{_e(conflict.kind)}</span>'
        f'{_e(conflict.description)}</div><div class="values">{values}</div></div>'
    )


def brief_html(brief: Brief) -> str:
    """The brief as one self-contained HTML page."""
    numbers = _numbers(brief)
    story = brief.story
    independent = sum(1 for a in brief.articles if a.independent)
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(story.title)} — storylens brief</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(story.title)}</h1>",
        f'<p class="meta">story <code>{_e(story.id)}</code> · {len(brief.articles)} articles, {independent} independent'
        + (f" · first {_e(story.first_published)}" if story.first_published else "")
        + (f" · last {_e(story.last_published)}" if story.last_published else "")
        + "</p>",
        "<h2>Summary</h2>",
    ]
    if brief.summary:
        parts.append(
            "<ul>"
            + "".join(f"<li>{_e(s.text)} {_cite_html(s.articles, numbers)}</li>" for s in brief.summary)
            + "</ul>"
        )
    else:
        parts.append("<p><em>No summary.</em></p>")
    parts.append("<h2>Conflicts</h2>")
    if brief.conflicts:
        parts.extend(_html_conflict(brief, c, numbers) for c in brief.conflicts)
    else:
        parts.append("<p><em>No conflicts found between outlets.</em></p>")
    parts.append("<h2>Facts</h2>")
    for key, label, meaning in STATUS_ORDER:
        facts = _facts_by_status(brief.facts, key)
        if not facts:
            continue
        parts.append(f'<h3>{label} ({len(facts)}) <small class="meta">{meaning}</small></h3><ul>')
        for fact in facts:
            plural = "s" if fact.independent_sources != 1 else ""
            parts.append(
                f'<li id="{_e(fact.id)}"><span class="badge {key}">{label} · {fact.independent_sources} source{plural}</span>'
                f"{_e(fact.text)} {_cite_html(fact.articles, numbers)}</li>"
            )
        parts.append("</ul>")
    parts.append("<h2>Quotes</h2>")
    if not brief.quotes:
        parts.append("<p><em>No quotes.</em></p>")
    for q in brief.quotes:
        speaker = _e(q.speaker) if q.speaker else "<em>unknown speaker</em>"
        parts.append(
            f'<p><span class="badge {q.match}">{_e(MATCH_LABELS[q.match])}</span><strong>{speaker}</strong>: '
            f"“{_e(q.text)}” {_cite_html(q.articles, numbers)}</p>"
        )
        if len(q.versions) > 1:
            parts.append(
                '<ul class="versions">'
                + "".join(
                    f"<li>{_cite_html([v.article], numbers)} {_e(v.speaker or 'unknown speaker')}: “{_e(v.text)}”</li>"
                    for v in q.versions
                )
                + "</ul>"
            )
    parts.append("<h2>Timeline</h2>")
    if brief.timeline:
        rows = "".join(
            f"<tr><td>{_e(ev.date)}</td><td>{_e(ev.text)}</td><td>{_cite_html(ev.articles, numbers)}</td>"
            f"<td>{'; '.join(_e(x.expression) for x in ev.evidence)}</td></tr>"
            for ev in brief.timeline
        )
        parts.append(
            f"<table><tr><th>Date</th><th>Event</th><th>Sources</th><th>Expressions</th></tr>{rows}</table>"
        )
    else:
        parts.append("<p><em>No dated events.</em></p>")
    parts.append("<h2>Entities</h2>")
    if brief.entities:
        rows = "".join(
            f"<tr><td>{_e(e.name)}</td><td>{_e(e.type)}</td><td>{_e(', '.join(v for v in e.variants if v != e.name))}</td>"
            f"<td>{e.mentions}</td><td>{_cite_html(e.articles, numbers)}</td></tr>"
            for e in brief.entities
        )
        parts.append(
            f"<table><tr><th>Name</th><th>Type</th><th>Also called</th><th>Mentions</th><th>Sources</th></tr>{rows}</table>"
        )
    else:
        parts.append("<p><em>No entities.</em></p>")
    parts.append("<h2>Sources</h2><ol>")
    for article in brief.articles:
        n = numbers[article.id]
        url = safe_url(article.url)
        title = _e(article.title or "(untitled)")
        linked = f'<a href="{_e(url)}" rel="noopener noreferrer">{title}</a>' if url else title
        if article.independent:
            kind = '<span class="badge corroborated">independent</span>'
        else:
            kind = f'<span class="badge single copy">wire copy of {_cite_html([article.duplicate_of or ""], numbers) or _e(article.duplicate_of)}</span>'
        extra = f" · {_e(article.published)}" if article.published else ""
        reason = f"<br><small>why grouped: {_e(article.reason)}</small>" if article.reason else ""
        parts.append(
            f'<li id="source-{n}">{kind}<strong>{_e(article.source)}</strong> — {linked}{extra}{reason}</li>'
        )
    parts.append("</ol></body></html>")
    return "\n".join(parts) + "\n"
