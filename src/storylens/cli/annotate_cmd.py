"""``storylens annotate``: the language layer's view of articles (entities, quotes, dates, numbers).

Reads files (any input ``storylens.ingest.read_paths`` understands), cleans each article with
``storylens.clean.clean_article``, annotates them and canonicalises the entities across all given
articles; writes JSON (schema ``storylens/schemas/annotations-1.json``) or Markdown.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from storylens.cli._common import progress_reporter, write_output

__all__ = ["ANNOTATIONS_SCHEMA_ID", "annotate", "annotations_document", "annotations_markdown"]

ANNOTATIONS_SCHEMA_ID = "storylens.annotations/1"


def annotations_document(
    articles: Sequence[Any], annotations: Sequence[Any], entities: Sequence[Any]
) -> dict[str, Any]:
    """The JSON document of ``storylens annotate``: articles and the canonical entities across them."""
    from storylens.annotate import annotation_to_dict
    from storylens.models import to_dict

    return {
        "schema": ANNOTATIONS_SCHEMA_ID,
        "articles": [annotation_to_dict(a, ann) for a, ann in zip(articles, annotations, strict=True)],
        "entities": [to_dict(e) for e in entities],
    }


def _cell(text: Any) -> str:
    return str(text if text is not None else "—").replace("|", "\\|").replace("\n", " ")


def _table(title: str, headers: list[str], rows: list[list[Any]]) -> list[str]:
    """A Markdown table under a bold or heading ``title``; every cell escaped, then a blank line."""
    lines = [title, "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def annotations_markdown(document: dict[str, Any]) -> str:
    """A readable Markdown rendering of an annotations document."""
    names = {e["id"]: e["name"] for e in document["entities"]}
    lines: list[str] = []
    for art in document["articles"]:
        lines += [
            f"## {art.get('title') or art['id']}",
            "",
            f"`{art['id']}` · {art['source']} · {art['published'] or 'undated'}",
            "",
        ]
        if art["entities"]:
            lines += _table(
                "**Entities**",
                ["mention", "type", "entity", "role"],
                [
                    [e["text"], e["type"], names.get(e["canonical"], e["canonical"]), e.get("role")]
                    for e in art["entities"]
                ],
            )
        if art["quotes"]:
            lines += ["**Quotes**", ""]
            for q in art["quotes"]:
                cue = f" ({q['cue']})" if q["cue"] else ""
                lines.append(
                    f"- *{q['kind']}* — **{_cell(q['speaker'] or 'unattributed')}**{cue}: “{_cell(q['text'])}”"
                )
            lines.append("")
        if art["dates"]:
            lines += _table(
                "**Dates**",
                ["expression", "value", "end"],
                [[d["text"], d["value"], d.get("end_value")] for d in art["dates"]],
            )
        if art["quantities"]:
            lines += _table(
                "**Numbers**",
                ["text", "value", "unit", "qualifier", "kind"],
                [
                    [q["text"], q["value"], q["unit"], q["qualifier"], q.get("kind", "cardinal")]
                    for q in art["quantities"]
                ],
            )
    if document["entities"]:
        lines += _table(
            "## Entities across the articles",
            ["name", "type", "mentions", "articles", "variants"],
            [
                [
                    e["name"],
                    e["type"],
                    e["mentions"],
                    len(e["articles"]),
                    ", ".join(v for v in e["variants"] if v != e["name"]) or None,
                ]
                for e in document["entities"]
            ],
        )
    return "\n".join(lines).rstrip() + "\n"


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "md"]), default="json", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout."
)
def annotate(files: tuple[str, ...], fmt: str, output: Path | None) -> None:
    """Show the entities, quotes (with speakers), dates and numbers that storylens finds in FILES.

    Relative dates ("on Friday", "last week") are resolved against each article's publication date;
    entities are merged across all given articles (name variants, surnames, aliases).

    \b
    Examples:
      storylens annotate article.html
      storylens annotate a.txt b.jsonl --format md
      storylens annotate feed.xml --format json -o annotations.json
      storylens annotate - < articles.jsonl | jq '.articles[].quotes'
    """
    from storylens.annotate import canonicalize, get_annotator
    from storylens.clean import clean_article
    from storylens.ingest import read_paths
    from storylens.models import Rejection

    articles = []
    rejected = 0
    for item in read_paths(list(files)):
        if isinstance(item, Rejection):
            click.echo(f"error: {item}", err=True)
            rejected += 1
            continue
        try:
            articles.append(clean_article(item))
        except ValueError as exc:
            click.echo(f"error: {item.origin}: {exc}", err=True)
            rejected += 1
    if not articles:
        raise click.ClickException("no usable articles in the given files")
    with progress_reporter() as progress:
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            progress("annotate", done, len(articles))

        annotations = get_annotator().annotate(articles, progress=step)
    entities, annotations = canonicalize(articles, annotations)
    document = annotations_document(articles, annotations, entities)
    text = (
        json.dumps(document, ensure_ascii=False, indent=2)
        if fmt == "json"
        else annotations_markdown(document)
    )
    write_output(text, output)
    if rejected:
        sys.exit(1)
