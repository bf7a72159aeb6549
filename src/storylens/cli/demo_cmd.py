"""``storylens demo``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from storylens.cli._common import db_option, open_store, progress_reporter


def sample_dir() -> Path:
    """The bundled sample corpus (fictional outlets and events)."""
    return Path(str(resources.files("storylens").joinpath("sample")))


def corpus_dir() -> Path:
    """The input files of the sample corpus (beside them: MANIFEST.md and expected.json)."""
    return sample_dir() / "corpus"


@click.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["md", "json", "html"]), default="md", show_default=True)
@click.option("--story", "story_id", help="Which story's brief to show (default: the one with most outlets).")
def demo(db: Path, fmt: str, story_id: str | None) -> None:
    """Build a database from the bundled sample corpus, list its stories and show one brief.

    The corpus is fictional: several outlets covering a handful of events, in every input format,
    with the mess real news has (name variants, a wire copy, newsletter lines, a contradicting
    number, a quote attributed to two different people). Running it again adds nothing.

    \b
    Examples:
      storylens demo
      storylens demo --db /tmp/demo.db --format html > brief.html
    """
    from storylens.cli.brief_cmd import render
    from storylens.pipeline import ingest_paths, story_brief

    corpus = corpus_dir()
    with open_store(db) as store, progress_reporter() as progress:
        report = ingest_paths(store, [corpus], progress=progress)
        for rejection in report.rejected:
            click.echo(f"error: {rejection}", err=True)
        click.echo(f"{corpus}: {report.summary()}", err=True)
        found = store.stories()
        # Markdown goes to a reader: the listing comes first. JSON and HTML go to a file or a
        # program: stdout carries the brief alone and the listing goes to stderr.
        listing = fmt != "md"
        click.echo(f"\n{len(found)} stories in {db}\n", err=listing)
        for story in found:
            click.echo(
                f"  {story.id}  {story.sources} outlet{'s' * (story.sources != 1)} "
                f"({story.independent_sources} independent), "
                f"{len(story.articles)} article{'s' * (len(story.articles) != 1)}  {story.title}",
                err=listing,
            )
        if not found:
            return
        chosen = story_id or max(found, key=lambda s: (s.independent_sources, len(s.articles), s.id)).id
        click.echo(f"\nBrief of {chosen} (storylens brief {chosen} --db {db}):\n", err=listing)
        click.echo(render(story_brief(store, chosen), fmt))
