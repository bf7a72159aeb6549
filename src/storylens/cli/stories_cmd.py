"""``storylens stories`` and ``storylens recluster``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from storylens.cli._common import db_option, open_store


@click.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--why", is_flag=True, help="Show why each article was grouped (table format).")
def stories(db: Path, fmt: str, why: bool) -> None:
    """List the stories in the database, most recent first.

    \b
    Examples:
      storylens stories
      storylens stories --why            # with the reason each article was grouped
      storylens stories --format json | jq '.[0].articles'
    """
    with open_store(db, must_exist=True) as store:
        found = store.stories()
        if fmt == "json":
            click.echo(json.dumps([s.summary_dict() for s in found], ensure_ascii=False, indent=2))
            return
        if not found:
            click.echo("no stories yet: run `storylens ingest PATH`", err=True)
            return
        for story in found:
            span = _span(story.first_published, story.last_published)
            n = len(story.articles)
            click.echo(
                f"{story.id}  {n} article{'s' * (n != 1)}, {story.sources} outlet{'s' * (story.sources != 1)} "
                f"({story.independent_sources} independent)  {span}"
            )
            click.echo(f"    {story.title}")
            if why:
                for a in store.story_assignments(story.id):
                    click.echo(f"      - {a.article_id}: {a.reason}")


def _span(first: str | None, last: str | None) -> str:
    if not first:
        return "undated"
    first_day, last_day = first[:10], (last or first)[:10]
    return first_day if first_day == last_day else f"{first_day} to {last_day}"


@click.command()
@db_option
def recluster(db: Path) -> None:
    """Re-check the recent stories: merge, split, and move articles to a story they now fit better.

    Articles stored without a story are assigned first. The pass covers the stories still open
    (active within the clusterer's 14-day window); `storylens ingest` runs it after each batch.
    Every change is printed and stored with its reason. Story ids survive where membership is
    unchanged.

    \b
    Example:
      storylens recluster --db news.db
    """
    from storylens.pipeline import recluster as run

    with open_store(db, must_exist=True) as store:
        changed = run(store)
    click.echo(f"{len(changed)} assignments changed", err=True)
    for a in changed:
        click.echo(f"{a.article_id} -> {a.story_id}: {a.reason}")
