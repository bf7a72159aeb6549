"""``storylens ingest``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from storylens.cli._common import db_option, open_store, progress_reporter


@click.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--source", help="Outlet name for inputs that do not name one.")
@click.option("--published", help="Publication date for inputs that carry none (ISO 8601).")
@click.option("--no-annotate", is_flag=True, help="Skip the language layer (faster; briefs annotate later).")
@click.option(
    "--no-recluster",
    is_flag=True,
    help="Only assign the new articles; skip the merge/split/reassign pass over recent stories.",
)
@click.option(
    "--embedder",
    type=click.Choice(["static", "minilm"]),
    default=None,
    help="Embedding model of the stories, chosen when the database gets its first story: static "
    "(default, built in) or minilm (the 'minilm' extra; more accurate, slower). Later runs use the "
    "stored one.",
)
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal)."
)
def ingest(
    paths: tuple[str, ...],
    db: Path,
    source: str | None,
    published: str | None,
    no_annotate: bool,
    no_recluster: bool,
    embedder: str | None,
    progress: bool | None,
) -> None:
    """Read articles from PATHS into the database, clean, de-duplicate and group them into stories.

    PATHS are files or directories (read recursively); `-` reads JSONL from stdin. Formats:
    .txt/.md plain text, .html/.htm pages, .jsonl/.json records (news-please files too), .csv with
    a header, and .xml/.rss/.atom feeds. The whole batch is stored in one transaction; running it
    again adds nothing. New articles join a story or start one in publication order; then the
    recluster pass re-checks the recent stories (every 7 days of publication time within a long
    batch) and may move earlier articles (each move is stored with its reason). Each rejected
    input gets one line on stderr; the exit status is 1 when anything was rejected.

    \b
    Examples:
      storylens ingest articles.jsonl pages/ feed.xml
      storylens ingest --source "Harbor Ledger" --published 2026-03-09 note.txt
      cat records.jsonl | storylens ingest - --db news.db
      storylens ingest --embedder minilm --db monitor.db feeds/
    """
    from storylens.ingest import normalise_date
    from storylens.pipeline import EmbedderError, ingest_paths

    if published and normalise_date(published) is None:
        raise click.BadParameter(f"cannot read date {published!r}", param_hint="--published")
    with open_store(db) as store, progress_reporter(progress) as report_progress:
        try:
            report = ingest_paths(
                store,
                list(paths),
                source=source,
                published=published,
                annotate=not no_annotate,
                recluster=not no_recluster,
                embedder=embedder,
                progress=report_progress,
            )
        except EmbedderError as exc:  # wrong or unavailable embedder: nothing stored
            raise click.ClickException(f"{db}: {exc}") from exc
    for rejection in report.rejected:
        click.echo(f"error: {rejection}", err=True)
    stories = len({a.story_id for a in [*report.assignments, *report.moved]})
    moved = f"; {len(report.moved)} earlier articles moved" if report.moved else ""
    click.echo(f"{report.summary()} — {stories} stories updated{moved}", err=True)
    sys.exit(1 if report.rejected else 0)
