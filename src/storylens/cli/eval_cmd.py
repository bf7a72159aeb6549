"""``storylens eval``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from storylens.eval import TASKS


def _table(results: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for key, value in results.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(_table(value, name + "."))
        elif isinstance(value, float):
            rows.append((name, f"{value:.4f}"))
        else:
            rows.append((name, str(value)))
    return rows


@click.command(
    "eval",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    epilog="Tasks: " + "; ".join(f"{name} — {desc}" for name, (_, desc) in TASKS.items()),
)
@click.argument("task", type=click.Choice(list(TASKS)))
@click.argument("data", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--stream",
    is_flag=True,
    help="clustering: feed articles in date order, in batches of 100, each as `storylens ingest` takes it.",
)
@click.option(
    "--synthetic-dates",
    is_flag=True,
    help="clustering: date each story's articles within a few days of a random start in a 60-day "
    "span (the data sets have no dates) and feed them in that order.",
)
@click.option("--split", help="Which split to score (task default when omitted).")
@click.option("--limit", type=int, help="Score only the first N items (quick runs).")
@click.option(
    "--model",
    help="Model variant: clustering static|minilm (embedder); alignment static|minilm|tfidf.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_command(
    task: str,
    data: Path | None,
    stream: bool,
    synthetic_dates: bool,
    split: str | None,
    limit: int | None,
    model: str | None,
    as_json: bool,
) -> None:
    """Score TASK on evaluation data (default: ../shared/data beside the project, or $STORYLENS_DATA).

    \b
    Examples:
      storylens eval clustering --stream
      storylens eval clustering --stream --synthetic-dates --model minilm
      storylens eval clustering --model minilm
      storylens eval alignment --model tfidf
      storylens eval entities ../shared/data --split dev
      storylens eval quotes
      storylens eval summary --limit 100
    """
    from storylens.eval import default_data_dir, get_task

    options: dict[str, Any] = {"stream": stream, "limit": limit}
    if synthetic_dates:
        options["synthetic_dates"] = True
    if split:
        options["split"] = split
    if model:
        options["embedder"] = options["family"] = model
    try:
        results = get_task(task)(data or default_data_dir(), **options)
    except FileNotFoundError as exc:
        raise click.ClickException(f"evaluation data not found: {exc}") from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(results, indent=2))
        return
    rows = _table(results)
    width = max((len(k) for k, _ in rows), default=0)
    for key, value in rows:
        click.echo(f"{key:<{width}}  {value}")
