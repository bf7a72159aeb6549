"""``storylens brief`` and ``storylens compare``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from storylens.cli._common import db_option, open_store, progress_reporter, write_output

format_option = click.option(
    "--format", "fmt", type=click.Choice(["md", "json", "html"]), default="md", show_default=True
)
output_option = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout."
)
sentences_option = click.option(
    "--sentences", type=click.IntRange(1, 50), default=5, show_default=True, help="Summary length."
)


def render(brief: Any, fmt: str) -> str:
    if fmt == "json":
        return str(brief.to_json())
    if fmt == "html":
        return str(brief.to_html())
    return str(brief.to_markdown())


@click.command()
@click.argument("story_id")
@db_option
@format_option
@output_option
@sentences_option
def brief(story_id: str, db: Path, fmt: str, output: Path | None, sentences: int) -> None:
    """Show the cross-source brief of STORY_ID: facts by status, conflicts, quotes, timeline, summary.

    \b
    Examples:
      storylens brief s-1a2b3c4d5e
      storylens brief s-1a2b3c4d5e --format json | jq .conflicts
      storylens brief s-1a2b3c4d5e --format html -o brief.html
    """
    from storylens.pipeline import story_brief

    with open_store(db, must_exist=True) as store:
        try:
            result = story_brief(store, story_id, summary_sentences=sentences)
        except KeyError:
            raise click.ClickException(f"no story {story_id!r} in {db} (see `storylens stories`)") from None
    write_output(render(result, fmt), output)


@click.command()
@click.argument("files", nargs=-1, required=True)
@format_option
@output_option
@sentences_option
def compare(files: tuple[str, ...], fmt: str, output: Path | None, sentences: int) -> None:
    """Run the whole pipeline in memory over FILES, treated as one story (no database).

    \b
    Examples:
      storylens compare outlet-a.html outlet-b.txt outlet-c.jsonl
      storylens compare reports/ --format json -o brief.json
    """
    from storylens.ingest import Rejection, read_paths
    from storylens.pipeline import compare as run

    items: list[Any] = []
    rejected = 0
    for item in read_paths(list(files)):
        if isinstance(item, Rejection):
            click.echo(f"error: {item}", err=True)
            rejected += 1
        else:
            items.append(item)
    if not items:
        raise click.ClickException("no usable articles in the given files")
    with progress_reporter() as progress:
        try:
            result = run(items, summary_sentences=sentences, progress=progress)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    write_output(render(result, fmt), output)
    if rejected:
        sys.exit(1)
