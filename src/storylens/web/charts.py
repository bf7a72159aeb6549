"""Geometry of the story page's two charts, drawn as inline SVG by the templates (no script, no network).

Reads the story's articles (outlet, publication time, wire-copy link); returns plain records with
coordinates in a fixed viewBox, so the page reserves the chart's exact size before it paints (no
layout shift). Labels stay data: the templates escape them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from storylens.models import Article

__all__ = ["NARROW", "NARROW_LABEL_W", "CoverageChart", "SourcesChart", "coverage_chart", "sources_chart"]

WIDTH = 640  # the wide variant's viewBox; NARROW is drawn for phones, both at 12 px text
NARROW = 360
ROW = 26
LABEL_W = 150
NARROW_LABEL_W = 96
PAD_R = 16
TOP = 8
AXIS_H = 30
MAX_ROWS = 12  # further outlets are folded into one "other outlets" row


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    independent: bool
    label: str  # tooltip: title and time
    number: int  # the article's number on the page


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    anchor: str = "middle"  # SVG text-anchor: the end labels stay inside the chart


@dataclass
class CoverageChart:
    """Articles over time, one row per outlet; filled dots are independent reports, rings copies."""

    width: int
    height: int
    plot_left: float
    plot_right: float
    axis_y: float
    rows: list[tuple[str, float]] = field(default_factory=list)  # (outlet, y)
    dots: list[Dot] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    undated: int = 0
    label_chars: int = 22  # outlet names are cut to this many characters


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    independent_w: float
    copies_w: float
    independent: int
    copies: int


@dataclass
class SourcesChart:
    """Per outlet: independent articles and wire copies / near-duplicates, as stacked bars."""

    width: int
    height: int
    plot_left: float
    bars: list[Bar] = field(default_factory=list)
    independent_sources: int = 0
    copies: int = 0
    label_chars: int = 22


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _outlet_rows(articles: Sequence[Article]) -> list[str]:
    counts: dict[str, int] = {}
    for a in articles:
        counts[a.source] = counts.get(a.source, 0) + 1
    ordered = sorted(counts, key=lambda s: (-counts[s], s.casefold()))
    if len(ordered) > MAX_ROWS:
        ordered = [*ordered[: MAX_ROWS - 1], "other outlets"]
    return ordered


def _row_of(source: str, rows: list[str]) -> int:
    return rows.index(source) if source in rows else len(rows) - 1


def _ticks(start: datetime, end: datetime, left: float, right: float, count: int) -> list[Tick]:
    span = end - start
    if span <= timedelta(0):
        return [Tick((left + right) / 2, start.strftime("%Y-%m-%d %H:%M"))]
    fmt = "%d %b %H:%M" if span <= timedelta(days=2) else "%Y-%m-%d"
    ticks = []
    for k in range(count):
        anchor = "start" if k == 0 else "end" if k == count - 1 else "middle"
        x = left + (right - left) * k / (count - 1)
        ticks.append(Tick(round(x, 1), (start + span * k / (count - 1)).strftime(fmt), anchor))
    return ticks


def coverage_chart(
    articles: Sequence[Article], numbers: dict[str, int], *, width: int = WIDTH, label_w: int = LABEL_W
) -> CoverageChart:
    """Where each article falls in time, by outlet; ``numbers`` maps article id → its page number.

    ``width``/``label_w`` size the viewBox (the page draws a wide and a narrow variant)."""
    rows = _outlet_rows(articles)
    height = TOP + ROW * max(1, len(rows)) + AXIS_H
    left, right = float(label_w), float(width - PAD_R)
    chart = CoverageChart(width, height, left, right, TOP + ROW * max(1, len(rows)), label_chars=label_w // 7)
    chart.rows = [(name, TOP + ROW * i + ROW / 2) for i, name in enumerate(rows)]
    timed = [(a, t) for a in articles if (t := _parse(a.published)) is not None]
    chart.undated = len(articles) - len(timed)
    if not timed:
        return chart
    start = min(t for _, t in timed)
    end = max(t for _, t in timed)
    span = (end - start).total_seconds()
    inner_l, inner_r = left + 10, right - 10
    for article, moment in timed:
        fraction = (moment - start).total_seconds() / span if span else 0.5
        x = inner_l + (inner_r - inner_l) * fraction
        y = chart.rows[_row_of(article.source, rows)][1]
        label = f"{article.title or article.id} ({moment.strftime('%Y-%m-%d %H:%M')})"
        chart.dots.append(Dot(round(x, 1), y, article.independent, label, numbers.get(article.id, 0)))
    chart.ticks = _ticks(start, end, inner_l, inner_r, 4 if width >= 500 else 2)
    return chart


def sources_chart(
    articles: Sequence[Article], independent_sources: int, *, width: int = WIDTH, label_w: int = LABEL_W
) -> SourcesChart:
    """Stacked bars per outlet: independent articles, then copies of another article."""
    rows = _outlet_rows(articles)
    tally = {name: [0, 0] for name in rows}
    for a in articles:
        tally[rows[_row_of(a.source, rows)]][0 if a.independent else 1] += 1
    most = max((sum(v) for v in tally.values()), default=1) or 1
    left = float(label_w)
    scale = (width - PAD_R - left - 40) / most
    chart = SourcesChart(width, TOP + ROW * max(1, len(rows)) + 8, left, label_chars=label_w // 7)
    for i, name in enumerate(rows):
        independent, copies = tally[name]
        chart.bars.append(
            Bar(
                name,
                TOP + ROW * i + 4,
                round(independent * scale, 1),
                round(copies * scale, 1),
                independent,
                copies,
            )
        )
    chart.independent_sources = independent_sources
    chart.copies = sum(1 for a in articles if not a.independent)
    return chart
