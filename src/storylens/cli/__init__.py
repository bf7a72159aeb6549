"""The ``storylens`` command line: a thin layer over the library.

Commands are listed in :data:`COMMANDS` (the one place they are registered) by import path, and a
command's module is imported only when that command runs, so ``storylens --help`` stays fast and
never loads spaCy or other heavy libraries.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

__all__ = ["COMMANDS", "main"]

COMMANDS: dict[str, tuple[str, str]] = {
    # name: ("module:attribute", short help shown by `storylens --help`)
    "ingest": (
        "storylens.cli.ingest_cmd:ingest",
        "Read articles into the database and group them into stories.",
    ),
    "stories": ("storylens.cli.stories_cmd:stories", "List the stories in the database."),
    "brief": ("storylens.cli.brief_cmd:brief", "Show the cross-source brief of one story."),
    "compare": ("storylens.cli.brief_cmd:compare", "Brief for files treated as one story (no database)."),
    "annotate": (
        "storylens.cli.annotate_cmd:annotate",
        "Show entities, quotes, dates and numbers of articles.",
    ),
    "recluster": (
        "storylens.cli.stories_cmd:recluster",
        "Re-check story merges and splits over the database.",
    ),
    "eval": ("storylens.cli.eval_cmd:eval_command", "Score a stage on evaluation data."),
    "serve": ("storylens.cli.serve_cmd:serve", "Run the local web app and HTTP API."),
    "demo": ("storylens.cli.demo_cmd:demo", "Build a database from the bundled sample corpus and show it."),
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target[0].split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storylens")
def cli() -> None:
    """storylens: group news into stories and show what outlets agree on, what only one reports,
    and where they conflict — with evidence.

    \b
    Examples:
      storylens demo                         # sample corpus → stories → one brief
      storylens ingest news/ feed.xml        # into ./storylens.db (or --db / $STORYLENS_DB)
      storylens stories --format json
      storylens brief s-1a2b3c4d5e --format html -o brief.html
      storylens compare a.html b.txt c.jsonl --format md
    """


def main(argv: list[str] | None = None) -> Any:
    return cli.main(args=argv, prog_name="storylens")
